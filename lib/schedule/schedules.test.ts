import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopQueue } from "@/lib/jobs/queue";
import { resetAppTables } from "@/test/db";
import { getSchedule, pauseSchedule, resumeSchedule, runNow, setSchedule } from "@/lib/schedule/schedules";
import { settle, tick } from "@/lib/schedule/scheduler";
import { clearRunQueue, makeAuthentication, makeQuery, makeUser, queuedRuns, scheduleFixture } from "@/lib/schedule/test-support";
import type { SessionUser } from "@/lib/auth/access";

const NOW = new Date("2025-03-10T09:17:30Z");
const daily = { cron: "@daily", timezone: "Asia/Seoul", delaySeconds: 0 };

let owner: SessionUser;
let other: SessionUser;
let admin: SessionUser;
let authenticationId: number;
let queryId: number;

beforeEach(async () => {
  ({ user: owner, authenticationId } = await scheduleFixture());
  other = await makeUser("other@example.com");
  admin = await makeUser("admin@example.com", "admin");
  queryId = await makeQuery(owner.id, "weekly_audience", { authenticationId });
  await clearRunQueue();
});
afterAll(async () => {
  await resetAppTables();
  await clearRunQueue();
  await stopQueue();
});

const row = () => db.savedQuery.findUniqueOrThrow({ where: { id: queryId } });
const audits = (action?: string) => db.auditLog.findMany({ where: { targetId: String(queryId), ...(action ? { action } : {}) }, orderBy: { id: "asc" } });

