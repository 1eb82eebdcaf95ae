/**
 * `/v3/job/*`: Treasure Data's job API over lib/jobs (the same issueJob, getJob, listJobs and
 * killJob the console uses) and the stored results of query-only jobs (lib/jobs/results.ts).
 */
import { Readable } from "node:stream";
import { db } from "@/lib/db";
import { env, publicUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { getJob, issueJob, jobDetail, jobLogs, killJob, listJobs, type JobDetail, type JobSummary } from "@/lib/jobs/jobs";
import { issueJobSchema, JOB_STATUSES } from "@/lib/jobs/schemas";
import { readStoredResult } from "@/lib/jobs/results";
import { CONTENT_TYPES, RESULT_FORMATS, type ResultFormat } from "@/lib/jobs/result-format";
import { tdTime, type Params } from "@/lib/td-api/http";
import { invalid, jsonObject, tdIssues, tdTimeInput, text } from "@/lib/td-api/fields";

/** A reused domain_key: 409 with the job it conflicts with (when the caller may see that job). */
export class DomainKeyConflict extends AppError {
  readonly responseFields: Record<string, unknown>;
  constructor(jobId: number | null) {
    super("conflict", jobId === null ? "domain_key: already used" : `domain_key: already used by job ${jobId}`);
    this.responseFields = jobId === null ? {} : { conflicts_with: String(jobId), details: { conflicts_with: String(jobId) } };
  }
}

export function parseJobId(raw: string | undefined): number {
  const id = raw && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError("not_found", `Job ${String(raw).slice(0, 40)} not found`);
  return id;
}

/** POST /v3/job/issue/{type}/{db} → `{job, database, job_id}`. */
export async function issueTdJob(user: SessionUser, type: string, database: string, params: Params) {
  if (text(params, "result")) throw invalid("result", "result URLs are not supported: use result_connection_id and result_connection_settings");
  let scheduledAt: Date | undefined;
  const scheduledTime = text(params, "scheduled_time");
  if (scheduledTime !== undefined) {
    const parsed = tdTimeInput.safeParse(scheduledTime);
    if (!parsed.success) throw tdIssues(parsed.error.issues.map((i) => ({ ...i, path: ["scheduled_time"] })));
    scheduledAt = parsed.data;
  }
  const input = {
    type,
    database,
    query: params.query,
    priority: text(params, "priority"),
    retryLimit: text(params, "retry_limit"),
    authenticationId: text(params, "result_connection_id"),
    exportSettings: jsonObject(params, "result_connection_settings"),
    scheduledAt,
    domainKey: text(params, "domain_key"),
  };
  const parsed = issueJobSchema.safeParse(input);
  if (!parsed.success) throw tdIssues(parsed.error.issues);
  let job: JobDetail;
  try {
    job = await issueJob(user, parsed.data);
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict" && parsed.data.domainKey) {
      const existing = await db.job.findUnique({ where: { domainKey: parsed.data.domainKey }, select: { id: true, ownerId: true } });
      // Another user's job is not revealed: only that the key is taken.
      throw new DomainKeyConflict(existing && (user.role === "admin" || existing.ownerId === user.id) ? existing.id : null);
    }
    throw error;
  }
  return { job: String(job.id), database: job.database, job_id: String(job.id) };
}

function duration(job: { startedAt: Date | null; finishedAt: Date | null }): number | null {
  return job.startedAt && job.finishedAt ? Math.max(0, Math.round((job.finishedAt.getTime() - job.startedAt.getTime()) / 1000)) : null;
}

type StatusFields = Pick<JobSummary, "id" | "status" | "createdAt" | "startedAt" | "finishedAt" | "rowsRead" | "bytesRead"> & { updatedAt: Date; resultBytes: bigint | null };

/** GET /v3/job/status/{id}. */
export function toTdJobStatus(job: StatusFields) {
  return {
    job_id: String(job.id),
    status: job.status,
    created_at: tdTime(job.createdAt),
    updated_at: tdTime(job.updatedAt),
    start_at: tdTime(job.startedAt),
    end_at: tdTime(job.finishedAt),
    duration: duration(job),
    result_size: Number(job.resultBytes ?? job.bytesRead),
    num_records: Number(job.rowsRead),
  };
}

type TdJobSource = JobDetail & { resultBytes: bigint | null };

