/**
 * The export at real sizes: a generated 451 MB result (12.2 M ADIDs) → three customer files.
 * Register, Edit with each oversize policy, faults at 20 % before and after storing, and a worker
 * killed mid-upload. Expected bytes are computed independently in the test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { control, emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { queryEngine } from "@/lib/engine";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import type { SessionUser } from "@/lib/auth/access";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { MAX_FILE_BYTES } from "@/lib/kakao/assumptions";

const ROWS = 12_200_000;
const SQL = `select md5(i::text)::uuid::text as adid from generate_series(1, ${ROWS}) i`;
const LINES_PER_FILE = Math.floor(MAX_FILE_BYTES / 37); // 5,667,978 lines = 209,715,186 bytes

/** The three files the export must produce, computed here without the product's code. */
function expectedFiles(): { lines: number; bytes: number; sha256: string }[] {
  const files: { lines: number; bytes: number; sha256: string }[] = [];
  let hash = crypto.createHash("sha256");
  let lines = 0;
  const parts: string[] = [];
  const flushParts = () => {
    hash.update(parts.join(""));
    parts.length = 0;
  };
  for (let i = 1; i <= ROWS; i++) {
    const h = crypto.createHash("md5").update(String(i)).digest("hex");
    parts.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}\n`);
    lines++;
    if (parts.length === 10_000) flushParts();
    if (lines === LINES_PER_FILE || i === ROWS) {
      flushParts();
      files.push({ lines, bytes: lines * 37, sha256: hash.digest("hex") });
      hash = crypto.createHash("sha256");
      lines = 0;
    }
  }
  return files;
}

let kakao: Awaited<ReturnType<typeof startKakao>>;
let user: SessionUser;
let authenticationId: number;
let expected: ReturnType<typeof expectedFiles>;

beforeAll(async () => {
  kakao = await startKakao();
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "50", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "50", JOB_LEASE_MS: "3000" });
  await prepareTestWarehouse();
  expected = expectedFiles();
}, 300_000);
afterAll(async () => {
  await stopQueue();
  await queryEngine().close();
  await kakao.close();
});
beforeEach(async () => {
  await control(kakao.url, "/__emulator/faults", undefined, "DELETE");
  await control(kakao.url, "/__emulator/reset");
  ({ user, authenticationId } = await exportFixture());
});

async function issue(settings: Record<string, unknown>) {
  return issueJob(user, { database: "kakao_db", query: SQL, authenticationId, exportSettings: settings as never });
}

async function stored() {
  return (await emulatorState(kakao.url)).files.sort((a, b) => a.name.localeCompare(b.name));
}

function expectThreeFiles(files: Awaited<ReturnType<typeof stored>>, name: string) {
  expect(files.map((f) => f.name)).toEqual([name, `${name}_2`, `${name}_3`]);
  files.forEach((file, i) => expect({ bytes: file.bytes, lines: file.lines, sha256: file.sha256 }).toEqual(expected[i]));
}

describe("exports of a 451 MB result", { timeout: 300_000 }, () => {
  it("expected split: 209,715,186 + 209,715,186 + the rest, lines whole", () => {
    expect(expected.map((f) => f.bytes)).toEqual([209_715_186, 209_715_186, (ROWS - 2 * LINES_PER_FILE) * 37]);
  });

  it("Register produces NAME, NAME_2, NAME_3 with the right bytes, lines and hashes", async () => {
    const job = await issue({ ad_account_id: 27429, mode: "register", file_name: "big" });
    await runJob(job.id);
    const done = await getJob(user, job.id);
    expect(done.status).toBe("success");
    expect(Number(done.rowsExported)).toBe(ROWS);
    expect(done.files.map((f) => [f.name, Number(f.bytes), Number(f.lines), f.sha256])).toEqual(expected.map((e, i) => [["big", "big_2", "big_3"][i], e.bytes, e.lines, e.sha256]));
    expectThreeFiles(await stored(), "big");
  });

  it("Edit + stop: fails before uploading anything", async () => {
    await control(kakao.url, "/__emulator/faults", undefined, "DELETE");
    const small = await issueJob(user, { database: "kakao_db", query: "select adid from customers", authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "target" } });
    await runJob(small.id);
    const contents = async () => (await stored()).map((f) => ({ name: f.name, sha256: f.sha256, versions: f.versions }));
    const before = await contents();
    const job = await issue({ ad_account_id: 27429, mode: "edit", file_name: "target", action: "stop" });
    await runJob(job.id);
    const done = await getJob(user, job.id);
    expect(done).toMatchObject({ status: "error", errorKind: "configuration" });
    expect(done.errorMessage).toMatch(/larger than one customer file/);
    expect(await contents()).toEqual(before);
  });

  it("Edit + send_first_200mb: replaces the file with exactly the first 209,715,200-byte-bounded lines", async () => {
    const small = await issueJob(user, { database: "kakao_db", query: "select adid from customers", authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "target" } });
    await runJob(small.id);
    const job = await issue({ ad_account_id: 27429, mode: "edit", file_name: "target", action: "send_first_200mb" });
    await runJob(job.id);
    const done = await getJob(user, job.id);
    expect(done.status).toBe("success");
    expect(Number(done.rowsLeftOut)).toBe(ROWS - LINES_PER_FILE);
    const [file] = await stored();
    expect(file).toMatchObject({ name: "target", versions: 2, bytes: expected[0].bytes, lines: expected[0].lines, sha256: expected[0].sha256 });
  });

  it("with faults on 20 % of customer-file calls (statuses and dropped connections, before and after storing) still ends with exactly three correct files", async () => {
    await control(kakao.url, "/__emulator/faults", { rate: 0.2, statuses: [500, 502, 503, 429], resetConnection: true, paths: ["/openapi/v4/customerFiles"], phase: "both", seed: 7 });
    const job = await issue({ ad_account_id: 27429, mode: "register", file_name: "faulty" });
    await runJob(job.id);
    const done = await getJob(user, job.id);
    expect(done.status).toBe("success");
    expectThreeFiles(await stored(), "faulty");
    const logs = await db.jobLog.findMany({ where: { jobId: job.id } });
    expect(logs.some((l) => /retry|recovered/i.test(l.message))).toBe(true);
  });

  it("a worker killed mid-upload and started again finishes with no duplicate or missing file", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const startWorker = () => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], { cwd: root, env: process.env, stdio: "ignore" });
      return child;
    };
    const job = await issue({ ad_account_id: 27429, mode: "register", file_name: "resumed" });
    let worker: ChildProcess = startWorker();
    try {
      // Kill it once the first file is on Kakao and the second is under way.
      for (let i = 0; i < 600 && (await db.jobFile.count({ where: { jobId: job.id } })) < 1; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await db.jobFile.count({ where: { jobId: job.id } })).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 1500));
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
      expect((await getJob(user, job.id)).status).toBe("running");
      worker = startWorker();
      for (let i = 0; i < 900 && !["success", "error"].includes((await getJob(user, job.id)).status); i++) await new Promise((r) => setTimeout(r, 200));
      const done = await getJob(user, job.id);
      expect(done.status).toBe("success");
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expectThreeFiles(await stored(), "resumed");
    } finally {
      worker.kill("SIGKILL");
    }
  });
});
