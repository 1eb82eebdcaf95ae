/**
 * Bench: the product's Kakao Register export end to end against the standard-tools pipeline, on
 * the same data, emulator and machine, side by side (issue: Performance, benchmark 1).
 *
 *   npx tsx bench/export.ts [--rows 12000000] [--runs 3]
 *
 * A (product): a job is issued and a worker process (started fresh for each run) runs it:
 *   COPY → adid checks → spool → three multipart uploads to the emulator, with its bookkeeping.
 * B (standard tools): psql "\copy (select adid …) to stdout" | split -C 209715200 (line-aligned)
 *   → curl -F for each file, one after another.
 * Both are timed from start to the last file stored. Emulator rate limit off. Median of --runs.
 * Also reports the worker's peak RSS (VmHWM). Bar: A/B ≤ 1.15. Writes bench/results/export.json.
 */
import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { APP_DATABASE, WAREHOUSE_DATABASE, ensureDatabase, freePort, migrate, startEmbeddedPostgres } from "../lib/platform/postgres";
import { startEmulator } from "../emulator/server";
import { obtainToken } from "../emulator/testing";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BAR = 1.15;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg("rows", "12000000"));
const RUNS = Number(arg("runs", "3"));


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-bench-export-"));
  fs.chmodSync(dir, 0o755);
  const pgServer = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: await freePort(), password: "bench" });
  const emulator = await startEmulator({ port: 0, dataDir: path.join(dir, "emulator"), rateLimitMs: 0, processingDelayMs: 1000 });
  try {
    await ensureDatabase(pgServer.urlFor("postgres"), APP_DATABASE);
    await ensureDatabase(pgServer.urlFor("postgres"), WAREHOUSE_DATABASE);
    const appUrl = pgServer.urlFor(APP_DATABASE);
    const warehouseUrl = pgServer.urlFor(WAREHOUSE_DATABASE);
    await migrate(appUrl);
    const key = `bench:${crypto.randomBytes(32).toString("base64")}`;
    Object.assign(process.env, {
      DATABASE_URL: appUrl,
      WAREHOUSE_DATABASE_URL: warehouseUrl,
      KAKAO_AUTH_URL: emulator.url,
      KAKAO_API_URL: emulator.url,
      KAKAO_MOMENT_URL: emulator.url,
      TOKEN_ENCRYPTION_KEYS: key,
      KAKAO_WRITE_INTERVAL_MS: "0",
      DATA_DIR: path.join(dir, "data"),
      NODE_ENV: "production",
    });
    const { prepareWarehouse } = await import("../lib/warehouse/bootstrap");
    await prepareWarehouse({ warehouseUrl, appDatabaseUrl: appUrl, seedSample: false });
    const admin = new pg.Client({ connectionString: warehouseUrl });
    await admin.connect();
    console.log(`generating ${ROWS.toLocaleString()} ADIDs…`);
    await admin.query("create schema if not exists bench_db");
    await admin.query(`create table bench_db.audience as select md5(i::text)::uuid::text as adid from generate_series(1, ${ROWS}) i`);
    const { grantSandboxRead, sandboxRoleName } = await import("../lib/warehouse/sandbox");
    await grantSandboxRead(admin, "bench_db", sandboxRoleName(WAREHOUSE_DATABASE));
    await admin.query("vacuum analyze bench_db.audience");
    await admin.end();

    const token = (await obtainToken(emulator.url)).access_token;
    const { db } = await import("../lib/db");
    const { seal } = await import("../lib/crypto/token-cipher");
    const { issueJob, getJob } = await import("../lib/jobs/jobs");
    const { stopQueue } = await import("../lib/jobs/queue");
    const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "x", role: "marketer" } });
    const authentication = await db.authentication.create({ data: { ownerId: user.id, name: "bench", flow: "business", accessToken: seal(token) } });
    const sessionUser = { id: user.id, email: user.email, name: null, role: "marketer" as const };
    // No emulator reset between runs (it would forget the token): names differ per run instead.
    const filesNamed = async (prefix: string) => (await (await fetch(`${emulator.url}/__emulator/state`)).json()).files.filter((f: { name: string }) => f.name.startsWith(prefix)).length;

    async function product(run: number): Promise<{ seconds: number; peakRssMb: number; files: number }> {
      const worker = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => worker.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
      const started = performance.now();
      const job = await issueJob(sessionUser, { database: "bench_db", query: "select adid from audience", authenticationId: authentication.id, exportSettings: { ad_account_id: 27429, mode: "register", file_name: `bench_${run}` } });
      let status = "queued";
      while (status === "queued" || status === "running") {
        await new Promise((r) => setTimeout(r, 100));
        status = (await getJob(sessionUser, job.id)).status;
      }
      const seconds = (performance.now() - started) / 1000;
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${worker.pid}/status`, "utf8"))?.[1] ?? 0);
      worker.kill("SIGTERM");
      await new Promise((r) => worker.once("exit", r));
      if (status !== "success") throw new Error(`product export ended ${status}: ${(await getJob(sessionUser, job.id)).errorMessage}`);
      const files = await filesNamed(`bench_${run}`);
      return { seconds, peakRssMb: hwm / 1024, files };
    }

    // Async: the emulator runs in this process and must keep answering while the tools run.
    const run$ = promisify(execFile);
    async function baseline(run: number): Promise<{ seconds: number; files: number }> {
      const work = fs.mkdtempSync(path.join(dir, "split-"));
      const started = performance.now();
      await run$("bash", ["-c", `set -o pipefail; psql "${warehouseUrl}" -c "\\copy (select adid from bench_db.audience) to stdout" | split -C 209715200 -d -a 3 --additional-suffix=.csv - "${work}/part_"`]);
      const parts = fs.readdirSync(work).sort();
      for (const [i, part] of parts.entries()) {
        const { stdout } = await run$("curl", ["-s", "-w", "\n%{http_code}", "-H", `Authorization: Bearer ${token}`, "-H", "adAccountId: 27429", "-F", `name=base_${run}${i ? `_${i + 1}` : ""}`, "-F", `file=@${path.join(work, part)};type=text/csv`, `${emulator.url}/openapi/v4/customerFiles`]);
        if (!stdout.trimEnd().endsWith("200")) throw new Error(`curl upload of ${part} failed: ${stdout.slice(-500)}`);
      }
      const seconds = (performance.now() - started) / 1000;
      fs.rmSync(work, { recursive: true, force: true });
      return { seconds, files: parts.length };
    }

    const a: { seconds: number; peakRssMb: number; files: number }[] = [];
    const b: { seconds: number; files: number }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      b.push(await baseline(run));
      a.push(await product(run));
      console.log(`run ${run}: product ${a[run - 1]!.seconds.toFixed(1)} s (${a[run - 1]!.files} files, worker peak ${a[run - 1]!.peakRssMb.toFixed(0)} MB), tools ${b[run - 1]!.seconds.toFixed(1)} s (${b[run - 1]!.files} files)`);
    }
    const bytes = ROWS * 37;
    const A = median(a.map((r) => r.seconds));
    const B = median(b.map((r) => r.seconds));
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      rows: ROWS,
      bytes,
      runs: RUNS,
      product: { medianSeconds: A, mbPerSec: bytes / 1e6 / A, peakRssMb: Math.max(...a.map((r) => r.peakRssMb)), files: a[0]!.files, all: a },
      tools: { medianSeconds: B, mbPerSec: bytes / 1e6 / B, files: b[0]!.files, all: b },
      ratio: A / B,
      bar: BAR,
      met: A / B <= BAR,
    };
    console.table([
      { pipeline: "A product (job → worker → Kakao)", seconds: A.toFixed(1), "MB/s": result.product.mbPerSec.toFixed(1), files: result.product.files },
      { pipeline: "B psql | split | curl", seconds: B.toFixed(1), "MB/s": result.tools.mbPerSec.toFixed(1), files: result.tools.files },
    ]);
    console.log(`A/B = ${(A / B).toFixed(2)} (bar ≤ ${BAR}: ${result.met ? "met" : "NOT met"}); worker peak RSS ${result.product.peakRssMb.toFixed(0)} MB`);
    fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
    fs.writeFileSync(path.join(root, "bench/results/export.json"), JSON.stringify(result, null, 2));
    await stopQueue();
    await db.$disconnect();
  } finally {
    await emulator.close();
    await pgServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
