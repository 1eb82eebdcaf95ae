/**
 * The job queue: pg-boss on the app's PostgreSQL (SKIP LOCKED, so any number of worker
 * processes share it and no job runs twice). Job kinds register here as later features land.
 */
import PgBoss from "pg-boss";
import { env } from "@/lib/env";

export const QUEUE_SCHEMA = "pgboss";

/** Queue names and their payloads. */
export const QUEUES = {
  /** Proves the worker is alive end to end (used by the health check and tests). */
  ping: "system.ping",
  /** Run one job: { jobId }. */
  runJob: "job.run",
  /** Poll Kakao's processing status of a job's customer files: { jobId, round }. */
  pollFiles: "job.poll-files",
  /** Advance a workflow attempt one step: { attemptId, token } (lib/workflows/runner.ts). */
  advanceWorkflow: "workflow.advance",
} as const;

let boss: PgBoss | undefined;
let starting: Promise<PgBoss> | undefined;

/**
 * The process's queue client. The worker starts it with `{ worker: true }` (maintenance on);
 * the web server only sends jobs.
 */
export function queue(options: { worker?: boolean } = {}): Promise<PgBoss> {
  if (boss) return Promise.resolve(boss);
  starting ??= (async () => {
    const connectionString = env().DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set");
    const instance = new PgBoss({ connectionString, schema: QUEUE_SCHEMA, max: options.worker ? 8 : 4, supervise: !!options.worker, schedule: false });
    instance.on("error", (error) => console.error("[queue]", error.message));
    await instance.start();
    for (const name of Object.values(QUEUES)) await instance.createQueue(name);
    boss = instance;
    return instance;
  })();
  return starting;
}

export async function stopQueue(): Promise<void> {
  if (!boss) return;
  await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  boss = undefined;
  starting = undefined;
}
