import { describe, expect, it } from "vitest";
import { control, emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import { getJob, issueJob, killJob, retryJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import { pollJobFiles } from "@/lib/jobs/poll-files";
import type { SessionUser } from "@/lib/auth/access";
import { expectedAdidFile, useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";

let kakao: ExportFixture["kakao"];
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture));

const register = (file_name: string) => ({ ad_account_id: 27429, mode: "register" as const, file_name });

async function run(sql: string, settings: Record<string, unknown>) {
  const job = await issueJob(user, { database: "kakao_db", query: sql, authenticationId, exportSettings: settings as never });
  await runJob(job.id);
  return getJob(user, job.id);
}

describe("export jobs (real warehouse, emulator, PostgreSQL)", () => {
  it("registers the seed's query as a customer file holding exactly its valid ADIDs", async () => {
    const sql = "select adid from customers";
    const job = await run(sql, register("seed_audience"));
    expect(job.status).toBe("success");
    const expected = await expectedAdidFile("select adid from kakao_db.customers");
    const [file] = (await emulatorState(kakao.url)).files;
    expect(file).toMatchObject({ name: "seed_audience", adAccountId: 27429, sha256: expected.sha256, lines: expected.lines, bytes: expected.bytes });
    expect(Number(job.rowsExported)).toBe(expected.lines);
    expect(Number(job.rowsRead)).toBe(100_000);
    expect(Number(job.rowsSkippedEmpty + job.rowsSkippedMalformed + job.rowsSkippedOptedOut)).toBe(100_000 - expected.lines);
    expect(job.files).toHaveLength(1);
    expect(job.files[0]).toMatchObject({ index: 1, name: "seed_audience", sha256: expected.sha256, status: "uploaded", kakaoStatus: "WAITING" });

    // Kakao's processing (WAITING → COMPLETE) is polled and recorded with the population score.
    await new Promise((r) => setTimeout(r, 200));
    await pollJobFiles(job.id, 1);
    const polled = await getJob(user, job.id);
    expect(polled.files[0]).toMatchObject({ kakaoStatus: "COMPLETE" });
    expect(Number(polled.files[0]!.populationScore)).toBeGreaterThan(0);
  });

  it("two workers picking up the same job run it once", async () => {
    const job = await issueJob(user, { database: "kakao_db", query: "select adid from customers", authenticationId, exportSettings: register("once") });
    await Promise.all([runJob(job.id), runJob(job.id), runJob(job.id)]);
    const done = await getJob(user, job.id);
    expect(done).toMatchObject({ status: "success", attempts: 1 });
    expect((await emulatorState(kakao.url)).files.map((f) => f.name)).toEqual(["once"]);
  });

  it("two exports to one customer file run one after the other: the second finds the name taken", async () => {
    const [a, b] = await Promise.all(["one", "two"].map(() => issueJob(user, { database: "kakao_db", query: "select adid from customers where age < 25", authenticationId, exportSettings: register("same_name") })));
    await Promise.all([runJob(a!.id), runJob(b!.id)]);
    const jobs = await Promise.all([getJob(user, a!.id), getJob(user, b!.id)]);
    expect(jobs.map((j) => j.status).sort()).toEqual(["error", "success"]);
    expect(jobs.find((j) => j.status === "error")).toMatchObject({ errorKind: "configuration" });
    expect((await emulatorState(kakao.url)).files.filter((f) => f.name.startsWith("same_name"))).toHaveLength(1);
  });

  it("edits: replaces the contents of the file with that name", async () => {
    await run("select adid from customers where age < 30", register("to_edit"));
    const job = await run("select column_a as adid from devices", { ad_account_id: 27429, mode: "edit", file_name: "to_edit", action: "stop" });
    expect(job.status).toBe("success");
    const files = (await emulatorState(kakao.url)).files;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: "to_edit", versions: 2, sha256: (await expectedAdidFile("select column_a as adid from kakao_db.devices")).sha256 });
  });

  it("fails as a configuration error, before uploading anything, for each bad setup", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["select age from customers", register("a"), /No adid column/],
      ["select adid, age from customers", register("a"), /Extra columns age/],
      ["select adid from customers where false", register("a"), /Nothing to upload/],
      ["select adid from customers", { ad_account_id: 99001, mode: "register", file_name: "a" }, /403|permission|access/i],
      ["select adid from customers", { ad_account_id: 27429, mode: "edit", file_name: "missing", action: "stop" }, /missing/],
    ];
    for (const [sql, settings, message] of cases) {
      const job = await run(sql, settings);
      expect(job.status, `${sql} ${JSON.stringify(settings)}`).toBe("error");
      expect(job.errorKind).toBe("configuration");
      expect(job.errorMessage).toMatch(message);
    }
    expect((await emulatorState(kakao.url)).files).toHaveLength(0);
  });

  it("refuses a name that already exists in the account (register), before uploading", async () => {
    await run("select adid from customers where age < 30", register("taken"));
    const job = await run("select adid from customers", register("taken"));
    expect(job).toMatchObject({ status: "error", errorKind: "configuration" });
    expect(job.errorMessage).toMatch(/taken/);
    expect((await emulatorState(kakao.url)).files).toHaveLength(1);
    // NAME_2 of another export counts as taken too (this export's second file would need it).
    await run("select adid from customers where age < 40", register("other_2"));
    expect(await run("select adid from customers", register("other"))).toMatchObject({ status: "error", errorKind: "configuration" });
  });

  it("a revoked token fails the job as a configuration error and marks the authentication reconnect needed", async () => {
    const row = await db.authentication.findUniqueOrThrow({ where: { id: authenticationId } });
    await control(kakao.url, "/__emulator/tokens/revoke", { token: open(row.accessToken) });
    const job = await run("select adid from customers", register("a"));
    expect(job).toMatchObject({ status: "error", errorKind: "configuration" });
    expect((await db.authentication.findUniqueOrThrow({ where: { id: authenticationId } })).status).toBe("reconnect_needed");
    await expect(issueJob(user, { database: "kakao_db", query: "select adid from customers", authenticationId, exportSettings: register("b") })).rejects.toMatchObject({ code: "reconnect_needed" });
  });

  it("kills a queued job at once; retry runs it again", async () => {
    const job = await issueJob(user, { database: "kakao_db", query: "select adid from customers", authenticationId, exportSettings: register("killed") });
    expect(await killJob(user, job.id)).toEqual({ formerStatus: "queued" });
    await runJob(job.id); // a worker picking it up afterwards does nothing
    expect((await getJob(user, job.id)).status).toBe("killed");
    await retryJob(user, job.id);
    await runJob(job.id);
    expect((await getJob(user, job.id)).status).toBe("success");
    expect((await emulatorState(kakao.url)).files.map((f) => f.name)).toEqual(["killed"]);
  });

  it("another marketer cannot see, kill or retry the job", async () => {
    const job = await run("select adid from customers where age < 25", register("mine"));
    const other = { id: "someone-else", email: "x@example.com", name: null, role: "marketer" as const };
    await expect(getJob(other, job.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(killJob(other, job.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(retryJob(other, job.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