/** The job object of job/show and job/list. `cmdout` is the job's log (show only). */
export function toTdJob(job: TdJobSource, log?: string) {
  const columns = Array.isArray(job.resultColumns) ? (job.resultColumns as { name: string; type: string }[]) : null;
  return {
    ...toTdJobStatus(job),
    type: job.type,
    database: job.database,
    query: job.query,
    url: `${publicUrl(env())}/jobs/${job.id}`,
    user_name: job.owner.email,
    priority: job.priority,
    retry_limit: job.retryLimit,
    result: "",
    result_connection_id: job.authenticationId,
    result_connection_settings: job.exportSettings ? JSON.stringify(job.exportSettings) : null,
    hive_result_schema: columns ? JSON.stringify(columns.map((c) => [c.name, c.type])) : null,
    scheduled_at: tdTime(job.scheduledAt),
    domain_key: job.domainKey,
    num_records_exported: job.exportSettings ? Number(job.rowsExported) : null,
    debug: log === undefined ? undefined : { cmdout: log, stderr: job.errorMessage ?? "" },
  };
}

async function loadTdJob(user: SessionUser, id: number): Promise<TdJobSource> {
  const job = await getJob(user, id);
  const extra = await db.job.findUniqueOrThrow({ where: { id }, select: { resultBytes: true } });
  return { ...job, ...extra };
}

export async function showTdJob(user: SessionUser, rawId: string | undefined) {
  const id = parseJobId(rawId);
  const job = await loadTdJob(user, id);
  const logs = await jobLogs(user, id);
  return toTdJob(job, logs.map((l) => `${l.at.toISOString()} ${l.level.toUpperCase()} ${l.message}`).join("\n"));
}

export async function tdJobStatus(user: SessionUser, rawId: string | undefined) {
  return toTdJobStatus(await loadTdJob(user, parseJobId(rawId)));
}

function index(params: Params, name: string, fallback: number): number {
  const raw = text(params, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,6}$/.test(raw)) throw invalid(name, "must be a job index (0 or more)");
  return Number(raw);
}

/** At most this many jobs per list request. */
export const MAX_LIST = 200;

/**
 * GET /v3/job/list?from=&to=&status= — Treasure Data's `from`/`to` are indices into the list, newest
 * first, both inclusive (default 0..19). `count` is the number of jobs in this response.
 */
export async function listTdJobs(user: SessionUser, params: Params) {
  const from = index(params, "from", 0);
  const to = index(params, "to", from + 19);
  if (to < from) throw invalid("to", "must not be below from");
  if (to - from + 1 > MAX_LIST) throw invalid("to", `at most ${MAX_LIST} jobs per request (to - from + 1)`);
  const status = text(params, "status");
  if (status !== undefined && status !== "booting" && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw invalid("status", "must be queued, booting, running, success, error or killed");
  }
  const page: JobSummary[] = [];
  if (status !== "booting") {
    // Keyset pages of listJobs (the console's list, with its ownership rule) up to index `to`.
    let before: number | undefined;
    while (page.length <= to) {
      const { jobs, nextBefore } = await listJobs(user, { status: status as JobSummary["status"] | undefined, before, limit: MAX_LIST });
      page.push(...jobs);
      if (nextBefore === null) break;
      before = nextBefore;
    }
  }
  const ids = page.slice(from, to + 1).map((j) => j.id);
  const details = await db.job.findMany({ where: { id: { in: ids } }, select: { ...jobDetail, resultBytes: true }, orderBy: { id: "desc" } });
  const jobs = details.map((job) => toTdJob(job));
  return { jobs, count: jobs.length, from, to };
}

/** POST /v3/job/kill/{id} → `{former_status, job_id}`. */
export async function killTdJob(user: SessionUser, rawId: string | undefined) {
  const id = parseJobId(rawId);
  const { formerStatus } = await killJob(user, id);
  return { former_status: formerStatus, job_id: String(id) };
}

/** GET /v3/job/result/{id}?format=tsv|csv|json — the stored rows, streamed. */
export async function tdJobResult(user: SessionUser, rawId: string | undefined, params: Params): Promise<Response> {
  const id = parseJobId(rawId);
  const format = (text(params, "format") ?? "tsv").toLowerCase();
  if (!(RESULT_FORMATS as readonly string[]).includes(format)) throw invalid("format", "must be tsv, csv or json");
  const job = await getJob(user, id);
  if (job.status === "queued" || job.status === "running") throw new AppError("conflict", `Job ${id} is ${job.status}: its result is available once it succeeds.`);
  const stored = await db.job.findUniqueOrThrow({ where: { id }, select: { id: true, resultPath: true, resultColumns: true } });
  const stream = job.status === "success" ? readStoredResult(stored, format as ResultFormat) : null;
  if (!stream) {
    const why = job.status !== "success" ? `it ended with status ${job.status}` : job.exportSettings ? "its rows were exported to Kakao Moment" : "the result is no longer stored";
    throw new AppError("not_found", `Job ${id} has no stored result: ${why}.`);
  }
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { "content-type": CONTENT_TYPES[format as ResultFormat], "cache-control": "no-store", "content-disposition": `inline; filename="job-${id}.${format}"` },
  });
}
