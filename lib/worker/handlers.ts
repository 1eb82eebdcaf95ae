/** The job kinds this worker runs, keyed by queue name. Later features add theirs here. */
import type PgBoss from "pg-boss";
import { QUEUES } from "@/lib/jobs/queue";

export async function registerHandlers(boss: PgBoss): Promise<void> {
  await boss.work<{ nonce: string }>(QUEUES.ping, { pollingIntervalSeconds: 1 }, async ([job]) => {
    return { pong: job.data.nonce, pid: process.pid };
  });
}
