/** The job kinds this worker runs, keyed by queue name. */
import type PgBoss from "pg-boss";
import { QUEUES } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/runner";
import { pollJobFiles } from "@/lib/jobs/poll-files";
import { wake } from "@/lib/workflows/runner";

/** Exports run this many at a time per worker process (each streams; memory stays flat). */
export const EXPORT_CONCURRENCY = 2;

export async function registerHandlers(boss: PgBoss): Promise<void> {
  await boss.work<{ nonce: string }>(QUEUES.ping, { pollingIntervalSeconds: 1 }, async ([job]) => {
    return { pong: job.data.nonce, pid: process.pid };
  });
  for (let i = 0; i < EXPORT_CONCURRENCY; i++) {
    // pg-boss's shortest poll: a queued export waits at most half a second for a free lane.
    await boss.work<{ jobId: number }>(QUEUES.runJob, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      await runJob(job.data.jobId);
    });
  }
  await boss.work<{ jobId: number; round: number }>(QUEUES.pollFiles, { pollingIntervalSeconds: 2 }, async ([job]) => {
    await pollJobFiles(job.data.jobId, job.data.round);
  });
  // Workflow attempts advance in short steps (they never wait on a job inside a handler).
  for (let i = 0; i < 2; i++) {
    await boss.work<{ attemptId: number; token: string }>(QUEUES.advanceWorkflow, { pollingIntervalSeconds: 1 }, async ([job]) => {
      await wake(job.data.attemptId, job.data.token);
    });
  }
}
