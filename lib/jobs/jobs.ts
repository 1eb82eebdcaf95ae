/**
 * Jobs: one run of a query, exported to Kakao Moment when it has export settings. Stored in
 * PostgreSQL, queued on pg-boss, run by a worker (lib/jobs/runner.ts). Marketers see their own
 * jobs; admins see everyone's.
 */
import { db, Prisma } from "@/lib/db";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { getAuthenticationFor } from "@/lib/authentications/authentications";
import { QUEUES, queue } from "@/lib/jobs/queue";
import type { z } from "zod";
import { issueJobSchema, JOB_STATUSES, jobListFilterSchema, type IssueJobInput, type JobListFilter } from "@/lib/jobs/schemas";

export const jobSummary = {
  id: true,
  ownerId: true,
  owner: { select: { email: true } },
  type: true,
  database: true,
  status: true,
  errorKind: true,
  errorMessage: true,
  authenticationId: true,
  authentication: { select: { name: true } },
  exportSettings: true,
  savedQueryId: true,
  activation: { select: { id: true, name: true } },
  segmentId: true,
  scheduledAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  rowsRead: true,
  rowsExported: true,
  bytesRead: true,
  bytesExported: true,
  filesDone: true,
  retries: true,
  killRequested: true,
} as const satisfies Prisma.JobSelect;

export const jobDetail = {
  ...jobSummary,
  query: true,
  priority: true,
  retryLimit: true,
  attempts: true,
  domainKey: true,
  resultColumns: true,
  rowsSkippedEmpty: true,
  rowsSkippedMalformed: true,
  rowsSkippedOptedOut: true,
  rowsLeftOut: true,
  heartbeatAt: true,
  updatedAt: true,
  files: { orderBy: { index: "asc" } },
} as const satisfies Prisma.JobSelect;

export type JobSummary = Prisma.JobGetPayload<{ select: typeof jobSummary }>;
export type JobDetail = Prisma.JobGetPayload<{ select: typeof jobDetail }>;

/**
 * Issue a job: validate, check the authentication can be used, store, queue. `internal.startAfter`
 * (not part of the public input) holds the job in the queue until then: a schedule's delay.
 */
