/**
 * Fault: the Kakao token is revoked while a 3-file export is between its first and second file.
 * The job fails as a configuration error, the authentication shows "reconnect needed", and what
 * was uploaded before the failure is explained: every customer file on Kakao is one of the job's
 * recorded files, and the job log names it.
 */
import { describe, expect, it } from "vitest";
import { control, emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import type { SessionUser } from "@/lib/auth/access";
import { useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";
import { SQL, expectedFiles, faultEnv, jobLogText, waitFor } from "@/lib/jobs/fault-support";

let kakao: ExportFixture["kakao"];
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture), () => {
  // Writes one per second: the revocation lands between file 1 and file 2.
  env = faultEnv({ KAKAO_WRITE_INTERVAL_MS: "1000" });
  return env.cleanup;
});

describe("Kakao token revoked mid-job", { timeout: 120_000 }, () => {
  it("fails as a configuration error, marks the authentication reconnect needed, and accounts for every uploaded file", async () => {
    const job = await issueJob(user, { database: "kakao_db", query: SQL, authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "revoked" } });
    const running = runJob(job.id);
    await waitFor("the first file to be recorded", async () => (await db.jobFile.count({ where: { jobId: job.id } })) >= 1, 60_000, 20);
    const row = await db.authentication.findUniqueOrThrow({ where: { id: authenticationId } });
    expect((await control(kakao.url, "/__emulator/tokens/revoke", { token: open(row.accessToken) })).status).toBe(200);
    await running;

    const done = await getJob(user, job.id);
    expect(done).toMatchObject({ status: "error", errorKind: "configuration" });
    expect(done.errorMessage).toMatch(/reconnect/i);
    expect(await db.authentication.findUniqueOrThrow({ where: { id: authenticationId } })).toMatchObject({ status: "reconnect_needed" });

    // Nothing half-uploaded and unexplained: each file on Kakao is a recorded file of the job, whole.
    const onKakao = (await emulatorState(kakao.url)).files;
    const [first] = expectedFiles();
    expect(onKakao.length).toBeGreaterThanOrEqual(1);
    expect(onKakao.length).toBeLessThan(3);
    expect(done.files.map((f) => [f.name, Number(f.kakaoId), f.sha256, f.status])).toEqual(onKakao.map((f) => [f.name, f.id, f.sha256, "uploaded"]));
    expect(onKakao[0]).toMatchObject({ name: "revoked", sha256: first!.sha256, lines: first!.lines });
    const log = await jobLogText(job.id);
    for (const f of onKakao) expect(log).toContain(`"${f.name}" is on Kakao as id ${f.id}`);
    // The failure says what stays on Kakao and what was not sent.
    expect(log).toMatch(new RegExp(`${onKakao.length} of this job's customer files (is|are) on Kakao: "revoked" \\(id ${onKakao[0]!.id}\\)`));
    expect(done.files.every((f) => f.status === "uploaded")).toBe(true);
  });
});
