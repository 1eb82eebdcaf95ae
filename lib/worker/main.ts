/**
 * The worker process: runs queued jobs (and, from the Schedules feature on, the scheduler).
 * Stateless: start as many as you like against one database.
 */
import { env } from "@/lib/env";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { registerHandlers } from "@/lib/worker/handlers";
import { reapOrphans } from "@/lib/jobs/runner";
import { startScheduler, type SchedulerLoop } from "@/lib/schedule/scheduler";

async function main() {
  const config = env();
  if (!config.DATABASE_URL) throw new Error("DATABASE_URL is not set");
  // Signals first: a stop during start-up must still shut down cleanly.
  let stopping = false;
  let reaper: NodeJS.Timeout | undefined;
  let scheduler: SchedulerLoop | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs…`);
    clearInterval(reaper);
    await scheduler?.stop();
    await stopQueue();
    process.exit(0);
  };
  // pg-boss 10 does not await complete()/fail() after a handler (manager.js onFetch): while the
  // database is unreachable their rejection is unhandled, which would end the worker. A job's own
  // state is in the jobs table (a stale lease is reaped and resumed), so say so and keep working.
  process.on("unhandledRejection", (reason) => console.error(`[worker] ignored after a failure: ${reason instanceof Error ? reason.message : String(reason)}`));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const boss = await queue({ worker: true });
  await registerHandlers(boss);
  // Jobs left "running" by a worker that died are resumed (their lease expires), now and then.
  const reap = () => reapOrphans().then((ids) => ids.length && console.log(`[worker] resumed orphaned jobs ${ids.join(", ")}`), (error) => console.error("[worker] reaper:", error.message));
  await reap();
  reaper = setInterval(reap, Math.max(1000, Math.min(10_000, config.JOB_LEASE_MS / 3)));
  // Schedules: every worker ticks; the ScheduleRun unique key makes each run start once.
  if (!stopping) scheduler = startScheduler();
  console.log(`[worker] ready (pid ${process.pid})`);
}

main().catch((error) => {
  console.error(`[worker] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
