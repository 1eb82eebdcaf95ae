/**
 * The scheduler: every worker process runs `tick(now)` then `settle(now)` every SCHEDULER_INTERVAL_MS.
 *
 * tick — start due runs, exactly once per (schedule, scheduled time), however many workers tick:
 *  1. one indexed query for due rows only (scheduleEnabled AND scheduleNextAt <= now), in batches;
 *  2. per row, the slot to run is the most recent one <= now. After downtime that is the most
 *     recent missed slot, run once; older missed slots are skipped, and the skip is written to the
 *     created job's log and the audit log (`schedule.catch_up`);
 *  3. one INSERT … ON CONFLICT DO NOTHING RETURNING of ScheduleRun rows (unique savedQueryId +
 *     scheduledAt): only the process whose insert returned the row creates its job;
 *  4. one conditional UPDATE advances scheduleNextAt to the next slot after now, only where it still
 *     holds the value this tick read (so two ticks never fight, and a concurrent edit wins);
 *  5. the inserter issues the job as the owner: scheduledAt = the undelayed slot, held in pg-boss
 *     until slot + delay (startAfter). A crash between 3 and 5 leaves a run without a job: settle()
 *     creates it after ORPHAN_GRACE_MS (the job's domain key makes that idempotent).
 *
 * settle — count finished runs once (claimed by `settledAt`): success resets the configuration-failure
 * count (and notifies when notifyOnSuccess); an error notifies the owner; a configuration error also
 * increments the count, and the third in a row disables the schedule with a notice saying how to
 * re-enable it. "In a row" means consecutive: a success resets it; a transient error neither resets
 * nor increments it (and never disables); a killed job (a person's decision) is not counted at all.
 *
 * System updates of saved_queries go through SQL, not Prisma's update, so `updatedAt` (the workbench's
 * "recently edited" order) only moves when a person edits the query.
 */
import { db } from "@/lib/db";
import { publicUrl } from "@/lib/env";
import { writeAudit } from "@/lib/audit/log";
import type { SessionUser } from "@/lib/auth/access";
import { CronError, nextRun, nextRuns, previousRun } from "@/lib/schedule/cron";
import { DISABLE_AFTER_CONFIG_FAILURES, scheduleRowSelect, startRunJob, startRunJobs, type RunStart, type RunToStart, type ScheduleRow } from "@/lib/schedule/schedules";
import { notify, type Recipient } from "@/lib/notify/outbox";
import { formatScheduledTime, scheduleDisabled, scheduledJobFailed, scheduledJobSucceeded } from "@/lib/notify/templates";
import { tickWorkflows } from "@/lib/workflows/tick";

/** How often each worker ticks. */
export const SCHEDULER_INTERVAL_MS = 10_000;
/** Due schedules read per query. */
export const TICK_BATCH = 500;
/** A run without a job this long after its insert lost its inserter (crash): settle creates the job. */
export const ORPHAN_GRACE_MS = 60_000;
/** Runs older than this without a job are not revived any more (their job was deleted, or too late). */
export const ORPHAN_GIVE_UP_MS = 6 * 3_600_000;
/** Skipped slots are counted up to this many for the catch-up log line. */
const SKIP_COUNT_LIMIT = 1000;

export interface TickStarted {
  savedQueryId: number;
  scheduledAt: Date;
  runAt: Date;
  jobId: number;
  /** Older missed slots skipped in favour of this one (catch-up after downtime). */
  skipped: number;
}

export interface TickResult {
  /** Due schedules this tick looked at. */
  due: number;
  /** Runs this process created (another process may have created the rest). */
  started: TickStarted[];
  /** Schedules disabled because their cron or time zone no longer evaluates. */
  invalid: number;
  errors: number;
}

interface DueRow {
  id: number;
  scheduleCron: string;
  scheduleTimezone: string;
  scheduleDelaySeconds: number;
  scheduleNextAt: Date;
}

/**
 * Due schedules, earliest first: one probe of the (schedule_enabled, schedule_next_at) index. SQL
 * rather than findMany, aggregated into one JSON value: a tick stays cheap with thousands of rows
 * (Prisma's per-row decoding cost several times more CPU than the query itself).
 */
