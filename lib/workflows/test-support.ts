/** Test support for workflow integration tests: drive an attempt to its end without a worker process. */
import { db } from "@/lib/db";
import { runJob } from "@/lib/jobs/runner";
import { advanceAttempt } from "@/lib/workflows/runner";

/**
 * Advance the attempt, running each job it issues in this process (the worker's runJob), until
 * it finishes. Retry intervals pass on the injected clock: each wait jumps to the time asked for.
 */
export async function runToEnd(attemptId: number, options: { now?: Date; maxSteps?: number } = {}): Promise<{ status: string; now: Date; waits: Date[] }> {
  let now = options.now ?? new Date();
  const waits: Date[] = [];
  for (let i = 0; i < (options.maxSteps ?? 200); i++) {
    const result = await advanceAttempt(attemptId, { now });
    if (result.done) return { status: result.status, now, waits };
    const queued = await db.workflowTask.findMany({ where: { attemptId, status: "running", job: { status: "queued" } }, select: { jobId: true } });
    for (const task of queued) await runJob(task.jobId!);
    if (queued.length === 0 && result.nextCheckAt && result.nextCheckAt > now) {
      waits.push(result.nextCheckAt);
      now = result.nextCheckAt;
    }
  }
  throw new Error(`attempt ${attemptId} did not finish`);
}

export async function tasksOf(attemptId: number) {
  return db.workflowTask.findMany({ where: { attemptId }, orderBy: { seq: "asc" }, include: { job: { select: { id: true, status: true, errorMessage: true } } } });
}
