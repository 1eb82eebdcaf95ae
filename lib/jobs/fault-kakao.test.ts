/**
 * Fault: Kakao misbehaving on every Moment path — 20 % of calls answered 500/502/503/429 or dropped
 * (before the emulator stores anything, or after it stored the upload), writes slowed by up to 2 s.
 * A 3-file Register and an Edit both end with exactly the right contents (hash-checked), no
 * duplicate file, and the retries in the job log. (lib/jobs/export-large.test.ts does the same
 * Register at 451 MB, without latency.)
 */
import { describe, expect, it } from "vitest";
import { control, emulatorState } from "@/emulator/testing";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import type { SessionUser } from "@/lib/auth/access";
import { useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";
import { SQL, expectedFiles, faultEnv, jobLogText } from "@/lib/jobs/fault-support";

let kakao: ExportFixture["kakao"];
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture), () => {
  env = faultEnv();
  return env.cleanup;
});

/**
 * 20 % faults on every Moment path, both phases; writes delayed 0–2 s. A job makes only a handful
 * of calls, so two faults are certain whatever the draw: the first list is dropped before Kakao
 * answers, and the first write fails with a 503 after Kakao stored it (the ambiguous case).
 */
async function kakaoFaults(seed: number) {
  const rules = [
    { resetConnection: true, paths: ["/openapi/v4"], methods: ["GET"], phase: "before", count: 1 },
    { statuses: [503], paths: ["/openapi/v4"], methods: ["POST", "PUT"], phase: "after", count: 1 },
    { rate: 0.2, statuses: [500, 502, 503, 429], resetConnection: true, paths: ["/openapi/v4"], phase: "both" },
    { latencyMs: [0, 2000], paths: ["/openapi/v4"], methods: ["POST", "PUT", "DELETE"] },
  ];
  const response = await control(kakao.url, "/__emulator/faults", { rules, seed });
  expect(response.status).toBe(200);
}

async function faultsTriggered(): Promise<number> {
  const described = (await (await control(kakao.url, "/__emulator/faults", undefined, "GET")).json()) as { rules: { triggered: number }[] };
  return described.rules.reduce((sum, rule) => sum + rule.triggered, 0);
}

async function run(query: string, settings: Record<string, unknown>) {
  const job = await issueJob(user, { database: "kakao_db", query, authenticationId, exportSettings: settings as never });
  await runJob(job.id);
  return getJob(user, job.id);
}

describe("Kakao faults at 20 % with latency", { timeout: 180_000 }, () => {
  it("a 3-file Register ends with exactly NAME, NAME_2, NAME_3, byte for byte, retries logged", async () => {
    await kakaoFaults(11);
    const job = await run(SQL, { ad_account_id: 27429, mode: "register", file_name: "flaky" });
    const log = await jobLogText(job.id);
    expect(job.status, log).toBe("success");
    expect(await faultsTriggered()).toBeGreaterThanOrEqual(2);
    const expected = expectedFiles();
    const onKakao = (await emulatorState(kakao.url)).files.sort((a, b) => a.name.localeCompare(b.name));
    expect(onKakao.map((f) => ({ name: f.name, bytes: f.bytes, lines: f.lines, sha256: f.sha256 }))).toEqual(
      expected.map((e, i) => ({ name: ["flaky", "flaky_2", "flaky_3"][i], ...e })),
    );
    expect(job.files.map((f) => [f.name, Number(f.kakaoId), f.sha256])).toEqual(onKakao.map((f) => [f.name, f.id, f.sha256]));
    expect(log).toMatch(/retry/i);
  });

  it("an Edit ends with the file's contents replaced byte for byte (same file id), retries logged", async () => {
    const first = await run("select adid from customers where age < 30", { ad_account_id: 27429, mode: "register", file_name: "edited" });
    expect(first.status).toBe("success");
    await kakaoFaults(5);
    const rows = 40_000; // one file of 1,480,000 bytes
    const job = await run(`select md5(i::text)::uuid::text as adid from generate_series(1, ${rows}) i`, { ad_account_id: 27429, mode: "edit", file_name: "edited", action: "stop" });
    const log = await jobLogText(job.id);
    expect(job.status, log).toBe("success");
    expect(await faultsTriggered()).toBeGreaterThanOrEqual(2);
    const [expected] = expectedFiles(rows);
    const onKakao = (await emulatorState(kakao.url)).files;
    expect(onKakao).toHaveLength(1);
    expect(onKakao[0]).toMatchObject({ id: Number(first.files[0]!.kakaoId), name: "edited", bytes: expected!.bytes, lines: expected!.lines, sha256: expected!.sha256 });
    expect(onKakao[0]!.versions).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/retry/i);
  });
});
