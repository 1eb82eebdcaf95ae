/**
 * A saved query's schedule: data access and rules (the scheduler itself is lib/schedule/scheduler.ts).
 *
 * Rules:
 *  - Owners and admins only; to anyone else the query does not exist (not_found).
 *  - A schedule runs the query's export, so it needs Export Results on the query.
 *  - `scheduleNextAt` always holds the next undelayed slot of an enabled schedule (null otherwise): the
 *    scheduler finds due schedules through the (scheduleEnabled, scheduleNextAt) index.
 *  - Changing cron, time zone or delay re-enables the schedule and resets the failure count; saving it
 *    unchanged (e.g. only notifyOnSuccess) keeps a paused or disabled schedule as it is (Resume exists).
 *  - Paused = scheduleEnabled false with no reason; disabled = scheduleEnabled false with a reason
 *    (set by the scheduler after repeated configuration failures).
 *  - Run now (TD's "run" of a schedule): a job now, its scheduled time = now (to the second). When the
 *    query has a schedule, the run is recorded in the schedule's history (ScheduleRun) and counted
 *    like a scheduled one: its failure is notified and counts toward auto-disable, its success resets
 *    the count (so fixing the export and pressing Run now clears the streak). It does not re-enable a
 *    disabled schedule (Resume does). Without a schedule it is a plain job of the saved query.
 *  - Every change is in the audit log (system changes with actorId null).
 */
import { db, Prisma } from "@/lib/db";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { writeAudit } from "@/lib/audit/log";
import { appendLog, enqueueMany, issueJob, jobRow, queuedLogLine, type JobDetail, getJob } from "@/lib/jobs/jobs";
import { issueJobSchema } from "@/lib/jobs/schemas";
import type { z } from "zod";
import { describeCron, nextRun, validateCron } from "@/lib/schedule/cron";
import { scheduleSchema, type ScheduleInput } from "@/lib/schedule/schemas";
import type { QueryParam } from "@/lib/engine/types";

/** Consecutive configuration failures after which the scheduler disables a schedule. */
export const DISABLE_AFTER_CONFIG_FAILURES = 3;

export const scheduleRowSelect = {
  id: true,
  name: true,
  ownerId: true,
  database: true,
  sql: true,
  exportAuthenticationId: true,
  exportSettings: true,
  scheduleCron: true,
  scheduleTimezone: true,
  scheduleDelaySeconds: true,
  scheduleEnabled: true,
  scheduleConfigFailures: true,
  scheduleDisabledReason: true,
  scheduleNextAt: true,
  notifyOnSuccess: true,
  sqlParams: true,
  activation: { select: { id: true, segmentId: true } },
} as const satisfies Prisma.SavedQuerySelect;

export type ScheduleRow = Prisma.SavedQueryGetPayload<{ select: typeof scheduleRowSelect }>;

export type ScheduleState = "none" | "active" | "paused" | "disabled";

export interface ScheduleView {
  savedQueryId: number;
  name: string;
  ownerId: string;
  /** "" = no schedule. */
  cron: string;
  timezone: string;
  delaySeconds: number;
  notifyOnSuccess: boolean;
  enabled: boolean;
  state: ScheduleState;
  configFailures: number;
  disabledReason: string | null;
  /** Next scheduled (undelayed) time; null when none, paused or disabled. */
  nextAt: Date | null;
  hasExport: boolean;
  /** The cron in words ("every hour at :00"); null without a schedule. */
  description: string | null;
}

export function hasExport(row: Pick<ScheduleRow, "exportSettings" | "exportAuthenticationId">): boolean {
  return row.exportSettings !== null && row.exportAuthenticationId !== null;
}

export function toScheduleView(row: ScheduleRow): ScheduleView {
  const cron = row.scheduleCron ?? "";
  const check = cron === "" ? null : validateCron(cron);
  return {
    savedQueryId: row.id,
    name: row.name,
    ownerId: row.ownerId,
    cron,
    timezone: row.scheduleTimezone,
    delaySeconds: row.scheduleDelaySeconds,
    notifyOnSuccess: row.notifyOnSuccess,
    enabled: row.scheduleEnabled,
    state: cron === "" ? "none" : row.scheduleEnabled ? "active" : row.scheduleDisabledReason ? "disabled" : "paused",
    configFailures: row.scheduleConfigFailures,
    disabledReason: row.scheduleDisabledReason,
    nextAt: row.scheduleNextAt,
    hasExport: hasExport(row),
    description: check?.ok ? describeCron(cron) : null,
  };
}

async function loadFor(user: SessionUser, savedQueryId: number): Promise<ScheduleRow> {
  const row = Number.isSafeInteger(savedQueryId) ? await db.savedQuery.findUnique({ where: { id: savedQueryId }, select: scheduleRowSelect }) : null;
  assertCanUse(user, row?.ownerId, "Query");
  return row!;
}

