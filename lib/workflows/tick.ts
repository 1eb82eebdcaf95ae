/**
 * The workflows' part of the scheduler round (lib/schedule/scheduler.ts calls tickWorkflows(now)
 * every SCHEDULER_INTERVAL_MS in every worker):
 *  1. due schedules (nextAt <= now): the most recent slot whose run time has come runs once (older
 *     missed slots after downtime are skipped, as the saved-query scheduler does); nextAt moves to
 *     the next slot after now with a conditional UPDATE (only one ticking process wins), and the
 *     session's unique (project, workflow, session time) key makes starting it exactly-once;
 *  2. running attempts whose next check is long overdue (a lost wake message, a dead worker) are
 *     woken again.
 */
import { db } from "@/lib/db";
import { startScheduledSession, wake, WAKE_MAX_MS } from "@/lib/workflows/runner";
import { delaySeconds, nextSlot, type ScheduleSpec, type Slot } from "@/lib/workflows/schedule";

/** An attempt whose next look is this late has lost its wake. */
export const OVERDUE_MS = 3 * WAKE_MAX_MS;
const MAX_CATCH_UP_STEPS = 20_000;

export interface WorkflowTickResult {
  started: { projectId: number; workflowName: string; sessionTime: Date; attemptId: number; skipped: number }[];
  woken: number[];
}

/** The latest slot with runAt <= now, starting from the stored one; with the count of skipped older slots. */
function latestDue(spec: ScheduleSpec, timezone: string, storedRunAt: Date, now: Date): { slot: Slot; skipped: number } {
  let slot: Slot = { runAt: storedRunAt, sessionTime: new Date(storedRunAt.getTime() - delaySeconds(spec) * 1000) };
  let skipped = 0;
  for (let i = 0; i < MAX_CATCH_UP_STEPS; i++) {
    const next = nextSlot(spec, slot.runAt, timezone);
    if (next.runAt > now) break;
    slot = next;
    skipped++;
  }
  return { slot, skipped };
}

export async function tickWorkflows(now: Date, options: { wake?: boolean } = {}): Promise<WorkflowTickResult> {
  const result: WorkflowTickResult = { started: [], woken: [] };
  const due = await db.workflowSchedule.findMany({ where: { nextAt: { lte: now } }, orderBy: { nextAt: "asc" }, take: 200 });
  for (const schedule of due) {
    const spec = schedule.spec as unknown as ScheduleSpec;
    let plan: { slot: Slot; skipped: number };
    let next: Date;
    try {
      plan = latestDue(spec, schedule.timezone, schedule.nextAt!, now);
      next = nextSlot(spec, now, schedule.timezone).runAt;
    } catch (error) {
      console.error(`[workflows] schedule ${schedule.id} no longer evaluates: ${error instanceof Error ? error.message : error}`);
      await db.workflowSchedule.updateMany({ where: { id: schedule.id, nextAt: schedule.nextAt }, data: { nextAt: null } });
      continue;
    }
    const { count } = await db.workflowSchedule.updateMany({ where: { id: schedule.id, nextAt: schedule.nextAt }, data: { nextAt: next } });
    if (!count) continue; // another worker advanced it (and starts the session)
    try {
      const started = await startScheduledSession(schedule.projectId, schedule.workflowName, plan.slot.sessionTime, options);
      if (started) result.started.push({ projectId: schedule.projectId, workflowName: schedule.workflowName, sessionTime: plan.slot.sessionTime, attemptId: started.attemptId, skipped: plan.skipped });
    } catch (error) {
      console.error(`[workflows] starting ${schedule.workflowName} of project ${schedule.projectId}: ${error instanceof Error ? error.message : error}`);
    }
  }
  if (options.wake !== false) {
    const overdue = await db.workflowAttempt.findMany({ where: { status: "running", nextCheckAt: { lt: new Date(Date.now() - OVERDUE_MS) } }, select: { id: true }, take: 100 });
    for (const attempt of overdue) {
      try {
        if (await wake(attempt.id)) result.woken.push(attempt.id);
      } catch (error) {
        console.error(`[workflows] waking attempt ${attempt.id}: ${error instanceof Error ? error.message : error}`);
      }
    }
  }
  return result;
}
