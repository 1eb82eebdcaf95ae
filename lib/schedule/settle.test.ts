import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control } from "@/emulator/testing";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { queryEngine } from "@/lib/engine";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { killJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { PUBLIC_URL } from "@/lib/authentications/test-support";
import { resetAppTables } from "@/test/db";
import { resumeSchedule, setSchedule } from "@/lib/schedule/schedules";
import { settle, tick } from "@/lib/schedule/scheduler";
import { listOutbox } from "@/lib/notify/outbox";
import { closeMailer } from "@/lib/notify/mailer";
import { startTestSmtp } from "@/lib/notify/test-smtp";
import { clearRunQueue, makeQuery } from "@/lib/schedule/test-support";
import type { SessionUser } from "@/lib/auth/access";

const T = Date.parse("2025-03-10T00:00:00Z");
const at = (minutes: number, seconds = 0) => new Date(T + minutes * 60_000 + seconds * 1000);
const SMTP_PASSWORD = "s3cret-smtp-pass";

let kakao: Awaited<ReturnType<typeof startKakao>>;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let user: SessionUser;
let authenticationId: number;

beforeAll(async () => {
  kakao = await startKakao();
  smtp = await startTestSmtp({ user: "mailer", password: SMTP_PASSWORD });
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "20", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "20", SMTP_URL: smtp.url, SMTP_FROM: "Export Hub <hub@example.com>" });
  resetEnvCache();
  await prepareTestWarehouse();
});
afterAll(async () => {
  await resetAppTables();
  await clearRunQueue();
  closeMailer();
  await stopQueue();
  await queryEngine().close();
  await smtp.close();
  await kakao.close();
});
beforeEach(async () => {
  await control(kakao.url, "/__emulator/reset");
  ({ user, authenticationId } = await exportFixture());
  await clearRunQueue();
  smtp.received.length = 0;
});

async function scheduledQuery(name: string, sql: string, options: { notifyOnSuccess?: boolean } = {}) {
  const id = await makeQuery(user.id, name, { authenticationId, sql });
  await setSchedule(user, id, { cron: "*/5 * * * *", timezone: "UTC", delaySeconds: 0, notifyOnSuccess: options.notifyOnSuccess }, at(2));
  return id;
}

/** One scheduled slot: tick, run the job as a worker would, settle. */
async function runSlot(minute: number) {
  const { started } = await tick(at(minute));
  expect(started).toHaveLength(1);
  const jobId = started[0]!.jobId;
  await runJob(jobId);
  const settled = await settle(at(minute, 30));
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  return { jobId, job, settled };
}

const failures = async (id: number) => (await db.savedQuery.findUniqueOrThrow({ where: { id } })).scheduleConfigFailures;

