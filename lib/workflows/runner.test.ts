import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { queryEngine } from "@/lib/engine";
import { prepareTestWarehouse, adminQuery } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { completeConnection } from "@/lib/authentications/connect";
import { connectUpToContinue } from "@/lib/authentications/test-support";
import { deleteAuthentication, renameAuthentication } from "@/lib/authentications/authentications";
import { createUser } from "@/lib/users/users";
import type { SessionUser } from "@/lib/auth/access";
import { expectedAdidFile, exportFixture, startKakao } from "@/lib/jobs/test-support";
import { getProject, listProjects, saveProject } from "@/lib/workflows/projects";
import { advanceAttempt, killAttempt, retryAttempt, startWorkflow } from "@/lib/workflows/runner";
import { tickWorkflows } from "@/lib/workflows/tick";
import { startScheduler } from "@/lib/schedule/scheduler";
import { runToEnd, tasksOf } from "@/lib/workflows/test-support";

const SEED = path.join(import.meta.dirname, "fixtures/seed");
const seedFiles = () => Object.fromEntries(fs.readdirSync(SEED).map((f) => [f, fs.readFileSync(path.join(SEED, f), "utf8")]));

let kakao: Awaited<ReturnType<typeof startKakao>>;
let user: SessionUser;

beforeAll(async () => {
  kakao = await startKakao();
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "20", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "20" });
  await prepareTestWarehouse();
});
afterAll(async () => {
  await db.workflowSchedule.deleteMany({}); // leave nothing due for a later worker process
  await stopQueue();
  await queryEngine().close();
  await kakao.close();
});
beforeEach(async () => {
  await control(kakao.url, "/__emulator/reset");
  ({ user } = await exportFixture()); // a marketer with the authentication "new_kakao_auth"
});

const settings = (fileName: string, indent = "  ") =>
  ["result_connection: new_kakao_auth", "result_settings:", "  type: kakao_moment", "  data_source: customer_file", "  ad_account_id: 27429", "  mode: register", `  file_name: ${fileName}`].map((line) => `${indent}${line}\n`).join("");

describe("the seed's workflows, byte for byte, against the emulator", () => {
  it("register creates the customer file “test”; edit replaces its contents", async () => {
    const project = await saveProject(user, { name: "kakao", files: seedFiles() });
    expect(project.revision).toBe(1);

    const register = await startWorkflow(user, { projectId: project.id, workflow: "kakao_register" }, { wake: false });
    expect((await runToEnd(register.attemptId)).status).toBe("success");
    const [root, task] = await tasksOf(register.attemptId);
    expect(root).toMatchObject({ fullName: "+kakao_register", status: "success" });
    expect(task).toMatchObject({ fullName: "+kakao_register+kakao_task", status: "success", job: { status: "success" } });
    expect(task!.jobIds).toEqual([task!.jobId]);
    expect(task!.variables).toMatchObject({ td: { database: "kakao_db" }, task_name: "+kakao_register+kakao_task", attempt_id: register.attemptId, timezone: "UTC" });
    expect(task!.params).toMatchObject({ database: "kakao_db", result_connection: "new_kakao_auth", result_settings: { mode: "register", file_name: "test" } });
    const job = await db.job.findUniqueOrThrow({ where: { id: task!.jobId! } });
    expect(job).toMatchObject({ database: "kakao_db", query: "select adid from customers", type: "presto", exportSettings: { type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name: "test" } });
    const registered = await expectedAdidFile("select adid from kakao_db.customers");
    let files = (await emulatorState(kakao.url)).files;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: "test", adAccountId: 27429, sha256: registered.sha256, lines: registered.lines, versions: 1 });

    const edit = await startWorkflow(user, { projectId: project.id, workflow: "kakao_edit" }, { wake: false });
    expect((await runToEnd(edit.attemptId)).status).toBe("success");
    files = (await emulatorState(kakao.url)).files;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: "test", versions: 2, sha256: registered.sha256 });
    const editJob = (await tasksOf(edit.attemptId))[1]!.job!;
    expect(await db.job.findUniqueOrThrow({ where: { id: editJob.id }, select: { exportSettings: true } })).toMatchObject({ exportSettings: { mode: "edit", action: "stop" } });

    const listed = await listProjects(user);
    expect(listed).toEqual([expect.objectContaining({ name: "kakao", workflows: ["kakao_edit", "kakao_register"], lastAttempt: expect.objectContaining({ id: edit.attemptId, status: "success" }) })]);
  });
});