async function dueRows(now: Date, limit: number): Promise<DueRow[]> {
  const [row] = await db.$queryRaw<{ rows: string }[]>`
    select coalesce(json_agg(t), '[]')::text as rows from (
      select id, schedule_cron as c, schedule_timezone as z, schedule_delay_seconds as d, (extract(epoch from schedule_next_at) * 1000)::float8 as n
      from saved_queries
      where schedule_enabled and schedule_next_at <= ${now.toISOString()}::timestamp(3) and schedule_cron <> ''
      order by schedule_next_at
      limit ${limit}
    ) t`;
  const parsed = JSON.parse(row?.rows ?? "[]") as { id: number; c: string; z: string; d: number; n: number }[];
  return parsed.map((r) => ({ id: r.id, scheduleCron: r.c, scheduleTimezone: r.z, scheduleDelaySeconds: r.d, scheduleNextAt: new Date(r.n) }));
}

interface Plan {
  row: DueRow;
  /** The slot to run now, or null (nothing to run: only advance). */
  slot: Date | null;
  next: Date | null;
  skipped: { count: number; capped: boolean; first: Date; last: Date } | null;
}

function planFor(row: DueRow, now: Date): Plan {
  const cron = row.scheduleCron;
  const tz = row.scheduleTimezone;
  const nextAt = row.scheduleNextAt;
  // The most recent slot <= now (previousRun is strictly before its argument; slots are whole minutes).
  const latest = previousRun(cron, new Date(now.getTime() + 1), tz);
  const next = nextRun(cron, now, tz);
  if (latest === null || latest < nextAt) return { row, slot: null, next, skipped: null };
  let skipped: Plan["skipped"] = null;
  if (latest > nextAt) {
    // Catch-up after downtime: nextAt … (latest) were missed; only `latest` runs.
    const missed = nextRuns(cron, new Date(nextAt.getTime() - 1), SKIP_COUNT_LIMIT + 1, tz).filter((at) => at < latest);
    const last = previousRun(cron, latest, tz) ?? nextAt;
    skipped = { count: Math.min(missed.length, SKIP_COUNT_LIMIT), capped: missed.length > SKIP_COUNT_LIMIT, first: missed[0] ?? nextAt, last };
  }
  return { row, slot: latest, next, skipped };
}

/** Start every due run once; see the header. `now` is injectable so tests control the clock. */
export async function tick(now: Date, options: { batchSize?: number; maxBatches?: number } = {}): Promise<TickResult> {
  const batchSize = options.batchSize ?? TICK_BATCH;
  const maxBatches = options.maxBatches ?? 20;
  const result: TickResult = { due: 0, started: [], invalid: 0, errors: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await dueRows(now, batchSize);
    if (rows.length === 0) break;
    result.due += rows.length;
    await tickBatch(rows, now, result);
    if (rows.length < batchSize) break;
  }
  return result;
}