describe("settle: notices, failure streaks and auto-disable (real export through the emulator)", () => {
  it("three configuration failures in a row disable the schedule: three failure notices and a disable notice, in the outbox and by e-mail", async () => {
    const id = await scheduledQuery("no_adid", "select age from customers");
    const jobIds: number[] = [];
    for (const [i, minute] of [5, 10, 15].entries()) {
      const { jobId, job, settled } = await runSlot(minute);
      jobIds.push(jobId);
      expect(job).toMatchObject({ status: "error", errorKind: "configuration", scheduledAt: at(minute) });
      expect(job.errorMessage).toMatch(/No adid column/);
      expect(settled).toMatchObject({ settled: 1, failed: 1, disabled: i === 2 ? [id] : [] });
      expect(await failures(id)).toBe(i + 1);
    }
    const query = await db.savedQuery.findUniqueOrThrow({ where: { id } });
    expect(query).toMatchObject({ scheduleEnabled: false, scheduleNextAt: null, scheduleConfigFailures: 3 });
    expect(query.scheduleDisabledReason).toMatch(new RegExp(`3 scheduled runs in a row failed with a configuration error; the last one \\(job ${jobIds[2]}\\): .*No adid column`));
    expect(await db.auditLog.findFirst({ where: { action: "schedule.disable", targetId: String(id) } })).toMatchObject({ actorId: null, details: expect.objectContaining({ failures: 3, jobId: jobIds[2] }) });

    // The outbox: three failure notices, then the disable notice; all e-mailed.
    const outbox = (await listOutbox(user, { limit: 20 })).reverse();
    expect(outbox.map((m) => m.kind)).toEqual(["schedule.job_failed", "schedule.job_failed", "schedule.job_failed", "schedule.disabled"]);
    for (const [i, message] of outbox.slice(0, 3).entries()) {
      expect(message).toMatchObject({ toAddress: "marketer@example.com", userId: user.id, sendError: null });
      expect(message.sentAt).toBeInstanceOf(Date);
      expect(message.subject).toBe(`[Kakao Moment Export Hub] Scheduled export "no_adid" failed (job ${jobIds[i]})`);
      expect(message.text).toContain(`${PUBLIC_URL}/jobs/${jobIds[i]}`);
      expect(message.text).toContain("No adid column");
      expect(message.text).toContain("This is a configuration error");
      expect(message.text).toContain(`configuration failure ${i + 1} in a row`);
      expect(message.html).toContain(`<a href="${PUBLIC_URL}/jobs/${jobIds[i]}">`);
    }
    expect(outbox[2]!.text).toContain("the schedule has been disabled");
    const notice = outbox[3]!;
    expect(notice.subject).toBe(`[Kakao Moment Export Hub] Schedule of "no_adid" disabled`);
    expect(notice.text).toMatch(/will not run again until you re-enable it/);
    expect(notice.text).toMatch(/edit and save its schedule, or click Resume/);
    expect(notice.text).toContain(`${PUBLIC_URL}/workbench/queries/${id}`);

    expect(smtp.received).toHaveLength(4);
    expect(smtp.received.map((m) => m.subject)).toEqual(outbox.map((m) => m.subject));
    expect(smtp.received.every((m) => m.to.join() === "marketer@example.com" && m.from === "hub@example.com")).toBe(true);
    expect(JSON.stringify(await db.notification.findMany())).not.toContain(SMTP_PASSWORD);

    // Disabled: no more runs until re-enabled; Resume resets the streak.
    expect((await tick(at(20))).started).toEqual([]);
    const resumed = await resumeSchedule(user, id, at(21));
    expect(resumed).toMatchObject({ state: "active", configFailures: 0, disabledReason: null, nextAt: at(25) });
  });

  it("a success in between resets the count (and notifies when notifyOnSuccess is on)", async () => {
    const id = await scheduledQuery("reset_me", "select age from customers", { notifyOnSuccess: true });
    await runSlot(5);
    await runSlot(10);
    expect(await failures(id)).toBe(2);
    // The owner fixes the query (not the schedule, so nothing else resets the count).
    await db.savedQuery.update({ where: { id }, data: { sql: "select adid from customers where age < 20" } });
    const ok = await runSlot(15);
    expect(ok.job.status).toBe("success");
    expect(ok.settled).toMatchObject({ settled: 1, succeeded: 1 });
    expect(await failures(id)).toBe(0);
    // Registering the same file name again fails (configuration): the count starts over at 1.
    const again = await runSlot(20);
    expect(again.job).toMatchObject({ status: "error", errorKind: "configuration" });
    expect(await failures(id)).toBe(1);
    expect((await db.savedQuery.findUniqueOrThrow({ where: { id } })).scheduleEnabled).toBe(true);
    const kinds = (await listOutbox(user, { limit: 20 })).reverse().map((m) => m.kind);
    expect(kinds).toEqual(["schedule.job_failed", "schedule.job_failed", "schedule.job_succeeded", "schedule.job_failed"]);
    const success = (await listOutbox(user, { limit: 20 })).find((m) => m.kind === "schedule.job_succeeded")!;
    expect(success.text).toMatch(new RegExp(`succeeded \\(job ${ok.jobId}\\): ${ok.job.rowsExported} ADIDs exported in 1 customer file`));
    expect(smtp.received).toHaveLength(4);
  });

  it("transient failures notify but never disable, and neither reset nor increment the count; killed runs are not counted", async () => {
    const id = await scheduledQuery("flaky", "select age from customers");
    await runSlot(5); // one configuration failure: count 1
    for (const minute of [10, 15, 20, 25]) {
      const { started } = await tick(at(minute));
      // As the runner records a transient error once its retries are spent (Kakao 5xx, network…).
      await db.job.update({ where: { id: started[0]!.jobId }, data: { status: "error", errorKind: "transient", errorMessage: "Kakao answered 503 Service Unavailable", finishedAt: new Date() } });
      expect(await settle(at(minute, 30))).toMatchObject({ settled: 1, failed: 1, disabled: [] });
    }
    expect(await db.savedQuery.findUniqueOrThrow({ where: { id } })).toMatchObject({ scheduleEnabled: true, scheduleConfigFailures: 1, scheduleDisabledReason: null });
    const killed = (await tick(at(30))).started[0]!.jobId;
    await killJob(user, killed);
    expect(await settle(at(30, 30))).toMatchObject({ settled: 1, failed: 0, succeeded: 0 });
    expect(await failures(id)).toBe(1);

    const outbox = (await listOutbox(user, { limit: 20 })).reverse();
    expect(outbox.map((m) => m.kind)).toEqual(Array(5).fill("schedule.job_failed"));
    expect(outbox.slice(1).every((m) => m.text.includes("This is a temporary error") && !m.text.includes("in a row"))).toBe(true);
    // Settling again finds nothing new.
    expect(await settle(at(31))).toMatchObject({ settled: 0 });
  });
});
