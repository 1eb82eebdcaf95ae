/**
 * What the benchmarks share: a throwaway embedded PostgreSQL (app + warehouse databases, migrated),
 * the Kakao emulator with its rate limit off, the product's environment pointed at them, a user with
 * a connected authentication, worker processes whose peak RSS the OS reports, medians, and the
 * results file. Every figure a benchmark reports is a ratio of two things measured side by side in
 * the same run (see the README's Performance section).
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { APP_DATABASE, WAREHOUSE_DATABASE, ensureDatabase, freePort, migrate, startEmbeddedPostgres } from "../lib/platform/postgres";
import { startEmulator } from "../emulator/server";
import { obtainToken } from "../emulator/testing";
import { buildWorker, workerArgs, workerEnv } from "../lib/worker/launch";

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Peak resident memory of a process (VmHWM), MB. */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}

/**
 * CPU seconds (user + system, from /proc) used so far by: a process and its reaped children; every
 * PostgreSQL process of the machine (its backends' time lands in the postmaster's children's once
 * they exit); this process (the bench, with the emulator in it) and the tools it ran (execFile children).
 */
function procCpu(pid: number | "self", withChildren = true): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / 100; // USER_HZ
}
export interface CpuSnapshot {
  postgres: number;
  bench: number;
  tools: number;
}
export function cpuSnapshot(): CpuSnapshot {
  let postgres = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("bin/postgres")) postgres += procCpu(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return { postgres, bench: procCpu("self", false), tools: procCpu("self") - procCpu("self", false) };
}
export function cpuSince(before: CpuSnapshot): CpuSnapshot {
  const now = cpuSnapshot();
  return { postgres: now.postgres - before.postgres, bench: now.bench - before.bench, tools: now.tools - before.tools };
}
/** CPU seconds of a live process (threads included, children not). */
export const processCpu = (pid: number) => procCpu(pid, false);

/** Where results go: bench/results, or BENCH_RESULTS_DIR (`npm run bench -- --quick` keeps smoke figures out of it). */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? path.join(root, "bench/results");
}

export function writeResult(name: string, result: object): void {
  fs.mkdirSync(resultsDir(), { recursive: true });
  fs.writeFileSync(path.join(resultsDir(), `${name}.json`), `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, ...result }, null, 2)}\n`);
}

export interface Bench {
  dir: string;
  appUrl: string;
  warehouseUrl: string;
  emulatorUrl: string;
  token: string;
  user: { id: string; email: string; name: null; role: "marketer" };
  authenticationId: number;
  /** A warehouse admin client (the benchmark's own setup queries). */
  admin: pg.Client;
  /** Delete every customer file at the emulator (Kakao allows 50 per ad account; a reset would also forget the token). */
  clearFiles(): Promise<void>;
  /** Start a worker process like `npm start` does; resolves once it is ready. */
  startWorker(): Promise<ChildProcess>;
  stopWorker(worker: ChildProcess): Promise<void>;
  close(): Promise<void>;
}

