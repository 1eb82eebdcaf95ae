/**
 * Fault: the worker running a 3-file export is SIGKILLed at random points, again and again (3 times
 * by default, 10 under `npm run test:faults`), and started again each time. Each kill lands inside
 * an attempt, at a random milestone of it (pre-flight, query, before/after each file's upload) plus
 * a random delay; Kakao calls take 0.3–0.8 s, so uploads are in flight. The job then finishes with
 * exactly the right three files: no duplicate, none missing, every byte checked.
 * FAULTS_SEED=<n> replays a run (the seed is printed on failure).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { control, emulatorState } from "@/emulator/testing";
import { mulberry32 } from "@/emulator/faults";
import { db } from "@/lib/db";
import { queryEngine } from "@/lib/engine";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import type { SessionUser } from "@/lib/auth/access";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { FULL, SQL, expectedFiles, faultEnv, jobLogText, sleep, startWorker, waitFor, waitForFinalStatus, type WorkerProcess } from "@/lib/jobs/fault-support";

const KILLS = Number(process.env.FAULTS_KILLS ?? (FULL ? 10 : 3));
const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

/** Points of an attempt, in its log, after which the worker may be killed. */
const MILESTONES = [/^Running on worker/, /^Kakao Moment ad account/, /^Query started/, /^File 1 .*uploading$/, /^File 1 .* is on Kakao/, /^File 2 .*uploading$/, /^File 2 .* is on Kakao/, /^File 3 .*uploading$/];

let kakao: Awaited<ReturnType<typeof startKakao>>;
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  kakao = await startKakao();
  env = faultEnv();
  await prepareTestWarehouse();
  await control(kakao.url, "/__emulator/reset");
  ({ user, authenticationId } = await exportFixture());
  // Every Moment call is slow enough for a kill to land while it is in flight.
  await control(kakao.url, "/__emulator/faults", { latencyMs: [300, 800], paths: ["/openapi/v4"], seed: SEED });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await stopQueue();
  await queryEngine().close();
  await kakao.close();
  env.cleanup();
});

/** The id of the log line that starts attempt `attempt` (once a worker claimed it). */
async function attemptStart(jobId: number, attempt: number): Promise<bigint | undefined> {
  const line = await db.jobLog.findFirst({ where: { jobId, message: { startsWith: "Running on worker", endsWith: `(attempt ${attempt})` } }, select: { id: true } });
  return line?.id;
}

describe("worker SIGKILLed at random points of a 3-file export", { timeout: FULL ? 900_000 : 300_000 }, () => {
  it(`finishes with exactly the right files after ${KILLS} kills and restarts (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const expected = expectedFiles();
    const job = await issueJob(user, { database: "kakao_db", query: SQL, authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "killed" } });
    let worker = startWorker();
    workers.push(worker);
    const kills: string[] = [];

    for (let attempt = 1; kills.length < KILLS; attempt++) {
      const started = await waitFor(`attempt ${attempt} to start (seed ${SEED})`, () => attemptStart(job.id, attempt), 90_000, 50);
      const milestone = MILESTONES[Math.floor(random() * MILESTONES.length)]!;
      const delay = Math.floor(random() * 250);
      const reached = await waitFor(
        `${milestone} in attempt ${attempt} (seed ${SEED})`,
        async () => {
          const lines = await db.jobLog.findMany({ where: { jobId: job.id, id: { gte: started } }, select: { message: true } });
          if (lines.some((l) => milestone.test(l.message))) return "reached";
          const { status } = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } });
          return status !== "running" && status !== "queued" ? `ended ${status}` : undefined;
        },
        90_000,
        20,
      );
      if (reached !== "reached") break; // the attempt ended before the milestone: nothing left to kill
      await sleep(delay);
      if ((await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } })).status !== "running") break;
      await worker.kill();
      kills.push(`attempt ${attempt}: after ${milestone.source} + ${delay} ms`);
      worker = startWorker();
      workers.push(worker);
    }

    const done = await waitForFinalStatus(job.id, 180_000);
    const log = await jobLogText(job.id);
    const context = `seed ${SEED}; kills:\n${kills.join("\n")}\nlog:\n${log}`;
    expect(done.status, context).toBe("success");
    expect(kills, context).toHaveLength(KILLS);
    expect(done.attempts, context).toBe(KILLS + 1);

    // Exactly the three files, each once, byte for byte; the job's records point at them.
    const names = ["killed", "killed_2", "killed_3"];
    const onKakao = (await emulatorState(kakao.url)).files.sort((a, b) => a.name.localeCompare(b.name));
    expect(onKakao.map((f) => ({ name: f.name, bytes: f.bytes, lines: f.lines, sha256: f.sha256 })), context).toEqual(expected.map((e, i) => ({ name: names[i], ...e })));
    const recorded = (await getJob(user, job.id)).files;
    expect(recorded.map((f) => [f.name, Number(f.kakaoId), f.sha256])).toEqual(onKakao.map((f) => [f.name, f.id, f.sha256]));
    expect(worker.child.exitCode).toBeNull();
  });
});
