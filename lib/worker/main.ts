/**
 * The worker process: runs queued jobs (and, from the Schedules feature on, the scheduler).
 * Stateless: start as many as you like against one database.
 */
import PgBoss from "pg-boss";
import { env } from "@/lib/env";
import { QUEUES, QUEUE_SCHEMA } from "@/lib/jobs/queue";
import { registerHandlers } from "@/lib/worker/handlers";

async function main() {
  const config = env();
  const boss = new PgBoss({ connectionString: config.DATABASE_URL, schema: QUEUE_SCHEMA, max: 6 });
  boss.on("error", (error) => console.error("[worker]", error.message));
  await boss.start();
  for (const name of Object.values(QUEUES)) await boss.createQueue(name);
  await registerHandlers(boss);
  console.log(`[worker] ready (pid ${process.pid})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs…`);
    await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  console.error(`[worker] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
