import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopQueue } from "@/lib/jobs/queue";
import { resetAppTables } from "@/test/db";
import { setSchedule } from "@/lib/schedule/schedules";
import { settle, startScheduler, tick } from "@/lib/schedule/scheduler";
import { listOutbox } from "@/lib/notify/outbox";
import { clearRunQueue, makeAuthentication, makeQuery, queuedRuns, registerSettings, scheduleFixture, spawnTickProcess } from "@/lib/schedule/test-support";
import type { SessionUser } from "@/lib/auth/access";

const T = Date.parse("2025-03-10T00:00:00Z");
const at = (minutes: number, seconds = 0) => new Date(T + minutes * 60_000 + seconds * 1000);
const iso = (d: Date) => d.toISOString();

let user: SessionUser;
let authenticationId: number;

beforeEach(async () => {
  ({ user, authenticationId } = await scheduleFixture());
  await clearRunQueue();
});
afterAll(async () => {
  await resetAppTables(); // leave no due schedule behind for a later worker process
  await clearRunQueue();
  await stopQueue();
});

async function scheduled(name: string, cron: string, options: { delaySeconds?: number; timezone?: string; from?: Date } = {}) {
  const id = await makeQuery(user.id, name, { authenticationId });
  await setSchedule(user, id, { cron, timezone: options.timezone ?? "UTC", delaySeconds: options.delaySeconds ?? 0 }, options.from ?? at(2));
  return id;
}