export async function issueJob(user: SessionUser, input: IssueJobInput, internal: { startAfter?: Date } = {}): Promise<JobDetail> {
  const parsed = issueJobSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const job = parsed.data;
  if (job.authenticationId) {
    const authentication = await getAuthenticationFor(user, job.authenticationId);
    if (authentication.status !== "healthy") {
      throw new AppError("reconnect_needed", `The authentication "${authentication.name}" needs to be reconnected before it can export.`, { authenticationId: "needs reconnecting" });
    }
  }
  if (job.savedQueryId) {
    const saved = await db.savedQuery.findUnique({ where: { id: job.savedQueryId }, select: { ownerId: true } });
    assertCanUse(user, saved?.ownerId, "Query");
  }
  // Internal fields (activation runs set them): a caller may file a job only under their own activation and segment.
  if (job.activationId) {
    const activation = await db.activation.findUnique({ where: { id: job.activationId }, select: { ownerId: true, segmentId: true } });
    assertCanUse(user, activation?.ownerId, "Activation");
    if (job.segmentId !== undefined && job.segmentId !== activation!.segmentId) throw new AppError("invalid_input", "segmentId: is not the activation's segment", { segmentId: "is not the activation's segment" });
  }
  if (job.segmentId) {
    const segment = await db.segment.findUnique({ where: { id: job.segmentId }, select: { ownerId: true } });
    assertCanUse(user, segment?.ownerId, "Segment");
  }
  if (job.domainKey) {
    const existing = await db.job.findUnique({ where: { domainKey: job.domainKey }, select: { id: true, ownerId: true } });
    // Another user's job is not revealed: only that the key is taken.
    if (existing && (user.role === "admin" || existing.ownerId === user.id)) throw new AppError("conflict", `domain_key: already used by job ${existing.id}`, { domain_key: String(existing.id) });
    if (existing) throw new AppError("conflict", "domain_key: already used", { domain_key: "already used" });
  }
  let created;
  try {
    created = await db.job.create({
      data: jobRow(user.id, job),
      select: { id: true },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new AppError("conflict", "domain_key: already used by another job");
    throw error;
  }
  await enqueue(created.id, job.priority, internal.startAfter);
  await appendLog(created.id, "info", queuedLogLine(user.email, job.exportSettings));
  return getJob(user, created.id);
}

/** The stored row of a validated job (issueJob, and the scheduler's batch start). */
export function jobRow(ownerId: string, job: z.output<typeof issueJobSchema>): Prisma.JobUncheckedCreateInput {
  return {
    ownerId,
    type: job.type,
    database: job.database,
    query: job.query,
    savedQueryId: job.savedQueryId,
    authenticationId: job.authenticationId,
    exportSettings: job.exportSettings as Prisma.InputJsonValue | undefined,
    priority: job.priority,
    retryLimit: job.retryLimit,
    scheduledAt: job.scheduledAt,
    domainKey: job.domainKey,
    queryParams: job.queryParams,
    activationId: job.activationId,
    segmentId: job.segmentId,
  };
}

/** The queue entry of a job run: TD priority -2…2 → pg-boss 0…4; the runner retries, not pg-boss. */
function queueEntry(jobId: number, priority: number, startAfter?: Date) {
  return { name: QUEUES.runJob, data: { jobId }, priority: priority + 2, expireInSeconds: 23 * 3600, retryLimit: 0, ...(startAfter ? { startAfter } : {}) };
}

export async function enqueue(jobId: number, priority = 0, startAfter?: Date): Promise<void> {
  const boss = await queue();
  const { name, data, ...options } = queueEntry(jobId, priority, startAfter);
  await boss.send(name, data, options);
}

/** Queue many job runs in one statement (the scheduler's batch start). */
export async function enqueueMany(jobs: { jobId: number; priority?: number; startAfter?: Date }[]): Promise<void> {
  if (jobs.length === 0) return;
  const boss = await queue();
  await boss.insert(jobs.map((j) => queueEntry(j.jobId, j.priority ?? 0, j.startAfter)));
}

/** The first log line of a job, as issueJob writes it. */
export function queuedLogLine(by: string, exportSettings: { mode: string; file_name: string } | undefined | null): string {
  return `Queued by ${by}${exportSettings ? ` for export to Kakao Moment (${exportSettings.mode} "${exportSettings.file_name}")` : ""}`;
}

export async function getJob(user: SessionUser, id: number): Promise<JobDetail> {
  const job = await db.job.findUnique({ where: { id }, select: jobDetail });
  assertCanUse(user, job?.ownerId, "Job");
  return job!;
}

/** Newest first, keyset-paged by id; marketers see only their own. */
export async function listJobs(user: SessionUser, filter: JobListFilter = {}): Promise<{ jobs: JobSummary[]; nextBefore: number | null }> {
  const f = jobListFilterSchema.parse(filter);
  const ids = await jobPageIds(user.role === "admin" ? f.ownerId : user.id, f);
  const more = ids.length > f.limit;
  const pageIds = more ? ids.slice(0, f.limit) : ids;
  const jobs = pageIds.length ? await db.job.findMany({ where: { id: { in: pageIds } }, select: jobSummary, orderBy: { id: "desc" } }) : [];
  return { jobs, nextBefore: more ? pageIds[pageIds.length - 1]! : null };
}

/**
 * The ids of one page of the list (one more than the limit), newest first, in SQL we write
 * ourselves for one reason: the status must reach the planner as a constant. Bound as a parameter
 * (as Prisma binds it), an enum is cast at run time, the planner cannot use the (owner, status)
 * statistics, assumes every user has a sixth of their jobs in every status, and walks the whole
 * primary key backwards looking for a status the user has none of (1.1 s at 1 M jobs, against
 * 0.1 ms through jobs_owner_id_status_id_idx). The status is one of JOB_STATUSES (checked by the
 * schema and again here), so writing it as a literal is safe.
 */
async function jobPageIds(ownerId: string | undefined, f: z.output<typeof jobListFilterSchema>): Promise<number[]> {
  const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz at time zone 'UTC')`;
  const conditions: Prisma.Sql[] = [];
  if (ownerId !== undefined) conditions.push(Prisma.sql`owner_id = ${ownerId}`);
  if (f.status) {
    if (!JOB_STATUSES.includes(f.status)) throw new AppError("invalid_input", `status: unknown job status "${f.status}"`);
    conditions.push(Prisma.raw(`status = '${f.status}'::"JobStatus"`));
  }
  if (f.authenticationId !== undefined) conditions.push(Prisma.sql`authentication_id = ${f.authenticationId}`);
  if (f.before !== undefined) conditions.push(Prisma.sql`id < ${f.before}`);
  if (f.from) conditions.push(Prisma.sql`created_at >= ${utc(f.from)}`);
  if (f.to) conditions.push(Prisma.sql`created_at < ${utc(f.to)}`);
  const where = conditions.length ? Prisma.sql`where ${Prisma.join(conditions, " and ")}` : Prisma.empty;
  const rows = await db.$queryRaw<{ id: number }[]>`select id from jobs ${where} order by id desc limit ${f.limit + 1}`;
  return rows.map((row) => row.id);
}

export async function jobLogs(user: SessionUser, id: number, afterId?: bigint) {
  await getJob(user, id);
  return db.jobLog.findMany({ where: { jobId: id, id: afterId ? { gt: afterId } : undefined }, orderBy: { id: "asc" }, take: 500 });
}

export async function appendLog(jobId: number, level: "info" | "warn" | "error", message: string): Promise<void> {
  await db.jobLog.create({ data: { jobId, level, message: message.slice(0, 4000) } });
}

/** Kill: a queued job ends at once; a running one is stopped by its worker within a second or two. */
export async function killJob(user: SessionUser, id: number): Promise<{ formerStatus: string }> {
  const job = await getJob(user, id);
  if (job.status === "queued") {
    const { count } = await db.job.updateMany({ where: { id, status: "queued" }, data: { status: "killed", killRequested: true, finishedAt: new Date(), errorMessage: "Killed before it started" } });
    if (count) {
      await appendLog(id, "warn", `Killed by ${user.email} before it started`);
      return { formerStatus: "queued" };
    }
  }
  if (job.status === "running" || job.status === "queued") {
    await db.job.update({ where: { id }, data: { killRequested: true } });
    await appendLog(id, "warn", `Kill requested by ${user.email}`);
    return { formerStatus: job.status };
  }
  throw new AppError("conflict", `Job ${id} has already finished (${job.status})`);
}

/** Retry a failed or killed job: the same job runs again, resuming its customer files idempotently. */
export async function retryJob(user: SessionUser, id: number): Promise<JobDetail> {
  const job = await getJob(user, id);
  if (job.status !== "error" && job.status !== "killed") throw new AppError("conflict", `Only failed or killed jobs can be retried (job ${id} is ${job.status})`);
  if (job.authenticationId) {
    const authentication = await getAuthenticationFor(user, job.authenticationId);
    if (authentication.status !== "healthy") throw new AppError("reconnect_needed", `Reconnect the authentication "${authentication.name}" first.`);
  }
  await db.job.update({ where: { id }, data: { status: "queued", killRequested: false, errorKind: null, errorMessage: null, finishedAt: null, retries: { increment: 1 } } });
  await appendLog(id, "info", `Retried by ${user.email}`);
  await enqueue(id, job.priority);
  return getJob(user, id);
}