function requireExport(row: ScheduleRow): void {
  if (!hasExport(row)) {
    throw new AppError(
      "invalid_input",
      `A schedule runs the query's export to Kakao Moment: set Export Results on "${row.name}" and save the query first.`,
      { cron: "needs Export Results on the query" },
    );
  }
}

/** The next slot strictly after `now`, or null (no schedule / never again). */
function nextSlot(cron: string, timezone: string, now: Date): Date | null {
  return cron === "" ? null : nextRun(cron, now, timezone);
}

export async function getSchedule(user: SessionUser, savedQueryId: number): Promise<ScheduleView> {
  return toScheduleView(await loadFor(user, savedQueryId));
}

/** Set (or remove, with cron "") a saved query's schedule. */
export async function setSchedule(user: SessionUser, savedQueryId: number, input: ScheduleInput, now = new Date()): Promise<ScheduleView> {
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const next = parsed.data;
  const current = await loadFor(user, savedQueryId);
  if (next.cron !== "") requireExport(current);

  const before = { cron: current.scheduleCron ?? "", timezone: current.scheduleTimezone, delaySeconds: current.scheduleDelaySeconds };
  const after = { cron: next.cron, timezone: next.timezone, delaySeconds: next.delaySeconds };
  const changed = before.cron !== after.cron || before.timezone !== after.timezone || before.delaySeconds !== after.delaySeconds;
  const notifyOnSuccess = next.notifyOnSuccess ?? current.notifyOnSuccess;
  if (!changed && notifyOnSuccess === current.notifyOnSuccess) return toScheduleView(current);

  const data: Prisma.SavedQueryUpdateInput = { notifyOnSuccess };
  if (changed) {
    Object.assign(data, {
      scheduleCron: after.cron === "" ? null : after.cron,
      scheduleTimezone: after.timezone,
      scheduleDelaySeconds: after.delaySeconds,
      scheduleEnabled: true,
      scheduleConfigFailures: 0,
      scheduleDisabledReason: null,
      scheduleNextAt: nextSlot(after.cron, after.timezone, now),
    } satisfies Prisma.SavedQueryUpdateInput);
  }
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.savedQuery.update({ where: { id: current.id }, data, select: scheduleRowSelect });
    await writeAudit(
      {
        actorId: user.id,
        action: after.cron === "" && before.cron !== "" ? "schedule.remove" : "schedule.update",
        targetType: "query",
        targetId: String(current.id),
        details: { name: current.name, before: { ...before, notifyOnSuccess: current.notifyOnSuccess }, after: { ...after, notifyOnSuccess }, reEnabled: changed && !current.scheduleEnabled },
      },
      tx,
    );
    return updated;
  });
  return toScheduleView(row);
}

export async function pauseSchedule(user: SessionUser, savedQueryId: number): Promise<ScheduleView> {
  const current = await loadFor(user, savedQueryId);
  if (!current.scheduleCron) throw new AppError("conflict", `"${current.name}" has no schedule to pause.`);
  if (!current.scheduleEnabled) return toScheduleView(current);
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.savedQuery.update({ where: { id: current.id }, data: { scheduleEnabled: false, scheduleDisabledReason: null, scheduleNextAt: null }, select: scheduleRowSelect });
    await writeAudit({ actorId: user.id, action: "schedule.pause", targetType: "query", targetId: String(current.id), details: { name: current.name, cron: current.scheduleCron } }, tx);
    return updated;
  });
  return toScheduleView(row);
}

/** Resume a paused or disabled schedule: failures reset, next run recomputed from now. */
export async function resumeSchedule(user: SessionUser, savedQueryId: number, now = new Date()): Promise<ScheduleView> {
  const current = await loadFor(user, savedQueryId);
  if (!current.scheduleCron) throw new AppError("conflict", `"${current.name}" has no schedule to resume.`);
  if (current.scheduleEnabled && current.scheduleNextAt) return toScheduleView(current);
  requireExport(current);
  const check = validateCron(current.scheduleCron);
  if (!check.ok) throw new AppError("invalid_input", `cron: ${check.error.message}`, { cron: check.error.message });
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.savedQuery.update({
      where: { id: current.id },
      data: { scheduleEnabled: true, scheduleConfigFailures: 0, scheduleDisabledReason: null, scheduleNextAt: nextSlot(current.scheduleCron!, current.scheduleTimezone, now) },
      select: scheduleRowSelect,
    });
    await writeAudit(
      { actorId: user.id, action: "schedule.resume", targetType: "query", targetId: String(current.id), details: { name: current.name, wasDisabled: current.scheduleDisabledReason } },
      tx,
    );
    return updated;
  });
  return toScheduleView(row);
}

// ─── Runs (shared with the scheduler) ────────────────────────────────────────────────────────────

