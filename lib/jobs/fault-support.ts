/**
 * Shared set-up for the fault tests (lib/jobs/fault-*.test.ts): a 3-file export that runs in
 * seconds (EXPORT_TEST_MAX_FILE_BYTES lowers the 200 MB file size, see lib/export/run-export.ts),
 * its expected files computed without the product's code, worker processes to start and SIGKILL,
 * and bounded waits. `FAULTS=full` (npm run test:faults) selects the long settings.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { resetEnvCache } from "@/lib/env";
import { db } from "@/lib/db";

export const FULL = process.env.FAULTS === "full";

/** 150,000 ADIDs of 37 bytes = 5,550,000 bytes → files of ≤ 2,000,000 bytes: 54,054 + 54,054 + 41,892 lines. */
export const ROWS = 150_000;
export const MAX_BYTES = 2_000_000;
export const LINES_PER_FILE = Math.floor(MAX_BYTES / 37);
export const SQL = `select md5(i::text)::uuid::text as adid from generate_series(1, ${ROWS}) i`;

export interface ExpectedFile {
  lines: number;
  bytes: number;
  sha256: string;
}

/** The files `SQL` must become (rows, lines per file), computed here without the product's code. */
export function expectedFiles(rows = ROWS, linesPerFile = LINES_PER_FILE): ExpectedFile[] {
  const files: ExpectedFile[] = [];
  let hash = crypto.createHash("sha256");
  let lines = 0;
  for (let i = 1; i <= rows; i++) {
    const h = crypto.createHash("md5").update(String(i)).digest("hex");
    hash.update(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}\n`);
    lines++;
    if (lines === linesPerFile || i === rows) {
      files.push({ lines, bytes: lines * 37, sha256: hash.digest("hex") });
      hash = crypto.createHash("sha256");
      lines = 0;
    }
  }
  return files;
}

/** Environment of a fault test: fast retries, short lease, small files, a private DATA_DIR. */
export function faultEnv(extra: Record<string, string> = {}): { dataDir: string; cleanup: () => void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-faults-"));
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    KAKAO_WRITE_INTERVAL_MS: "0",
    KAKAO_RETRY_BASE_MS: "50",
    KAKAO_RATE_LIMIT_RETRY_BASE_MS: "50",
    JOB_LEASE_MS: "2000",
    EXPORT_TEST_MAX_FILE_BYTES: String(MAX_BYTES),
    ...extra,
  });
  resetEnvCache();
  return { dataDir, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

/** `npm run worker` as a child process with this process's environment. */
export function startWorker(env: NodeJS.ProcessEnv = process.env): WorkerProcess {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits until the job is in a final state (success, error, killed) and returns it. */
export async function waitForFinalStatus(jobId: number, timeoutMs = 120_000) {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return ["success", "error", "killed"].includes(job.status) ? job : undefined;
    },
    timeoutMs,
    100,
  );
}

export async function jobLogText(jobId: number): Promise<string> {
  return (await db.jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" } })).map((l) => `${l.level}: ${l.message}`).join("\n");
}