async function tickBatch(rows: DueRow[], now: Date, result: TickResult): Promise<void> {
  const plans: Plan[] = [];
  for (const row of rows) {
    try {
      plans.push(planFor(row, now));
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      result.invalid++;
      const reason = `its schedule no longer evaluates (${error.message}); edit the schedule to fix it`;
      if (await disableSchedule(row.id, reason, { cron: row.scheduleCron, timezone: row.scheduleTimezone }, null)) {
        const query = await db.savedQuery.findUnique({ where: { id: row.id }, select: { name: true, ownerId: true, owner: { select: { email: true } } } });
        if (query) await notify({ id: query.ownerId, email: query.owner.email }, scheduleDisabled({ queryName: query.name, reason, queryUrl: `${publicUrl()}/workbench/queries/${row.id}` }));
      }
    }
  }

  // 3. Claim the runs: the unique (savedQueryId, scheduledAt) decides who creates each job.
  const toRun = plans.filter((p) => p.slot !== null);
  const runAtOf = (p: Plan) => new Date(p.slot!.getTime() + p.row.scheduleDelaySeconds * 1000);
  const claimed: RunToStart[] = [];
  if (toRun.length) {
    const values = JSON.stringify(toRun.map((p) => ({ q: p.row.id, s: p.slot!.toISOString(), r: runAtOf(p).toISOString() })));
    // created_at from this clock, as Prisma's own defaults are (the column's SQL default would follow
    // the session's TimeZone); the orphan check compares it with Date.now().
    const inserted = await db.$queryRaw<{ id: number; saved_query_id: number }[]>`
      insert into schedule_runs (saved_query_id, scheduled_at, run_at, created_at)
      select v.q, v.s, v.r, ${new Date().toISOString()}::timestamp(3) from jsonb_to_recordset(${values}::jsonb) as v(q int, s timestamp(3), r timestamp(3))
      on conflict (saved_query_id, scheduled_at) do nothing
      returning id, saved_query_id`;
    const byQuery = new Map(toRun.map((p) => [p.row.id, p]));
    for (const row of inserted) {
      const p = byQuery.get(row.saved_query_id)!;
      claimed.push({ id: row.id, savedQueryId: p.row.id, scheduledAt: p.slot!, runAt: runAtOf(p) });
    }
  }

  // 4. Advance scheduleNextAt, conditionally on the value read (one statement for the batch).
  if (plans.length) {
    const values = JSON.stringify(plans.map((p) => ({ id: p.row.id, o: p.row.scheduleNextAt.toISOString(), n: p.next?.toISOString() ?? null })));
    await db.$executeRaw`
      update saved_queries as s set schedule_next_at = v.n
      from jsonb_to_recordset(${values}::jsonb) as v(id int, o timestamp(3), n timestamp(3))
      where s.id = v.id and s.schedule_enabled and s.schedule_next_at = v.o`;
  }
  if (claimed.length === 0) return;

  // 5. Create the jobs of the runs this process claimed.
  const planById = new Map(toRun.map((p) => [p.row.id, p]));
  const queries = new Map((await db.savedQuery.findMany({ where: { id: { in: claimed.map((c) => c.savedQueryId) } }, select: scheduleRowSelect })).map((q) => [q.id, q]));
  const owners = new Map<string, SessionUser>(
    (await db.user.findMany({ where: { id: { in: [...new Set([...queries.values()].map((q) => q.ownerId))] } }, select: { id: true, email: true, name: true, role: true } })).map((u) => [u.id, u]),
  );
  const starts: RunStart[] = [];
  for (const run of claimed) {
    const query = queries.get(run.savedQueryId);
    const owner = query && owners.get(query.ownerId);
    if (!query || !owner) continue; // deleted meanwhile (the run went with it)
    starts.push({ run, query, owner, logLines: runLogLines(run, query, planById.get(run.savedQueryId)) });
  }
  const jobIds = await startRunJobs(starts);
  result.errors += starts.length - jobIds.size;
  for (const { run, query } of starts) {
    const jobId = jobIds.get(run.id);
    if (jobId === undefined) continue;
    const plan = planById.get(run.savedQueryId)!;
    result.started.push({ savedQueryId: run.savedQueryId, scheduledAt: run.scheduledAt, runAt: run.runAt, jobId, skipped: plan.skipped?.count ?? 0 });
    if (plan.skipped) {
      try {
        await writeAudit({
          actorId: null,
          action: "schedule.catch_up",
          targetType: "query",
          targetId: String(query.id),
          details: { name: query.name, ran: run.scheduledAt.toISOString(), jobId, skipped: plan.skipped.count, skippedMore: plan.skipped.capped, firstSkipped: plan.skipped.first.toISOString(), lastSkipped: plan.skipped.last.toISOString() },
        });
      } catch (error) {
        console.error(`[scheduler] could not audit the catch-up of query ${query.id}: ${error instanceof Error ? error.message : error}`);
      }
    }
  }
}

function runLogLines(run: RunToStart, query: ScheduleRow, plan: Plan | undefined): { level: "info" | "warn"; message: string }[] {
  const tz = query.scheduleTimezone;
  const delay = run.runAt.getTime() - run.scheduledAt.getTime();
  const lines: { level: "info" | "warn"; message: string }[] = [
    {
      level: "info",
      message: `Scheduled run of "${query.name}" (${query.scheduleCron}, ${tz}) for ${formatScheduledTime(run.scheduledAt, tz)}${delay > 0 ? `; delayed ${delay / 1000} s: starts at ${formatScheduledTime(run.runAt, tz)}` : ""}`,
    },
  ];
  if (plan?.skipped) {
    const s = plan.skipped;
    lines.push({
      level: "warn",
      message: `Catch-up: the scheduler was not running at the scheduled times; this job runs the most recent missed time once and skipped ${s.capped ? `more than ${s.count}` : s.count} older one(s) (${formatScheduledTime(s.first, tz)} to ${formatScheduledTime(s.last, tz)})`,
    });
  }
  return lines;
}

// ─── settle ──────────────────────────────────────────────────────────────────────────────────────

export interface SettleResult {
  settled: number;
  succeeded: number;
  failed: number;
  disabled: number[];
  revived: number;
}