export async function startBench(name: string): Promise<Bench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kmh-bench-${name}-`));
  fs.chmodSync(dir, 0o755);
  const pgServer = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: await freePort(), password: "bench" });
  const emulator = await startEmulator({ port: 0, dataDir: path.join(dir, "emulator"), rateLimitMs: 0, processingDelayMs: 1000 });
  await ensureDatabase(pgServer.urlFor("postgres"), APP_DATABASE);
  await ensureDatabase(pgServer.urlFor("postgres"), WAREHOUSE_DATABASE);
  const appUrl = pgServer.urlFor(APP_DATABASE);
  const warehouseUrl = pgServer.urlFor(WAREHOUSE_DATABASE);
  await migrate(appUrl);
  Object.assign(process.env, {
    DATABASE_URL: appUrl,
    WAREHOUSE_DATABASE_URL: warehouseUrl,
    KAKAO_AUTH_URL: emulator.url,
    KAKAO_API_URL: emulator.url,
    KAKAO_MOMENT_URL: emulator.url,
    TOKEN_ENCRYPTION_KEYS: `bench:${crypto.randomBytes(32).toString("base64")}`,
    KAKAO_WRITE_INTERVAL_MS: "0",
    DATA_DIR: path.join(dir, "data"),
    NODE_ENV: "production",
  });
  const { prepareWarehouse } = await import("../lib/warehouse/bootstrap");
  await prepareWarehouse({ warehouseUrl, appDatabaseUrl: appUrl, seedSample: false });
  const admin = new pg.Client({ connectionString: warehouseUrl });
  await admin.connect();
  const token = (await obtainToken(emulator.url)).access_token;
  const { db } = await import("../lib/db");
  const { seal } = await import("../lib/crypto/token-cipher");
  const created = await db.user.create({ data: { email: "bench@example.com", passwordHash: "x", role: "marketer" } });
  const authentication = await db.authentication.create({ data: { ownerId: created.id, name: "bench", flow: "business", accessToken: seal(token) } });
  const workers = new Set<ChildProcess>();
  let bundle: string | undefined;

  return {
    dir,
    appUrl,
    warehouseUrl,
    emulatorUrl: emulator.url,
    token,
    user: { id: created.id, email: created.email, name: null, role: "marketer" },
    authenticationId: authentication.id,
    admin,
    async clearFiles() {
      const headers = { authorization: `Bearer ${token}`, adAccountId: "27429" };
      const files = (await (await fetch(`${emulator.url}/openapi/v4/customerFiles`, { headers })).json()) as { id: number }[];
      for (const f of files) await fetch(`${emulator.url}/openapi/v4/customerFiles/${f.id}`, { method: "DELETE", headers });
    },
    async startWorker() {
      // As npm start runs it: the bundle (lib/worker/launch.ts).
      const worker = spawn(process.execPath, workerArgs(root, { bundle: (bundle ??= await buildWorker(root)) }), { cwd: root, env: workerEnv(process.env), stdio: ["ignore", "pipe", "inherit"] });
      workers.add(worker);
      await new Promise<void>((resolve, reject) => {
        worker.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        worker.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
      });
      return worker;
    },
    async stopWorker(worker) {
      if (worker.exitCode !== null) return;
      worker.kill("SIGTERM");
      await new Promise((r) => worker.once("exit", r));
      workers.delete(worker);
    },
    async close() {
      for (const worker of workers) worker.kill("SIGKILL");
      const { stopQueue } = await import("../lib/jobs/queue");
      await stopQueue().catch(() => {});
      await db.$disconnect().catch(() => {});
      await admin.end().catch(() => {});
      await emulator.close();
      await pgServer.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A warehouse table `bench_db.<table>` of `rows` distinct lower-case ADIDs (id 1…rows), readable by queries. */
export async function adidTable(bench: Bench, table: string, rows: number): Promise<void> {
  await bench.admin.query("create schema if not exists bench_db");
  await bench.admin.query(`create table bench_db.${table} as select i as id, md5(i::text)::uuid::text as adid from generate_series(1, ${rows}) i`);
  const { grantSandboxRead, sandboxRoleName } = await import("../lib/warehouse/sandbox");
  await grantSandboxRead(bench.admin, "bench_db", sandboxRoleName(WAREHOUSE_DATABASE));
  await bench.admin.query(`vacuum analyze bench_db.${table}`);
}

/**
 * Run one export job on an already started worker; resolves when it has finished. Timed from the
 * issue to the job's finishedAt (set once the last file is on Kakao), so the poll can be slow and
 * light: this process also runs the emulator, and on 2 cores a busy poll takes CPU from the export.
 */
export async function exportJob(bench: Bench, sql: string, fileName: string): Promise<{ seconds: number; status: string; files: number; error: string | null }> {
  const { issueJob, getJob } = await import("../lib/jobs/jobs");
  const { db } = await import("../lib/db");
  const started = Date.now();
  const job = await issueJob(bench.user, { database: "bench_db", query: sql, authenticationId: bench.authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: fileName } });
  for (;;) {
    const { status } = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } });
    if (status !== "queued" && status !== "running") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const done = await getJob(bench.user, job.id);
  const finished = done.finishedAt ? new Date(done.finishedAt).getTime() : Date.now();
  return { seconds: (finished - started) / 1000, status: done.status, files: done.filesDone, error: done.errorMessage };
}

export function fail(error: unknown): never {
  console.error(error);
  process.exit(1);
}