describe("tick: starts each (schedule, scheduled time) once", () => {
  it("a */5 cron across two worker processes: one job per slot, then after downtime only the latest missed slot", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await scheduled(`every_5_${i}`, "*/5 * * * *"));
    expect((await db.savedQuery.findFirstOrThrow({ where: { id: ids[0] } })).scheduleNextAt).toEqual(at(5));

    const [a, b] = await Promise.all([spawnTickProcess(), spawnTickProcess()]);
    const started: { savedQueryId: number; scheduledAt: string; jobId: number; skipped: number; pid: number }[] = [];
    try {
      // The same instants in both processes, concurrently (each process also runs two ticks at once).
      const instants = [at(4, 59), at(5), at(5), at(7, 30), at(10), at(10, 0.5), at(14, 59.999), at(15), at(15, 9), at(41), at(41, 5), at(44)];
      for (const instant of instants) {
        const [ra, rb] = await Promise.all([a.tick(instant), b.tick(instant)]);
        expect(ra.errors + rb.errors).toBe(0);
        started.push(...ra.started.map((s) => ({ ...s, pid: a.pid })), ...rb.started.map((s) => ({ ...s, pid: b.pid })));
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    // Slots 05, 10, 15 each once per schedule; then 20…35 were missed (downtime) and only 40 ran.
    const slots = [at(5), at(10), at(15), at(40)].map(iso);
    expect(started).toHaveLength(ids.length * slots.length);
    const keys = started.map((s) => `${s.savedQueryId}@${s.scheduledAt}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of ids) expect(started.filter((s) => s.savedQueryId === id).map((s) => s.scheduledAt).sort()).toEqual(slots);
    expect(started.filter((s) => s.scheduledAt === iso(at(40))).every((s) => s.skipped === 4)).toBe(true);

    const runs = await db.scheduleRun.findMany({ orderBy: [{ savedQueryId: "asc" }, { scheduledAt: "asc" }] });
    expect(runs).toHaveLength(ids.length * slots.length);
    const jobs = await db.job.findMany({ select: { id: true, scheduledAt: true, savedQueryId: true, ownerId: true, status: true } });
    expect(jobs).toHaveLength(ids.length * slots.length);
    expect(new Set(jobs.map((j) => `${j.savedQueryId}@${iso(j.scheduledAt!)}`)).size).toBe(jobs.length);
    expect(jobs.every((j) => j.ownerId === user.id && j.status === "queued")).toBe(true);
    expect(runs.every((r) => r.jobId !== null)).toBe(true);
    // …and each job was put in the queue exactly once.
    const queued = await queuedRuns();
    expect(queued.map((q) => q.jobId).sort((x, y) => x - y)).toEqual(jobs.map((j) => j.id).sort((x, y) => x - y));

    // The catch-up was logged once per schedule: on the job and in the audit log.
    const audits = await db.auditLog.findMany({ where: { action: "schedule.catch_up" } });
    expect(audits).toHaveLength(ids.length);
    expect(audits[0]).toMatchObject({ actorId: null, targetType: "query", details: { ran: iso(at(40)), skipped: 4, firstSkipped: iso(at(20)), lastSkipped: iso(at(35)) } });
    const catchUpJob = jobs.find((j) => j.savedQueryId === ids[0] && iso(j.scheduledAt!) === iso(at(40)))!;
    const logs = await db.jobLog.findMany({ where: { jobId: catchUpJob.id }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message).join("\n")).toMatch(/Catch-up: .* skipped 4 older one\(s\) \(2025-03-10 00:20 UTC to 2025-03-10 00:35 UTC\)/);
    expect((await db.savedQuery.findFirstOrThrow({ where: { id: ids[0] } })).scheduleNextAt).toEqual(at(45));
  }, 120_000);

  it("after downtime runs the most recent missed slot once and skips (and logs) the older ones", async () => {
    const id = await scheduled("catch_up", "*/5 * * * *");
    const first = await tick(at(31, 30));
    expect(first.started).toEqual([expect.objectContaining({ savedQueryId: id, scheduledAt: at(30), skipped: 5 })]);
    expect((await tick(at(31, 40))).started).toEqual([]);
    expect((await tick(at(34, 59))).started).toEqual([]);
    expect((await tick(at(35))).started).toEqual([expect.objectContaining({ scheduledAt: at(35), skipped: 0 })]);
    const runs = await db.scheduleRun.findMany({ where: { savedQueryId: id }, orderBy: { scheduledAt: "asc" } });
    expect(runs.map((r) => r.scheduledAt)).toEqual([at(30), at(35)]);
    const log = (await db.jobLog.findMany({ where: { jobId: first.started[0]!.jobId } })).map((l) => l.message).join("\n");
    expect(log).toContain("skipped 5 older one(s) (2025-03-10 00:05 UTC to 2025-03-10 00:25 UTC)");
    expect(await db.auditLog.count({ where: { action: "schedule.catch_up", targetId: String(id) } })).toBe(1);
  });

  it("delay: the job's scheduled time is the undelayed slot, and it is queued to start at slot + delay", async () => {
    const id = await scheduled("delayed", "*/5 * * * *", { delaySeconds: 90 });
    const { started } = await tick(at(5, 3));
    expect(started).toHaveLength(1);
    const job = await db.job.findUniqueOrThrow({ where: { id: started[0]!.jobId } });
    expect(job.scheduledAt).toEqual(at(5));
    expect(job.savedQueryId).toBe(id);
    expect(await db.scheduleRun.findFirstOrThrow({ where: { savedQueryId: id } })).toMatchObject({ scheduledAt: at(5), runAt: at(6, 30), jobId: job.id });
    expect(await queuedRuns()).toEqual([{ jobId: job.id, startAfter: at(6, 30) }]);
    const log = (await db.jobLog.findMany({ where: { jobId: job.id } })).map((l) => l.message).join("\n");
    expect(log).toContain("delayed 90 s: starts at 2025-03-10 00:06 UTC");
  });

  it("evaluates the cron in the schedule's time zone (@daily in Asia/Seoul is 15:00 UTC)", async () => {
    const id = await scheduled("seoul", "@daily", { timezone: "Asia/Seoul" });
    expect((await db.savedQuery.findFirstOrThrow({ where: { id } })).scheduleNextAt).toEqual(new Date("2025-03-10T15:00:00Z"));
    expect((await tick(new Date("2025-03-10T14:59:59Z"))).started).toEqual([]);
    expect((await tick(new Date("2025-03-10T15:00:01Z"))).started).toEqual([expect.objectContaining({ scheduledAt: new Date("2025-03-10T15:00:00Z") })]);
    expect((await db.savedQuery.findFirstOrThrow({ where: { id } })).scheduleNextAt).toEqual(new Date("2025-03-11T15:00:00Z"));
  });

  it("paused and unscheduled queries never run; ticking does not touch the query's updatedAt", async () => {
    const id = await scheduled("not_due", "*/5 * * * *");
    const before = (await db.savedQuery.findFirstOrThrow({ where: { id } })).updatedAt;
    await makeQuery(user.id, "no_schedule", { authenticationId });
    await db.savedQuery.update({ where: { id }, data: { scheduleEnabled: false } });
    expect((await tick(at(60))).due).toBe(0);
    await db.savedQuery.update({ where: { id }, data: { scheduleEnabled: true } });
    const afterEnable = (await db.savedQuery.findFirstOrThrow({ where: { id } })).updatedAt;
    expect((await tick(at(60))).started).toHaveLength(1);
    const after = await db.savedQuery.findFirstOrThrow({ where: { id } });
    expect(after.updatedAt).toEqual(afterEnable);
    expect(before <= afterEnable).toBe(true);
    expect(after.scheduleNextAt).toEqual(at(65));
  });

  it("an authentication that needs reconnecting: the run is recorded as a failed job (configuration) and counts toward disable", async () => {
    const deadAuth = await makeAuthentication(user.id, "dead", "reconnect_needed");
    const id = await makeQuery(user.id, "dead_auth", { authenticationId: deadAuth });
    await setSchedule(user, id, { cron: "*/5 * * * *", timezone: "UTC", delaySeconds: 0 }, at(2));
    for (const [i, minute] of [5, 10, 15].entries()) {
      const { started } = await tick(at(minute));
      expect(started).toHaveLength(1);
      const job = await db.job.findUniqueOrThrow({ where: { id: started[0]!.jobId } });
      expect(job).toMatchObject({ status: "error", errorKind: "configuration", scheduledAt: at(minute), savedQueryId: id, authenticationId: deadAuth });
      expect(job.errorMessage).toMatch(/needs to be reconnected/);
      const settled = await settle(at(minute, 1));
      expect(settled).toMatchObject({ settled: 1, failed: 1 });
      expect((await db.savedQuery.findFirstOrThrow({ where: { id } })).scheduleConfigFailures).toBe(i + 1);
    }
    const query = await db.savedQuery.findFirstOrThrow({ where: { id } });
    expect(query).toMatchObject({ scheduleEnabled: false, scheduleNextAt: null });
    expect(query.scheduleDisabledReason).toMatch(/3 scheduled runs in a row failed with a configuration error.*reconnected/);
    expect(await queuedRuns()).toEqual([]); // nothing was queued for a job that cannot run
    const outbox = await listOutbox(user, { limit: 10 });
    expect(outbox.map((m) => m.kind)).toEqual(["schedule.disabled", "schedule.job_failed", "schedule.job_failed", "schedule.job_failed"]);
    expect(await db.auditLog.findFirst({ where: { action: "schedule.disable", targetId: String(id) } })).toMatchObject({ actorId: null });
    expect((await tick(at(20))).started).toEqual([]);
  });

  it("a stored cron that no longer evaluates disables the schedule, with a notice and an audit entry", async () => {
    const id = await scheduled("broken", "*/5 * * * *");
    await db.$executeRaw`update saved_queries set schedule_cron = '0 0 32 * *' where id = ${id}`;
    expect(await tick(at(5))).toMatchObject({ due: 1, invalid: 1, started: [] });
    const query = await db.savedQuery.findUniqueOrThrow({ where: { id } });
    expect(query).toMatchObject({ scheduleEnabled: false, scheduleNextAt: null });
    expect(query.scheduleDisabledReason).toContain('day-of-month: "32" is out of range 1-31');
    expect((await listOutbox(user, { limit: 5 })).map((m) => m.kind)).toEqual(["schedule.disabled"]);
    expect(await db.auditLog.count({ where: { action: "schedule.disable", targetId: String(id), actorId: null } })).toBe(1);
    expect(await tick(at(10))).toMatchObject({ due: 0 });
  });

  it("a run whose inserter died before creating the job is revived by settle, once", async () => {
    const id = await scheduled("orphan", "*/5 * * * *");
    const run = await db.scheduleRun.create({ data: { savedQueryId: id, scheduledAt: at(5), runAt: at(5), createdAt: new Date(Date.now() - 120_000) } });
    await db.savedQuery.update({ where: { id }, data: { scheduleNextAt: at(10) } });
    const [one, two] = await Promise.all([settle(at(6)), settle(at(6))]);
    expect(one.revived + two.revived).toBeGreaterThanOrEqual(1);
    const jobs = await db.job.findMany({ where: { savedQueryId: id } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ scheduledAt: at(5), status: "queued" });
    expect((await db.scheduleRun.findUniqueOrThrow({ where: { id: run.id } })).jobId).toBe(jobs[0]!.id);
    expect((await queuedRuns()).map((q) => q.jobId)).toEqual([jobs[0]!.id]);
  });
});

describe("the worker's loop", () => {
  it("ticks then settles every interval until stopped", async () => {
    const id = await scheduled("looped", "*/5 * * * *");
    let clock = at(5);
    const first = startScheduler({ intervalMs: 20, clock: () => clock });
    let run;
    try {
      for (let i = 0; i < 100 && (await db.scheduleRun.count({ where: { jobId: { not: null } } })) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      run = await db.scheduleRun.findFirstOrThrow({ where: { savedQueryId: id } });
      expect(run.jobId).not.toBeNull();
    } finally {
      await first.stop();
    }
    // With the loop stopped, nothing settles; a later loop settles the finished job at its own clock.
    clock = at(6);
    await db.job.update({ where: { id: run.jobId! }, data: { status: "success", finishedAt: new Date() } });
    await new Promise((r) => setTimeout(r, 60));
    expect((await db.scheduleRun.findFirstOrThrow({ where: { id: run.id } })).settledAt).toBeNull();
    const second = startScheduler({ intervalMs: 20, clock: () => clock });
    try {
      for (let i = 0; i < 100 && !(await db.scheduleRun.findFirstOrThrow({ where: { id: run.id } })).settledAt; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await db.scheduleRun.findFirstOrThrow({ where: { id: run.id } })).settledAt).toEqual(at(6));
    } finally {
      await second.stop();
    }
    expect(await db.scheduleRun.count()).toBe(1);
  });
});

describe("tick cost", () => {
  it("with 10,000 active schedules: one indexed query finds the due rows (tick cost reported, not asserted)", async () => {
    const settings = registerSettings("x");
    // 9,000 daily schedules not due yet, 1,000 every-5-minutes schedules due at 00:05.
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      ownerId: user.id,
      name: `q${i}`,
      database: "kakao_db",
      sql: "select adid from customers where age < 20",
      exportAuthenticationId: authenticationId,
      exportSettings: { ...settings, file_name: `f${i}` },
      scheduleCron: i < 1000 ? "*/5 * * * *" : "0 3 * * *",
      scheduleTimezone: "UTC",
      scheduleNextAt: i < 1000 ? at(5) : new Date("2025-03-10T03:00:00Z"),
    }));
    for (let i = 0; i < rows.length; i += 2000) await db.savedQuery.createMany({ data: rows.slice(i, i + 2000) });
    await db.$executeRawUnsafe("analyze saved_queries");
    const plan = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `explain select id from saved_queries where schedule_enabled and schedule_next_at <= '2025-03-10 00:05:00' and schedule_cron <> '' order by schedule_next_at limit 500`,
    );
    expect(plan.map((p) => p["QUERY PLAN"]).join("\n")).toMatch(/Index.*saved_queries_schedule_enabled_schedule_next_at_idx/);

    const measure = async <R>(fn: () => Promise<R>) => {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      const value = await fn();
      const used = process.cpuUsage(cpu);
      return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
    };
    await tick(at(1)); // warm up (client, compiled crons)

    // Nothing due: one index probe.
    const idle = [];
    for (let i = 0; i < 5; i++) idle.push(await measure(() => tick(at(2, i))));
    const idleCpu = Math.min(...idle.map((m) => m.cpuMs));

    // 1,000 due whose runs another worker already claimed: scan, plan, claim (all conflict), advance.
    // Twice (00:05, then 00:10), keeping the lower figure: a shared CI core adds noise, not cost.
    const due = await db.savedQuery.findMany({ where: { scheduleCron: "*/5 * * * *" }, select: { id: true }, orderBy: { id: "asc" } });
    const claimOnlyRuns = [];
    for (const slot of [at(5), at(10)]) {
      await db.scheduleRun.createMany({ data: due.map((q) => ({ savedQueryId: q.id, scheduledAt: slot, runAt: slot })) });
      const measured = await measure(() => tick(slot));
      expect(measured.value).toMatchObject({ due: 1000, started: [] });
      claimOnlyRuns.push(measured);
    }
    const claimOnly = claimOnlyRuns.reduce((a, b) => (a.cpuMs <= b.cpuMs ? a : b));
    expect(await db.savedQuery.count({ where: { scheduleNextAt: at(15) } })).toBe(1000);

    // 50 runs this worker starts itself: dominated by issueJob (about 7 Prisma round trips per job).
    await db.savedQuery.updateMany({ where: { id: { in: due.slice(50).map((q) => q.id) } }, data: { scheduleEnabled: false } });
    const busy = await measure(() => tick(at(15)));
    expect(busy.value.started).toHaveLength(50);

    console.log(
      `[tick cost] 10,000 active schedules: idle tick ${idleCpu.toFixed(1)} ms CPU (${idle.map((m) => m.wallMs.toFixed(1)).join(", ")} ms wall); ` +
        `1,000 due, claimed elsewhere: ${claimOnly.cpuMs.toFixed(0)} ms CPU, ${claimOnly.wallMs.toFixed(0)} ms wall; ` +
        `starting 50 runs: ${busy.cpuMs.toFixed(0)} ms CPU (${(busy.cpuMs / 50).toFixed(1)} per run), ${busy.wallMs.toFixed(0)} ms wall`,
    );
    // Costs are reported, not asserted: timings belong to benchmarks (bench/), not to tests on a
    // shared machine. What this test asserts is the shape of the work: one indexed query for the
    // due rows, and each slot started once.
  }, 120_000);
});