describe("_retry and _error", () => {
  it("a task's _retry (exponential) re-issues its job; when retries run out the _error tasks run and the attempt fails", async () => {
    const files = {
      "flaky.dig": `_export:
  td:
    database: kakao_db
_error:
  +on_error:
    td>:
    query: select adid from customers where age < 30
${settings("failed_${session_date_compact}", "    ")}
+flaky:
  _retry:
    limit: 2
    interval: 60
    interval_type: exponential
  td>:
  query: select adid from not_there_yet
${settings("never")}
+after:
  td>:
  query: select adid from customers
${settings("after")}`,
    };
    const project = await saveProject(user, { name: "flaky", files });
    const start = new Date("2025-03-10T00:00:00Z");
    const { attemptId } = await startWorkflow(user, { projectId: project.id, workflow: "flaky", sessionTime: start }, { wake: false });
    const run = await runToEnd(attemptId, { now: start });
    expect(run.status).toBe("error");
    // Waited 60 s, then 120 s (interval 60, exponential) between the three tries.
    expect(run.waits.map((d) => (d.getTime() - start.getTime()) / 1000)).toEqual([60, 180]);

    const tasks = await tasksOf(attemptId);
    const byName = Object.fromEntries(tasks.map((t) => [t.fullName, t]));
    expect(byName["+flaky+flaky"]).toMatchObject({ status: "error", retryCount: 2, job: { status: "error" } });
    expect(byName["+flaky+flaky"]!.jobIds).toHaveLength(3);
    expect(byName["+flaky+flaky"]!.errorMessage).toMatch(/not_there_yet/);
    expect(byName["+flaky+after"]).toMatchObject({ status: "canceled", jobId: null });
    expect(byName["+flaky^error"]).toMatchObject({ status: "success", isError: true });
    expect(byName["+flaky^error+on_error"]).toMatchObject({ status: "success", job: { status: "success" } });
    expect(byName["+flaky"]).toMatchObject({ status: "error" });
    const attempt = await db.workflowAttempt.findUniqueOrThrow({ where: { id: attemptId } });
    expect(attempt).toMatchObject({ status: "error" });
    expect(attempt.errorMessage).toMatch(/^\+flaky\+flaky failed: job \d+ failed: .*not_there_yet/);
    expect((await emulatorState(kakao.url)).files.map((f) => f.name)).toEqual(["failed_20250310"]);

    // Retry (failed tasks only): the table now exists; +flaky and +after run, nothing else again.
    await adminQuery("create table kakao_db.not_there_yet as select adid from kakao_db.customers where age >= 30");
    await adminQuery("grant select on kakao_db.not_there_yet to public");
    try {
      const retried = await retryAttempt(user, attemptId, { wake: false });
      expect((await runToEnd(retried.attemptId)).status).toBe("success");
      const again = Object.fromEntries((await tasksOf(retried.attemptId)).map((t) => [t.fullName, t]));
      expect(again["+flaky+flaky"]).toMatchObject({ status: "success", retryCount: 0 });
      expect(again["+flaky+after"]).toMatchObject({ status: "success" });
      expect(again["+flaky^error+on_error"]).toMatchObject({ status: "blocked", jobId: null });
      expect((await emulatorState(kakao.url)).files.map((f) => f.name).sort()).toEqual(["after", "failed_20250310", "never"]);
      expect((await db.workflowAttempt.findUniqueOrThrow({ where: { id: retried.attemptId } })).index).toBe(2);
      await expect(retryAttempt(user, attemptId)).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await adminQuery("drop table if exists kakao_db.not_there_yet");
    }
  });

  it("a group's _retry runs all its tasks again; a retried attempt reuses the tasks that succeeded", async () => {
    const files = {
      "group.dig": `_export:
  td:
    database: kakao_db
+first:
  td>:
  query: select adid from customers where age < 20
${settings("first")}
+group:
  _retry: 1
  +ok:
    td>:
    query: select adid from customers where age < 25
${settings("first", "    ").replace("mode: register", "mode: edit")}      action: stop

  +bad:
    td>:
    query: select nope from customers
${settings("bad", "    ")}`,
    };
    const project = await saveProject(user, { name: "group", files });
    const { attemptId } = await startWorkflow(user, { projectId: project.id, workflow: "group" }, { wake: false });
    expect((await runToEnd(attemptId)).status).toBe("error");
    const tasks = Object.fromEntries((await tasksOf(attemptId)).map((t) => [t.fullName, t]));
    expect(tasks["+group+group"]).toMatchObject({ status: "error", retryCount: 1 });
    expect(tasks["+group+group+ok"]!.jobIds).toHaveLength(2); // ran in both tries of the group
    expect(tasks["+group+group+bad"]!.jobIds).toHaveLength(2);
    expect(tasks["+group+first"]!.jobIds).toHaveLength(1);

    const retried = await retryAttempt(user, attemptId, { wake: false });
    await runToEnd(retried.attemptId);
    const again = Object.fromEntries((await tasksOf(retried.attemptId)).map((t) => [t.fullName, t]));
    expect(again["+group+first"]).toMatchObject({ status: "success", jobId: tasks["+group+first"]!.jobId, reusedFromId: tasks["+group+first"]!.id });
  });
});