describe("setSchedule", () => {
  it("saves the schedule, computes the next run in its time zone and audits the change", async () => {
    const view = await setSchedule(owner, queryId, { ...daily, delaySeconds: 120, notifyOnSuccess: true }, NOW);
    expect(view).toMatchObject({ savedQueryId: queryId, cron: "@daily", timezone: "Asia/Seoul", delaySeconds: 120, notifyOnSuccess: true, state: "active", enabled: true, configFailures: 0, hasExport: true, description: expect.any(String) });
    // Midnight in Seoul is 15:00 UTC; the next one after 09:17 UTC is that day's.
    expect(view.nextAt).toEqual(new Date("2025-03-10T15:00:00Z"));
    expect(await row()).toMatchObject({ scheduleCron: "@daily", scheduleTimezone: "Asia/Seoul", scheduleDelaySeconds: 120, scheduleNextAt: new Date("2025-03-10T15:00:00Z") });
    const [entry] = await audits("schedule.update");
    expect(entry).toMatchObject({ actorId: owner.id, targetType: "query", details: { before: { cron: "", timezone: "UTC", delaySeconds: 0 }, after: { cron: "@daily", timezone: "Asia/Seoul", delaySeconds: 120, notifyOnSuccess: true } } });
    expect(await getSchedule(owner, queryId)).toEqual(view);
  });

  it.each([
    [{ ...daily, cron: "0 0 32 * *" }, 'cron: day-of-month: "32" is out of range 1-31', "cron"],
    [{ ...daily, cron: "*/0 * * * *" }, 'cron: minute: "*/0" step must be at least 1', "cron"],
    [{ ...daily, cron: "0 0 * * mon-" }, 'cron: day-of-week: "mon-" is not a valid range', "cron"],
    [{ ...daily, cron: "0 0  * * *" }, "got extra whitespace", "cron"],
    [{ ...daily, timezone: "Mars/Base" }, 'timezone: unknown time zone "Mars/Base"', "timezone"],
    [{ ...daily, delaySeconds: 2.5 }, "delaySeconds: must be a whole number of seconds", "delaySeconds"],
  ])("refuses bad input with a message naming the field, and saves nothing: %j", async (input, message, field) => {
    const before = await row();
    const error = await setSchedule(owner, queryId, input, NOW).catch((e) => e);
    expect(error).toMatchObject({ code: "invalid_input", fieldErrors: { [field]: expect.any(String) } });
    expect(error.message).toContain(message);
    expect(await row()).toEqual(before);
    expect(await audits()).toEqual([]);
  });

  it("refuses a schedule on a query without an export, clearly; None is still allowed", async () => {
    const bare = await makeQuery(owner.id, "no_export");
    await expect(setSchedule(owner, bare, daily, NOW)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/set Export Results on "no_export" and save the query first/), fieldErrors: { cron: expect.any(String) } });
    expect((await db.savedQuery.findUniqueOrThrow({ where: { id: bare } })).scheduleCron).toBeNull();
    await expect(setSchedule(owner, bare, { cron: "", timezone: "UTC", delaySeconds: 0, notifyOnSuccess: true }, NOW)).resolves.toMatchObject({ state: "none", nextAt: null });
  });

  it("a change re-enables a disabled schedule and resets its failures; saving it unchanged does not", async () => {
    await setSchedule(owner, queryId, daily, NOW);
    await db.savedQuery.update({ where: { id: queryId }, data: { scheduleEnabled: false, scheduleConfigFailures: 3, scheduleDisabledReason: "3 failures", scheduleNextAt: null } });
    expect(await setSchedule(owner, queryId, { ...daily, notifyOnSuccess: true }, NOW)).toMatchObject({ state: "disabled", configFailures: 3, nextAt: null, notifyOnSuccess: true });
    const changed = await setSchedule(owner, queryId, { ...daily, cron: "0 9 * * *" }, NOW);
    expect(changed).toMatchObject({ state: "active", configFailures: 0, disabledReason: null, nextAt: new Date("2025-03-11T00:00:00Z") });
    expect((await audits("schedule.update")).at(-1)!.details).toMatchObject({ reEnabled: true });
    // Removing the schedule: None, nothing due, audited as a removal.
    expect(await setSchedule(owner, queryId, { cron: "", timezone: "UTC", delaySeconds: 0 }, NOW)).toMatchObject({ state: "none", nextAt: null });
    expect(await audits("schedule.remove")).toHaveLength(1);
    expect((await tick(new Date("2026-01-01T00:00:00Z"))).due).toBe(0);
  });

  it("owner or admin only: another marketer gets not_found for every operation", async () => {
    await setSchedule(owner, queryId, daily, NOW);
    for (const attempt of [
      () => getSchedule(other, queryId),
      () => setSchedule(other, queryId, daily, NOW),
      () => pauseSchedule(other, queryId),
      () => resumeSchedule(other, queryId, NOW),
      () => runNow(other, queryId, NOW),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "not_found", message: "Query not found" });
    }
    await expect(getSchedule(owner, 999_999)).rejects.toMatchObject({ code: "not_found" });
    expect(await db.job.count()).toBe(0);
    expect(await audits()).toHaveLength(1);
    // An admin may, and is the audited actor.
    await expect(setSchedule(admin, queryId, { ...daily, cron: "@hourly" }, NOW)).resolves.toMatchObject({ cron: "@hourly" });
    expect((await audits("schedule.update")).at(-1)).toMatchObject({ actorId: admin.id });
  });
});

