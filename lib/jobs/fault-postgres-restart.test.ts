/**
 * Fault: the (embedded) PostgreSQL server holding both the app database and the warehouse is
 * stopped and started again while a worker process runs an export. The worker survives the
 * outage, and the job ends — resumed to success through the lease, or `error` with a reason —
 * instead of staying `running` forever. Runs on its own throwaway server (this file restarts it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { control, emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { queryEngine } from "@/lib/engine";
import { closeWarehousePool } from "@/lib/warehouse/connection";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { issueJob } from "@/lib/jobs/jobs";
import { APP_DATABASE, WAREHOUSE_DATABASE, ensureDatabase, freePort, migrate, startEmbeddedPostgres, type EmbeddedServer } from "@/lib/platform/postgres";
import type { SessionUser } from "@/lib/auth/access";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { expectedFiles, faultEnv, jobLogText, sleep, startWorker, waitFor, type WorkerProcess } from "@/lib/jobs/fault-support";

const SLOW_ROWS = 6_000;
const SLOW_SQL = `select md5(i::text)::uuid::text || left(pg_sleep(0.001)::text, 0) as adid from generate_series(1, ${SLOW_ROWS}) i`;
const PASSWORD = "restart-test-password";

let pgDir: string;
let port: number;
let server: EmbeddedServer | undefined;
let kakao: Awaited<ReturnType<typeof startKakao>>;
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  pgDir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-restart-pg-"));
  fs.chmodSync(pgDir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  port = await freePort();
  server = await startEmbeddedPostgres({ dir: path.join(pgDir, "pg"), port, password: PASSWORD });
  const serverUrl = server.urlFor("postgres");
  await ensureDatabase(serverUrl, APP_DATABASE);
  await ensureDatabase(serverUrl, WAREHOUSE_DATABASE);
  await migrate(server.urlFor(APP_DATABASE));
  // Everything in this file (and its worker) uses this server, not the suite's.
  process.env.DATABASE_URL = server.urlFor(APP_DATABASE);
  process.env.WAREHOUSE_DATABASE_URL = server.urlFor(WAREHOUSE_DATABASE);
  resetEnvCache();
  kakao = await startKakao();
  env = faultEnv();
  await prepareTestWarehouse();
  await control(kakao.url, "/__emulator/reset");
  ({ user, authenticationId } = await exportFixture());
}, 180_000);
afterAll(async () => {
  await worker?.kill();
  await stopQueue().catch(() => {});
  await queryEngine().close().catch(() => {});
  await closeWarehousePool().catch(() => {});
  await db.$disconnect().catch(() => {});
  await kakao?.close();
  await server?.stop();
  fs.rmSync(pgDir, { recursive: true, force: true });
  env?.cleanup();
}, 60_000);

/** Reads that may meet the server down or a pooled connection it closed: undefined until it answers. */
const tolerant = <T>(read: () => Promise<T>) => read().catch(() => undefined);

describe("PostgreSQL restarted mid-job", { timeout: 240_000 }, () => {
  it("the worker survives and the job does not stay running: resumed to success (or an error with a reason)", async () => {
    worker = startWorker();
    const job = await issueJob(user, { database: "kakao_db", query: SLOW_SQL, authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "restarted" } });
    await waitFor("the query to stream", async () => /Query started/.test(await jobLogText(job.id)), 90_000, 100).catch(async (error: Error) => {
      const row = await db.job.findUnique({ where: { id: job.id } });
      const q = await db.$queryRawUnsafe("select name, state, data::text, start_after, created_on from pgboss.job order by created_on desc limit 5");
      throw new Error(`${error.message}; worker output:\n${worker!.output()}\njob: ${JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\nqueue: ${JSON.stringify(q)}\nlog:\n${await jobLogText(job.id)}`);
    });
    await sleep(500);

    await server!.stop();
    server = undefined;
    await sleep(2_000);
    server = await startEmbeddedPostgres({ dir: path.join(pgDir, "pg"), port, password: PASSWORD });

    const done = await waitFor(
      "the job to leave running",
      () => tolerant(async () => {
        const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
        return ["success", "error", "killed"].includes(row.status) ? row : undefined;
      }),
      90_000,
      250,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\njob: ${JSON.stringify(await tolerant(() => db.job.findUnique({ where: { id: job.id } })), (_k, v) => (typeof v === "bigint" ? String(v) : v))}\nworker:\n${worker!.output()}\nlog:\n${await tolerant(() => jobLogText(job.id))}`);
    });
    expect(worker.child.exitCode, `the worker exited:\n${worker.output()}`).toBeNull();
    const log = await jobLogText(job.id);
    if (done.status === "success") {
      const [expected] = expectedFiles(SLOW_ROWS);
      expect((await emulatorState(kakao.url)).files.map((f) => [f.name, f.sha256, f.lines])).toEqual([["restarted", expected!.sha256, expected!.lines]]);
      expect(done.attempts).toBeGreaterThanOrEqual(2);
    } else {
      expect(done.status, log).toBe("error");
      expect(done.errorMessage).toMatch(/server|warehouse|connection/i);
    }
    expect(await db.job.count({ where: { status: "running" } })).toBe(0);
  });
});