const FINISHED = ["success", "error", "killed"] as const;

/** Count finished runs once: notifications, failure streaks, auto-disable (see the header). */
export async function settle(now: Date, options: { limit?: number } = {}): Promise<SettleResult> {
  const result: SettleResult = { settled: 0, succeeded: 0, failed: 0, disabled: [], revived: 0 };
  await reviveOrphans(result);
  const runs = await db.scheduleRun.findMany({
    where: { settledAt: null, job: { status: { in: [...FINISHED] } } },
    select: {
      id: true,
      scheduledAt: true,
      job: { select: { id: true, status: true, errorKind: true, errorMessage: true, rowsExported: true, filesDone: true } },
      savedQuery: {
        select: {
          id: true,
          name: true,
          ownerId: true,
          owner: { select: { email: true } },
          scheduleTimezone: true,
          notifyOnSuccess: true,
          activation: { select: { notifyEmails: true, notifyOnFailure: true } },
        },
      },
    },
    orderBy: [{ scheduledAt: "asc" }, { id: "asc" }],
    take: options.limit ?? 500,
  });
  for (const run of runs) {
    const job = run.job!;
    const { count } = await db.scheduleRun.updateMany({ where: { id: run.id, settledAt: null }, data: { settledAt: now } });
    if (!count) continue; // another worker settles it
    result.settled++;
    try {
      await settleOne(run.savedQuery, run.scheduledAt, job, result);
    } catch (error) {
      console.error(`[scheduler] settling run ${run.id} (job ${job.id}): ${error instanceof Error ? error.message : error}`);
    }
  }
  return result;
}

type SettleQuery = {
  id: number;
  name: string;
  ownerId: string;
  owner: { email: string };
  scheduleTimezone: string;
  notifyOnSuccess: boolean;
  activation: { notifyEmails: string[]; notifyOnFailure: boolean } | null;
};

/**
 * Who hears about a run: the owner, plus an activation's notification recipients (on success when
 * the activation asks for it — mirrored in notifyOnSuccess — and on failure when it asks for that).
 */