describe("run start, kill, access", () => {
  it("kill: the running job is killed, the rest canceled; nothing runs afterwards", async () => {
    const project = await saveProject(user, { name: "kill", files: seedFiles() });
    const { attemptId } = await startWorkflow(user, { projectId: project.id, workflow: "kakao_register" }, { wake: false });
    await advanceAttempt(attemptId); // issues the job (queued)
    const [, task] = await tasksOf(attemptId);
    expect(task).toMatchObject({ status: "running", job: { status: "queued" } });
    await killAttempt(user, attemptId, { wake: false });
    const result = await advanceAttempt(attemptId);
    expect(result).toMatchObject({ done: true, status: "killed" });
    const [root, killed] = await tasksOf(attemptId);
    expect(killed).toMatchObject({ status: "killed", job: { status: "killed" } });
    expect(root).toMatchObject({ status: "killed" });
    expect((await emulatorState(kakao.url)).files).toHaveLength(0);
    await expect(killAttempt(user, attemptId)).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses at upload, storing nothing: bad files, and a result_connection that is missing or someone else's (same message)", async () => {
    const other = await createUser({ email: "other@example.com", name: null, role: "marketer", password: "password-2" });
    await completeConnection(other, await connectUpToContinue(other), "others_auth");
    const refused = async (files: Record<string, string>, pattern: RegExp) => {
      const error = await saveProject(user, { name: "bad", files }).catch((e) => e);
      expect(error).toMatchObject({ code: "invalid_input" });
      expect(error.message).toMatch(pattern);
    };
    await refused({ "w.dig": "+t:\n  sh>: echo hi\n" }, /w\.dig:2: sh>: unknown operator "sh>"/);
    await refused({ "w.dig": seedFiles()["kakao_register.dig"]! }, /w\.dig:6: \+kakao_task\.td>: the file "upload\.sql" is not in the project/);
    const mine = seedFiles()["kakao_register.dig"]!.replace("new_kakao_auth", "others_auth");
    await refused({ "w.dig": mine, "upload.sql": "select adid from customers" }, /w\.dig:8: \+kakao_task\.result_connection: no authentication named "others_auth"/);
    const missing = mine.replace("others_auth", "nobody");
    await refused({ "w.dig": missing, "upload.sql": "select adid from customers" }, /w\.dig:8: \+kakao_task\.result_connection: no authentication named "nobody"/);
    expect(await db.workflowProject.count()).toBe(0);
    expect(await db.workflowRevision.count()).toBe(0);
  });

  it("at run start: a result_connection renamed away is refused before anything runs; deleting a used authentication is refused", async () => {
    const project = await saveProject(user, { name: "seed", files: seedFiles() });
    const authentication = await db.authentication.findFirstOrThrow({ where: { ownerId: user.id } });
    await expect(deleteAuthentication(user, authentication.id)).rejects.toThrow(/workflow project "seed"/);
    await renameAuthentication(user, authentication.id, "renamed");
    const error = await startWorkflow(user, { projectId: project.id, workflow: "kakao_register" }, { wake: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "invalid_input" });
    expect(error.message).toMatch(/kakao_register\.dig:8: \+kakao_task\.result_connection: no authentication named "new_kakao_auth"/);
    expect(await db.workflowSession.count()).toBe(0);
    expect(await db.job.count()).toBe(0);
  });

  it("edits add revisions; another marketer sees nothing; an admin sees all", async () => {
    const project = await saveProject(user, { name: "versions", files: seedFiles() });
    const edited = { ...seedFiles(), "upload.sql": "select adid from customers where age < 40\n" };
    expect(await saveProject(user, { projectId: project.id, files: edited })).toMatchObject({ id: project.id, revision: 2 });
    expect((await getProject(user, project.id)).revisions.map((r) => r.revision)).toEqual([2, 1]);
    const other = { id: "someone-else", email: "x@example.com", name: null, role: "marketer" as const };
    await expect(getProject(other, project.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(saveProject(other, { projectId: project.id, files: edited })).rejects.toMatchObject({ code: "not_found" });
    await expect(startWorkflow(other, { projectId: project.id, workflow: "kakao_register" })).rejects.toMatchObject({ code: "not_found" });
    expect(await listProjects(other)).toEqual([]);
    const admin = { id: "admin", email: "admin@example.com", name: null, role: "admin" as const };
    expect((await listProjects(admin)).map((p) => p.name)).toEqual(["versions"]);
    await expect(saveProject(user, { name: "versions", files: seedFiles() })).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("schedules", () => {
  it("a daily> schedule fires through the scheduler once per day, with the session time and variables of its day", async () => {
    const files = {
      "daily.dig": `timezone: Asia/Tokyo
schedule:
  daily>: 07:00:00
_export:
  td:
    database: kakao_db
+export:
  td>: daily.sql
${settings("daily_${session_date_compact}")}`,
      "daily.sql": "select adid from customers -- ${session_time}\n",
    };
    const saved = new Date("2025-03-10T00:00:00Z"); // 09:00 in Tokyo
    const project = await saveProject(user, { name: "daily", files }, { now: saved });
    const [schedule] = (await getProject(user, project.id)).schedules;
    expect(schedule).toMatchObject({ workflowName: "daily", label: "daily> 07:00:00", timezone: "Asia/Tokyo", nextAt: new Date("2025-03-10T22:00:00Z") });

    expect((await tickWorkflows(new Date("2025-03-10T21:59:59Z"), { wake: false })).started).toEqual([]);
    const fired = await tickWorkflows(new Date("2025-03-10T22:00:04Z"), { wake: false });
    // digdag: daily>'s session time is the start of the day (00:00 Tokyo = 15:00 UTC the day before).
    expect(fired.started).toEqual([expect.objectContaining({ projectId: project.id, workflowName: "daily", sessionTime: new Date("2025-03-10T15:00:00Z"), skipped: 0 })]);
    expect((await tickWorkflows(new Date("2025-03-10T22:00:09Z"), { wake: false })).started).toEqual([]);

    // The worker's loop (startScheduler) ticks the workflows too: the next day's slot fires from it.
    const loop = startScheduler({ clock: () => new Date("2025-03-11T22:00:01Z"), intervalMs: 60_000 });
    await loop.stop();
    const sessions = await db.workflowSession.findMany({ where: { projectId: project.id }, orderBy: { sessionTime: "asc" }, include: { attempts: true } });
    expect(sessions.map((s) => [s.sessionTime.toISOString(), s.trigger, s.attempts.length])).toEqual([
      ["2025-03-10T15:00:00.000Z", "schedule", 1],
      ["2025-03-11T15:00:00.000Z", "schedule", 1],
    ]);
    expect((await db.workflowSchedule.findFirstOrThrow({ where: { projectId: project.id } })).nextAt).toEqual(new Date("2025-03-12T22:00:00Z"));

    expect((await runToEnd(sessions[0]!.attempts[0]!.id)).status).toBe("success");
    const [, task] = await tasksOf(sessions[0]!.attempts[0]!.id);
    expect(task!.variables).toMatchObject({ session_time: "2025-03-11T00:00:00+09:00", session_date: "2025-03-11", timezone: "Asia/Tokyo" });
    expect(task!.job).toMatchObject({ status: "success" });
    expect(await db.job.findUniqueOrThrow({ where: { id: task!.jobId! }, select: { query: true } })).toEqual({ query: "select adid from customers -- 2025-03-11T00:00:00+09:00" });
    expect((await emulatorState(kakao.url)).files.map((f) => f.name)).toContain("daily_20250311");
  });
});
