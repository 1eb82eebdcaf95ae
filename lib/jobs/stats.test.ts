import { beforeEach, describe, expect, it } from "vitest";
import { db, Prisma } from "@/lib/db";
import { resetAppTables } from "@/test/db";
import { createUser } from "@/lib/users/users";
import { exportsPerDay, finishSuccessfully } from "@/lib/jobs/stats";
import type { SessionUser } from "@/lib/auth/access";

let admin: SessionUser;
let alice: SessionUser;
let bob: SessionUser;

const now = new Date("2025-03-15T12:00:00Z");

/** A job that ended at `at`; a successful one ends the way the runner ends it (finishSuccessfully). */
async function finished(owner: SessionUser, at: string, data: Partial<Prisma.JobUncheckedCreateInput> = {}) {
  const { status = "success", ...rest } = data;
  const job = await db.job.create({
    data: { ownerId: owner.id, database: "kakao_db", query: "select adid from customers", status: status === "success" ? "running" : status, startedAt: new Date(at), finishedAt: status === "success" ? null : new Date(at), ...rest },
  });
  if (status === "success") await finishSuccessfully(job.id, { finishedAt: new Date(at) });
  return job;
}

beforeEach(async () => {
  await resetAppTables();
  admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password-1" });
  alice = await createUser({ email: "alice@example.com", name: null, role: "marketer", password: "password-1" });
  bob = await createUser({ email: "bob@example.com", name: null, role: "marketer", password: "password-1" });
});

describe("exportsPerDay (real PostgreSQL)", () => {
  it("groups successful jobs by the UTC day they finished, one entry per day, oldest first", async () => {
    await finished(alice, "2025-03-15T00:00:00Z", { rowsExported: 3_000_000_000n, filesDone: 15 }); // beyond int4 once summed
    await finished(alice, "2025-03-15T11:59:00Z", { rowsExported: 2_500_000_000n, filesDone: 12 });
    await finished(alice, "2025-03-14T23:59:59.999Z", { rowsExported: 10n, filesDone: 1 });
    await finished(alice, "2025-02-13T23:59:59Z", { rowsExported: 99n, filesDone: 1 }); // 31st day back: outside
    await finished(alice, "2025-02-14T00:00:00Z", { rowsExported: 7n, filesDone: 1 }); // first day of the window
    // Not counted: failed, killed and unfinished jobs.
    await finished(alice, "2025-03-15T01:00:00Z", { status: "error", rowsExported: 1000n, filesDone: 1 });
    await finished(alice, "2025-03-15T01:00:00Z", { status: "killed", rowsExported: 1000n, filesDone: 1 });
    await db.job.create({ data: { ownerId: alice.id, database: "kakao_db", query: "select 1", status: "running", rowsExported: 1000n } });

    const days = await exportsPerDay(alice, 30, { now });
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ day: "2025-02-14", jobs: 1, rowsExported: 7, files: 1 });
    expect(days.at(-2)).toEqual({ day: "2025-03-14", jobs: 1, rowsExported: 10, files: 1 });
    expect(days.at(-1)).toEqual({ day: "2025-03-15", jobs: 2, rowsExported: 5_500_000_000, files: 27 });
    expect(days.filter((d) => d.jobs === 0)).toHaveLength(27);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
    expect(new Set(days.map((d) => d.day)).size).toBe(30);
  });

  it("counts a marketer's own jobs only; an admin's counts everyone's, or one user's", async () => {
    await finished(alice, "2025-03-10T08:00:00Z", { rowsExported: 100n, filesDone: 1 });
    await finished(bob, "2025-03-10T09:00:00Z", { rowsExported: 20n, filesDone: 2 });
    await finished(bob, "2025-03-11T09:00:00Z", { rowsExported: 3n, filesDone: 1 });
    const on = async (user: SessionUser, day: string, options: { ownerId?: string } = {}) => (await exportsPerDay(user, 30, { now, ...options })).find((d) => d.day === day);
    expect(await on(alice, "2025-03-10")).toEqual({ day: "2025-03-10", jobs: 1, rowsExported: 100, files: 1 });
    expect(await on(alice, "2025-03-11")).toMatchObject({ jobs: 0, rowsExported: 0, files: 0 });
    expect(await on(bob, "2025-03-10")).toEqual({ day: "2025-03-10", jobs: 1, rowsExported: 20, files: 2 });
    expect(await on(admin, "2025-03-10")).toEqual({ day: "2025-03-10", jobs: 2, rowsExported: 120, files: 3 });
    expect(await on(admin, "2025-03-10", { ownerId: alice.id })).toMatchObject({ jobs: 1, rowsExported: 100 });
    // A marketer cannot widen the count to someone else.
    expect(await on(alice, "2025-03-11", { ownerId: bob.id })).toMatchObject({ jobs: 0 });
  });

  it("honours a shorter window", async () => {
    await finished(alice, "2025-03-13T08:00:00Z", { rowsExported: 5n, filesDone: 1 });
    const days = await exportsPerDay(alice, 3, { now });
    expect(days).toEqual([
      { day: "2025-03-13", jobs: 1, rowsExported: 5, files: 1 },
      { day: "2025-03-14", jobs: 0, rowsExported: 0, files: 0 },
      { day: "2025-03-15", jobs: 0, rowsExported: 0, files: 0 },
    ]);
  });
});