/** Makes job creation for one (schedule, scheduled time) idempotent across processes and retries. */
export function scheduleDomainKey(savedQueryId: number, scheduledAt: Date): string {
  return `schedule:${savedQueryId}:${scheduledAt.toISOString()}`;
}

export async function loadOwner(ownerId: string): Promise<SessionUser> {
  const owner = await db.user.findUniqueOrThrow({ where: { id: ownerId }, select: { id: true, email: true, name: true, role: true } });
  return owner;
}

export interface RunToStart {
  id: number;
  savedQueryId: number;
  scheduledAt: Date;
  runAt: Date;
}

/**
 * Create the job of a claimed run (only the process that inserted the ScheduleRun calls this, or the
 * orphan recovery after a crash). issueJob as the owner, held in the queue until runAt (the delay).
 * When issueJob refuses it (authentication needs reconnecting, settings no longer valid, authentication
 * deleted…) the job is still recorded, as failed with a configuration error: the owner sees it in Jobs,
 * gets the failure notice with its link, and the failure counts toward auto-disable like any other.
 */
/** What a job of this saved query runs: its SQL (and bind parameters), export, and the activation it carries. */
export function jobInputOf(query: ScheduleRow) {
  return {
    database: query.database,
    query: query.sql,
    savedQueryId: query.id,
    authenticationId: query.exportAuthenticationId ?? undefined,
    exportSettings: (query.exportSettings ?? undefined) as never,
    queryParams: Array.isArray(query.sqlParams) ? (query.sqlParams as QueryParam[]) : undefined,
    activationId: query.activation?.id,
    segmentId: query.activation?.segmentId,
  };
}

export async function startRunJob(run: RunToStart, query: ScheduleRow, owner: SessionUser, logLines: { level: "info" | "warn"; message: string }[] = []): Promise<number> {
  const domainKey = scheduleDomainKey(query.id, run.scheduledAt);
  const input = { ...jobInputOf(query), scheduledAt: run.scheduledAt, domainKey };
  let jobId: number;
  try {
    jobId = (await issueJob(owner, input, { startAfter: run.runAt })).id;
  } catch (error) {
    if (!(error instanceof AppError) || error.code === "internal") throw error;
    const existing = error.code === "conflict" ? await db.job.findUnique({ where: { domainKey }, select: { id: true, savedQueryId: true, ownerId: true } }) : null;
    if (existing && existing.savedQueryId === query.id && existing.ownerId === owner.id) {
      jobId = existing.id; // created by an earlier attempt for this very run
    } else {
      jobId = await recordRefusedJob(query, owner, run, error.code === "conflict" ? null : domainKey, error.message);
    }
  }
  await db.scheduleRun.update({ where: { id: run.id }, data: { jobId } });
  for (const line of logLines) await appendLog(jobId, line.level, line.message);
  return jobId;
}

export interface RunStart {
  run: RunToStart;
  query: ScheduleRow;
  owner: SessionUser;
  logLines: { level: "info" | "warn"; message: string }[];
}

/**
 * Start the jobs of many runs with a handful of statements — what a tick does when many schedules
 * fire at once (per-run issueJob costs ~8 round trips and ~25 ms CPU; this batch costs a few per
 * batch). Only runs the batch can vouch for take this path: valid input, an authentication of the
 * owner that is healthy, a domain key not used yet. Every other run goes through startRunJob one by
 * one, which records refusals exactly as a single start does. Resolves run id → job id.
 */
