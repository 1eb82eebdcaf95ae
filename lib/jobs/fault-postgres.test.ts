/**
 * Fault: the export's warehouse session is killed mid-query (pg_terminate_backend, as an admin or a
 * server restart would). The job ends `error` with a reason that says so — or, with a retry limit,
 * is queued again and the retry succeeds — and is never left `running`; its spool is removed.
 */
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import { emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { adminQuery } from "@/lib/warehouse/testing";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import { spoolDirFor } from "@/lib/export/run-export";
import type { SessionUser } from "@/lib/auth/access";
import { useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";
import { expectedFiles, faultEnv, jobLogText, sleep, waitFor } from "@/lib/jobs/fault-support";

/** 6,000 ADIDs that trickle out over several seconds (a millisecond's sleep per row). */
const SLOW_ROWS = 4_000;
const SLOW_SQL = `select md5(i::text)::uuid::text || left(pg_sleep(0.001)::text, 0) as adid from generate_series(1, ${SLOW_ROWS}) i`;

let kakao: ExportFixture["kakao"];
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture), () => {
  env = faultEnv();
  return env.cleanup;
});

/** Terminates the job's warehouse session once its COPY is streaming rows; returns the pids ended. */
async function terminateWarehouseSession(jobId: number): Promise<number[]> {
  await waitFor("the query to stream", async () => /Query started/.test(await jobLogText(jobId)), 60_000);
  await sleep(500);
  const { rows } = await adminQuery<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [`hub-query:job-${jobId}`]);
  for (const { pid } of rows) await adminQuery("select pg_terminate_backend($1)", [pid]);
  return rows.map((r) => r.pid);
}

describe("PostgreSQL connection killed mid-query", { timeout: 120_000 }, () => {
  it("ends the job in error with a clear reason; nothing uploaded, nothing left running or spooled", async () => {
    const job = await issueJob(user, { database: "kakao_db", query: SLOW_SQL, authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "terminated" } });
    const running = runJob(job.id);
    expect(await terminateWarehouseSession(job.id)).toHaveLength(1);
    await running;
    const done = await getJob(user, job.id);
    expect(done).toMatchObject({ status: "error", errorKind: "transient", heartbeatAt: null });
    expect(done.errorMessage).toMatch(/stopped by the server/);
    expect(await jobLogText(job.id)).toMatch(/Error: The query was stopped by the server/);
    expect((await emulatorState(kakao.url)).files).toEqual([]);
    expect(fs.existsSync(spoolDirFor(job.id))).toBe(false);
    expect(await db.job.count({ where: { status: "running" } })).toBe(0);
  });

  it("with a retry limit, is queued again and the retry uploads the whole file once", async () => {
    const job = await issueJob(user, { database: "kakao_db", query: SLOW_SQL, authenticationId, retryLimit: 1, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "retried" } });
    const running = runJob(job.id);
    await terminateWarehouseSession(job.id);
    await running;
    expect(await getJob(user, job.id)).toMatchObject({ status: "queued", retries: 1 });
    await runJob(job.id); // what the queue's next delivery does
    const done = await getJob(user, job.id);
    expect(done).toMatchObject({ status: "success", attempts: 2 });
    const [expected] = expectedFiles(SLOW_ROWS);
    expect((await emulatorState(kakao.url)).files.map((f) => [f.name, f.sha256, f.lines])).toEqual([["retried", expected!.sha256, expected!.lines]]);
    expect(await jobLogText(job.id)).toMatch(/Retrying automatically/);
  });
});