function recipients(query: SettleQuery, outcome: "success" | "failure"): Recipient[] {
  const owner = { id: query.ownerId, email: query.owner.email };
  const extra = query.activation && (outcome === "success" || query.activation.notifyOnFailure) ? query.activation.notifyEmails : [];
  const seen = new Set([owner.email.toLowerCase()]);
  const out: Recipient[] = [owner];
  for (const email of extra) {
    if (seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    out.push({ id: query.ownerId, email });
  }
  return out;
}
type SettleJob = { id: number; status: string; errorKind: string | null; errorMessage: string | null; rowsExported: bigint; filesDone: number };

async function settleOne(query: SettleQuery, scheduledAt: Date, job: SettleJob, result: SettleResult): Promise<void> {
  const jobUrl = `${publicUrl()}/jobs/${job.id}`;
  if (job.status === "success") {
    result.succeeded++;
    await db.$executeRaw`update saved_queries set schedule_config_failures = 0 where id = ${query.id} and schedule_config_failures <> 0`;
    if (query.notifyOnSuccess) {
      const message = scheduledJobSucceeded({ queryName: query.name, jobId: job.id, scheduledAt, timeZone: query.scheduleTimezone, rowsExported: job.rowsExported, files: job.filesDone, jobUrl });
      for (const to of recipients(query, "success")) await notify(to, message);
    }
    return;
  }
  if (job.status !== "error") return; // killed: someone decided; neither a failure nor a success
  result.failed++;
  const kind = job.errorKind === "configuration" ? "configuration" : "transient";
  let failures: number | undefined;
  let disabled = false;
  if (kind === "configuration") {
    const [row] = await db.$queryRaw<{ failures: number; enabled: boolean; cron: string | null }[]>`
      update saved_queries set schedule_config_failures = schedule_config_failures + 1 where id = ${query.id}
      returning schedule_config_failures as failures, schedule_enabled as enabled, schedule_cron as cron`;
    failures = row?.failures;
    if (row && row.failures >= DISABLE_AFTER_CONFIG_FAILURES && row.enabled && row.cron) {
      const reason = `${row.failures} scheduled runs in a row failed with a configuration error; the last one (job ${job.id}): ${(job.errorMessage ?? "no message").slice(0, 300)}`;
      disabled = await disableSchedule(query.id, reason, { failures: row.failures, jobId: job.id }, null);
    }
  }
  const failure = scheduledJobFailed({ queryName: query.name, jobId: job.id, scheduledAt, timeZone: query.scheduleTimezone, errorMessage: job.errorMessage ?? "", errorKind: kind, jobUrl, configFailures: failures, disableAfter: DISABLE_AFTER_CONFIG_FAILURES, disabling: disabled });
  for (const to of recipients(query, "failure")) await notify(to, failure);
  if (disabled) {
    result.disabled.push(query.id);
    const row = await db.savedQuery.findUnique({ where: { id: query.id }, select: { scheduleDisabledReason: true } });
    await notify({ id: query.ownerId, email: query.owner.email }, scheduleDisabled({ queryName: query.name, reason: row?.scheduleDisabledReason ?? "repeated configuration errors", queryUrl: `${publicUrl()}/workbench/queries/${query.id}` }));
  }
}

/** Disable an enabled schedule (system action, audited). True when this call disabled it. */
async function disableSchedule(savedQueryId: number, reason: string, details: Record<string, unknown>, actorId: string | null): Promise<boolean> {
  const changed = await db.$executeRaw`
    update saved_queries set schedule_enabled = false, schedule_disabled_reason = ${reason}, schedule_next_at = null
    where id = ${savedQueryId} and schedule_enabled`;
  if (!changed) return false;
  await writeAudit({ actorId, action: "schedule.disable", targetType: "query", targetId: String(savedQueryId), details: { reason, ...details } });
  return true;
}

/** Runs whose inserter died before creating the job: create it now (idempotent by domain key). */
async function reviveOrphans(result: SettleResult): Promise<void> {
  const realNow = Date.now(); // createdAt is the database's wall clock, not the injectable one
  const orphans = await db.scheduleRun.findMany({
    where: { settledAt: null, jobId: null, createdAt: { lt: new Date(realNow - ORPHAN_GRACE_MS) } },
    select: { id: true, savedQueryId: true, scheduledAt: true, runAt: true, createdAt: true, savedQuery: { select: scheduleRowSelect } },
    take: 100,
  });
  for (const orphan of orphans) {
    if (orphan.createdAt.getTime() < realNow - ORPHAN_GIVE_UP_MS) {
      await db.scheduleRun.updateMany({ where: { id: orphan.id, settledAt: null, jobId: null }, data: { settledAt: new Date(realNow) } });
      continue;
    }
    try {
      const owner = await db.user.findUniqueOrThrow({ where: { id: orphan.savedQuery.ownerId }, select: { id: true, email: true, name: true, role: true } });
      const jobId = await startRunJob(orphan, orphan.savedQuery, owner, [
        { level: "warn", message: `Scheduled run of "${orphan.savedQuery.name}" for ${formatScheduledTime(orphan.scheduledAt, orphan.savedQuery.scheduleTimezone)}: started late, the worker that claimed it stopped before creating the job` },
      ]);
      if (jobId) result.revived++;
    } catch (error) {
      console.error(`[scheduler] reviving run ${orphan.id}: ${error instanceof Error ? error.message : error}`);
    }
  }
}

// ─── The worker's loop ───────────────────────────────────────────────────────────────────────────

export interface SchedulerLoop {
  stop(): Promise<void>;
}

/** tick then settle, every intervalMs, never overlapping; errors are logged and the loop goes on. */
export function startScheduler(options: { intervalMs?: number; clock?: () => Date } = {}): SchedulerLoop {
  const intervalMs = options.intervalMs ?? SCHEDULER_INTERVAL_MS;
  const clock = options.clock ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    try {
      const ticked = await tick(clock());
      if (ticked.started.length) console.log(`[scheduler] started ${ticked.started.length} scheduled job(s): ${ticked.started.map((s) => s.jobId).join(", ")}`);
      const workflows = await tickWorkflows(clock());
      if (workflows.started.length) console.log(`[scheduler] started ${workflows.started.length} scheduled workflow session(s): attempts ${workflows.started.map((s) => s.attemptId).join(", ")}`);
      const settled = await settle(clock());
      if (settled.disabled.length) console.log(`[scheduler] disabled schedule(s) of quer${settled.disabled.length === 1 ? "y" : "ies"} ${settled.disabled.join(", ")} after repeated configuration errors`);
    } catch (error) {
      console.error(`[scheduler] ${error instanceof Error ? error.message : error}`);
    }
  };
  const loop = () => {
    if (stopped) return;
    running = round().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