export async function startRunJobs(items: RunStart[]): Promise<Map<number, number>> {
  const started = new Map<number, number>();
  const authenticationIds = [...new Set(items.map((i) => i.query.exportAuthenticationId).filter((id): id is number => id !== null))];
  const authentications = new Map(
    (await db.authentication.findMany({ where: { id: { in: authenticationIds } }, select: { id: true, ownerId: true, status: true } })).map((a) => [a.id, a]),
  );
  const fast: { item: RunStart; input: z.output<typeof issueJobSchema> }[] = [];
  const slow: RunStart[] = [];
  for (const item of items) {
    const parsed = issueJobSchema.safeParse({ ...jobInputOf(item.query), scheduledAt: item.run.scheduledAt, domainKey: scheduleDomainKey(item.query.id, item.run.scheduledAt) });
    const authentication = parsed.success && parsed.data.authenticationId ? authentications.get(parsed.data.authenticationId) : undefined;
    const usable = authentication && authentication.status === "healthy" && (authentication.ownerId === item.owner.id || item.owner.role === "admin");
    if (parsed.success && usable) fast.push({ item, input: parsed.data });
    else slow.push(item);
  }
  if (fast.length) {
    const created = await db.job.createManyAndReturn({
      data: fast.map(({ item, input }) => jobRow(item.owner.id, input)),
      select: { id: true, domainKey: true },
      skipDuplicates: true, // a key already used (an earlier attempt of this run): the slow path sorts it out
    });
    const byKey = new Map(created.map((j) => [j.domainKey, j.id]));
    const done: { item: RunStart; input: z.output<typeof issueJobSchema>; jobId: number }[] = [];
    for (const f of fast) {
      const jobId = byKey.get(f.input.domainKey!);
      if (jobId === undefined) slow.push(f.item);
      else done.push({ ...f, jobId });
    }
    if (done.length) {
      await enqueueMany(done.map((d) => ({ jobId: d.jobId, priority: d.input.priority, startAfter: d.item.run.runAt })));
      await db.jobLog.createMany({
        data: done.flatMap((d) => [
          { jobId: d.jobId, level: "info", message: queuedLogLine(d.item.owner.email, d.input.exportSettings) },
          ...d.item.logLines.map((line) => ({ jobId: d.jobId, level: line.level, message: line.message.slice(0, 4000) })),
        ]),
      });
      const values = JSON.stringify(done.map((d) => ({ r: d.item.run.id, j: d.jobId })));
      await db.$executeRaw`update schedule_runs as s set job_id = v.j from jsonb_to_recordset(${values}::jsonb) as v(r int, j int) where s.id = v.r`;
      for (const d of done) started.set(d.item.run.id, d.jobId);
    }
  }
  for (const item of slow) {
    try {
      started.set(item.run.id, await startRunJob(item.run, item.query, item.owner, item.logLines));
    } catch (error) {
      // The run stays without a job; settle() revives it after ORPHAN_GRACE_MS.
      console.error(`[scheduler] could not start the run of query ${item.query.id} for ${item.run.scheduledAt.toISOString()}: ${error instanceof Error ? error.message : error}`);
    }
  }
  return started;
}

async function recordRefusedJob(query: ScheduleRow, owner: SessionUser, run: RunToStart, domainKey: string | null, message: string): Promise<number> {
  const authenticationExists = query.exportAuthenticationId !== null && (await db.authentication.count({ where: { id: query.exportAuthenticationId } })) > 0;
  const now = new Date();
  const input = jobInputOf(query);
  const job = await db.job.create({
    data: {
      ownerId: owner.id,
      database: input.database,
      query: input.query,
      savedQueryId: input.savedQueryId,
      authenticationId: authenticationExists ? query.exportAuthenticationId : null,
      exportSettings: (query.exportSettings ?? undefined) as Prisma.InputJsonValue | undefined,
      queryParams: input.queryParams,
      activationId: input.activationId,
      segmentId: input.segmentId,
      scheduledAt: run.scheduledAt,
      domainKey,
      status: "error",
      errorKind: "configuration",
      errorMessage: message.slice(0, 2000),
      finishedAt: now,
    },
    select: { id: true },
  });
  await appendLog(job.id, "error", `Configuration error: the scheduled run could not start: ${message}`);
  return job.id;
}

/** Run now: a job of the saved query at once, scheduled time = now (see the rules at the top). */
export async function runNow(user: SessionUser, savedQueryId: number, now = new Date()): Promise<JobDetail> {
  const query = await loadFor(user, savedQueryId);
  requireExport(query);
  const owner = query.ownerId === user.id ? user : await loadOwner(query.ownerId);
  const scheduledAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const by = `Run now by ${user.email} (scheduled time ${scheduledAt.toISOString()})`;
  let jobId: number;
  if (query.scheduleCron) {
    let run: RunToStart;
    try {
      run = await db.scheduleRun.create({ data: { savedQueryId: query.id, scheduledAt, runAt: scheduledAt }, select: { id: true, savedQueryId: true, scheduledAt: true, runAt: true } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new AppError("conflict", `"${query.name}" already has a run scheduled for ${scheduledAt.toISOString()}; try again in a second.`);
      }
      throw error;
    }
    try {
      // Interactive: a refusal (e.g. reconnect needed) is shown to the user, not recorded as a run.
      jobId = (await issueJob(owner, { ...jobInputOf(query), scheduledAt, domainKey: scheduleDomainKey(query.id, scheduledAt) })).id;
    } catch (error) {
      await db.scheduleRun.delete({ where: { id: run.id } }).catch(() => {});
      throw error;
    }
    await db.scheduleRun.update({ where: { id: run.id }, data: { jobId } });
  } else {
    jobId = (await issueJob(owner, { ...jobInputOf(query), scheduledAt })).id;
  }
  await appendLog(jobId, "info", by);
  await writeAudit({ actorId: user.id, action: "schedule.run_now", targetType: "query", targetId: String(query.id), details: { name: query.name, jobId, scheduledAt: scheduledAt.toISOString(), countedAsScheduledRun: !!query.scheduleCron } });
  return getJob(user, jobId);
}
