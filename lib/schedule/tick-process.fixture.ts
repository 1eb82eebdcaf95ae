/**
 * A worker process for the scheduler tests: reads `tick <ms>` lines on stdin, runs two ticks at that
 * instant concurrently (as two loops of one worker might), answers `@@{json}` on stdout; `exit` ends it.
 */
import readline from "node:readline";
import { db } from "@/lib/db";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { tick } from "@/lib/schedule/scheduler";

const say = (value: unknown) => process.stdout.write(`@@${JSON.stringify(value)}\n`);

await queue();
await db.$queryRaw`select 1`;
say({ ready: process.pid });

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(" ");
  if (command === "exit") break;
  if (command !== "tick") continue;
  try {
    const at = new Date(Number(arg));
    const results = await Promise.all([tick(at), tick(at)]);
    say({
      started: results.flatMap((r) => r.started.map((s) => ({ savedQueryId: s.savedQueryId, scheduledAt: s.scheduledAt.toISOString(), jobId: s.jobId, skipped: s.skipped }))),
      errors: results.reduce((n, r) => n + r.errors, 0),
    });
  } catch (error) {
    say({ error: error instanceof Error ? error.message : String(error) });
  }
}
await stopQueue();
await db.$disconnect();
process.exit(0);