describe("pause and resume", () => {
  it("pause stops the schedule; resume recomputes the next run from now and resets failures; both audited", async () => {
    await setSchedule(owner, queryId, { ...daily, cron: "@hourly", timezone: "UTC" }, NOW);
    const paused = await pauseSchedule(owner, queryId);
    expect(paused).toMatchObject({ state: "paused", enabled: false, nextAt: null, disabledReason: null });
    expect((await tick(new Date("2025-03-11T00:00:00Z"))).due).toBe(0);
    expect(await pauseSchedule(owner, queryId)).toMatchObject({ state: "paused" }); // idempotent, not audited twice
    await db.savedQuery.update({ where: { id: queryId }, data: { scheduleConfigFailures: 2 } });
    const later = new Date("2025-03-12T10:30:00Z");
    const resumed = await resumeSchedule(owner, queryId, later);
    expect(resumed).toMatchObject({ state: "active", nextAt: new Date("2025-03-12T11:00:00Z"), configFailures: 0 });
    expect((await audits()).map((a) => a.action)).toEqual(["schedule.update", "schedule.pause", "schedule.resume"]);
    expect((await audits("schedule.resume"))[0]).toMatchObject({ actorId: owner.id });
  });

  it("resume of a disabled schedule clears the reason; pause/resume without a schedule is refused", async () => {
    await setSchedule(owner, queryId, daily, NOW);
    await db.savedQuery.update({ where: { id: queryId }, data: { scheduleEnabled: false, scheduleDisabledReason: "3 failures", scheduleNextAt: null, scheduleConfigFailures: 3 } });
    expect(await getSchedule(owner, queryId)).toMatchObject({ state: "disabled", disabledReason: "3 failures" });
    expect(await resumeSchedule(admin, queryId, NOW)).toMatchObject({ state: "active", disabledReason: null, configFailures: 0 });
    expect((await audits("schedule.resume"))[0]).toMatchObject({ actorId: admin.id, details: { wasDisabled: "3 failures" } });
    const bare = await makeQuery(owner.id, "unscheduled", { authenticationId });
    await expect(pauseSchedule(owner, bare)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/no schedule to pause/) });
    await expect(resumeSchedule(owner, bare)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/no schedule to resume/) });
  });
});

describe("runNow", () => {
  it("queues a job now with scheduled time = now, recorded as a run of the schedule and settled like one", async () => {
    await setSchedule(owner, queryId, daily, NOW);
    const job = await runNow(owner, queryId, NOW);
    expect(job).toMatchObject({ ownerId: owner.id, savedQueryId: queryId, status: "queued", scheduledAt: new Date("2025-03-10T09:17:30Z"), authenticationId });
    expect(await db.scheduleRun.findMany()).toEqual([expect.objectContaining({ savedQueryId: queryId, scheduledAt: new Date("2025-03-10T09:17:30Z"), jobId: job.id, settledAt: null })]);
    expect((await queuedRuns()).map((q) => q.jobId)).toEqual([job.id]);
    expect((await db.jobLog.findMany({ where: { jobId: job.id } })).map((l) => l.message)).toContainEqual("Run now by marketer@example.com (scheduled time 2025-03-10T09:17:30.000Z)");
    expect((await audits("schedule.run_now"))[0]).toMatchObject({ actorId: owner.id, details: { jobId: job.id, countedAsScheduledRun: true } });
    // The same second again is the same run.
    await expect(runNow(owner, queryId, new Date(NOW.getTime() + 300))).rejects.toMatchObject({ code: "conflict" });
    // Its configuration failure counts toward the schedule's streak like a scheduled run.
    await db.job.update({ where: { id: job.id }, data: { status: "error", errorKind: "configuration", errorMessage: "No adid column", finishedAt: new Date() } });
    expect(await settle(new Date())).toMatchObject({ settled: 1, failed: 1 });
    expect((await row()).scheduleConfigFailures).toBe(1);
  });

  it("an admin's run now is the owner's job; a query without a schedule gets a plain job; no export is refused", async () => {
    const job = await runNow(admin, queryId, NOW);
    expect(job).toMatchObject({ ownerId: owner.id, scheduledAt: new Date("2025-03-10T09:17:30Z") });
    expect(await db.scheduleRun.count()).toBe(0); // no schedule: nothing to count it toward
    expect((await db.jobLog.findMany({ where: { jobId: job.id } })).map((l) => l.message)).toContainEqual(expect.stringMatching(/^Run now by admin@example.com/));
    const bare = await makeQuery(owner.id, "no_export_run");
    await expect(runNow(owner, bare, NOW)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/set Export Results/) });
  });

  it("an authentication that needs reconnecting is refused at once and leaves no run behind", async () => {
    const dead = await makeAuthentication(owner.id, "dead", "reconnect_needed");
    const id = await makeQuery(owner.id, "dead_auth", { authenticationId: dead });
    await setSchedule(owner, id, daily, NOW);
    await expect(runNow(owner, id, NOW)).rejects.toMatchObject({ code: "reconnect_needed" });
    expect(await db.scheduleRun.count()).toBe(0);
    expect(await db.job.count()).toBe(0);
  });
});
