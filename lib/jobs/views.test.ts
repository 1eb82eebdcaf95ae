import { beforeEach, describe, expect, it } from "vitest";
import { db, Prisma } from "@/lib/db";
import { resetAppTables } from "@/test/db";
import { createUser } from "@/lib/users/users";
import { getJob, jobLogs, listJobs } from "@/lib/jobs/jobs";
import { jobListHref, parseJobListParams, pickJobListParams } from "@/lib/jobs/list-filter";
import { toJobLogView, toJobSummaryView, toJobView } from "@/lib/jobs/views";
import type { SessionUser } from "@/lib/auth/access";

let admin: SessionUser;
let alice: SessionUser;
let bob: SessionUser;

const settings = { type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name: "spring_sale" };

function insertJob(owner: SessionUser, data: Partial<Prisma.JobUncheckedCreateInput> = {}) {
  return db.job.create({ data: { ownerId: owner.id, database: "kakao_db", query: "select adid from customers", ...data }, select: { id: true } });
}

beforeEach(async () => {
  await resetAppTables();
  admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password-1" });
  alice = await createUser({ email: "alice@example.com", name: null, role: "marketer", password: "password-1" });
  bob = await createUser({ email: "bob@example.com", name: null, role: "marketer", password: "password-1" });
});

describe("job views (real PostgreSQL)", () => {
  it("turns every BigInt into a number or a string, so the view survives JSON and Response.json", async () => {
    const { id } = await insertJob(alice, {
      status: "success",
      exportSettings: settings,
      startedAt: new Date("2025-03-01T10:00:00Z"),
      finishedAt: new Date("2025-03-01T10:02:05.500Z"),
      rowsRead: 5_000_000_000n,
      rowsExported: 4_999_999_000n,
      rowsSkippedEmpty: 600n,
      rowsSkippedMalformed: 300n,
      rowsSkippedOptedOut: 100n,
      rowsLeftOut: 0n,
      bytesRead: 123_456_789_012n,
      bytesExported: 184_999_963_000n,
      filesDone: 2,
      files: {
        create: [
          { index: 2, name: "spring_sale_2", kakaoId: 9_007_199_254_740_993n, bytes: 1_000n, lines: 27n, sha256: "b".repeat(64), status: "uploaded", kakaoStatus: "WAITING" },
          { index: 1, name: "spring_sale", kakaoId: 12345n, bytes: 209_715_200n, lines: 5_667_978n, sha256: "a".repeat(64), status: "uploaded", kakaoStatus: "COMPLETE", populationScore: 96n, lastPolledAt: new Date("2025-03-01T10:05:00Z") },
        ],
      },
      logs: { create: [{ level: "info", message: "Queued" }, { level: "warn", message: "Rate limited; waiting" }] },
    });

    const view = toJobView(await getJob(alice, id));
    expect(view).toMatchObject({
      id,
      ownerEmail: "alice@example.com",
      status: "success",
      rowsRead: 5_000_000_000,
      rowsExported: 4_999_999_000,
      rowsSkippedEmpty: 600,
      rowsSkippedMalformed: 300,
      rowsSkippedOptedOut: 100,
      rowsLeftOut: 0,
      bytesRead: 123_456_789_012,
      bytesExported: 184_999_963_000,
      filesDone: 2,
      startedAt: "2025-03-01T10:00:00.000Z",
      finishedAt: "2025-03-01T10:02:05.500Z",
      durationMs: 125_500,
      exportSettings: settings,
      errorKind: null,
    });
    expect(view.files.map((f) => f.index)).toEqual([1, 2]);
    expect(view.files[0]).toEqual({
      index: 1,
      name: "spring_sale",
      kakaoId: "12345",
      bytes: 209_715_200,
      lines: 5_667_978,
      sha256: "a".repeat(64),
      status: "uploaded",
      kakaoStatus: "COMPLETE",
      populationScore: 96,
      lastPolledAt: "2025-03-01T10:05:00.000Z",
      attempts: 0,
      uploadedAt: null,
    });
    // Ids stay exact even beyond 2^53.
    expect(view.files[1]).toMatchObject({ kakaoId: "9007199254740993", populationScore: null, lastPolledAt: null });

    const logs = (await jobLogs(alice, id)).map(toJobLogView);
    expect(logs.map((l) => [l.level, l.message])).toEqual([["info", "Queued"], ["warn", "Rate limited; waiting"]]);
    expect(typeof logs[0]!.id).toBe("string");

    const everything = { job: view, logs };
    const deepTypes = (value: unknown): string[] => (value && typeof value === "object" ? Object.values(value).flatMap(deepTypes) : [typeof value]);
    expect(deepTypes(everything)).not.toContain("bigint");
    expect(JSON.parse(JSON.stringify(everything))).toEqual(everything);
    expect(await Response.json(everything).json()).toEqual(everything);
  });

  it("reports a running job's duration so far, and none before it starts; unknown error kinds become null", async () => {
    const now = new Date("2025-03-01T10:00:30Z");
    const running = await insertJob(alice, { status: "running", startedAt: new Date("2025-03-01T10:00:00Z") });
    const queued = await insertJob(alice);
    const failed = await insertJob(alice, { status: "error", errorKind: "configuration", errorMessage: "Customer file not found", finishedAt: now });
    const odd = await insertJob(alice, { status: "error", errorKind: "something-else", exportSettings: { mode: "nonsense" } });
    const view = async (id: number) => toJobSummaryView(await getJob(alice, id), now);
    expect((await view(running.id)).durationMs).toBe(30_000);
    expect(await view(queued.id)).toMatchObject({ durationMs: null, startedAt: null, exportSettings: null, rowsRead: 0 });
    expect(await view(failed.id)).toMatchObject({ errorKind: "configuration", errorMessage: "Customer file not found", durationMs: null });
    expect(await view(odd.id)).toMatchObject({ errorKind: null, exportSettings: null });
  });
});

describe("listJobs (real PostgreSQL)", () => {
  it("shows marketers their own jobs and admins everyone's, newest first", async () => {
    const a1 = await insertJob(alice);
    const b1 = await insertJob(bob);
    const a2 = await insertJob(alice);
    expect((await listJobs(alice)).jobs.map((j) => j.id)).toEqual([a2.id, a1.id]);
    expect((await listJobs(bob)).jobs.map((j) => j.id)).toEqual([b1.id]);
    expect((await listJobs(admin)).jobs.map((j) => j.id)).toEqual([a2.id, b1.id, a1.id]);
    expect((await listJobs(admin, { ownerId: bob.id })).jobs.map((j) => j.id)).toEqual([b1.id]);
    // A marketer cannot look at someone else's jobs by naming them.
    expect((await listJobs(alice, { ownerId: bob.id })).jobs.map((j) => j.id)).toEqual([a2.id, a1.id]);
    await expect(getJob(alice, b1.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("pages by id with `before` and nextBefore, without gaps or repeats", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await insertJob(alice)).id);
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await listJobs(alice, { limit: 3, before });
      seen.push(...page.jobs.map((j) => j.id));
      before = page.nextBefore ?? undefined;
      pages += 1;
    } while (before);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    const exact = await listJobs(alice, { limit: 7 });
    expect(exact.nextBefore).toBeNull();
  });

  it("filters by status, authentication and creation date", async () => {
    const authentication = await db.authentication.create({ data: { ownerId: alice.id, name: "main", flow: "business", accessToken: "sealed" }, select: { id: true } });
    const old = await insertJob(alice, { status: "success", createdAt: new Date("2025-02-27T12:00:00Z") });
    const onDay = await insertJob(alice, { status: "error", createdAt: new Date("2025-03-01T23:59:59Z"), authenticationId: authentication.id, exportSettings: settings });
    const later = await insertJob(alice, { status: "success", createdAt: new Date("2025-03-02T00:00:00Z") });
    const ids = async (params: Record<string, string>) => {
      const parsed = parseJobListParams(pickJobListParams(new URLSearchParams(params)));
      if (!parsed.ok) throw parsed.error;
      return (await listJobs(alice, parsed.filter)).jobs.map((j) => j.id);
    };
    expect(await ids({ status: "success" })).toEqual([later.id, old.id]);
    expect(await ids({ authenticationId: String(authentication.id) })).toEqual([onDay.id]);
    // A date-only "to" includes that whole day (UTC).
    expect(await ids({ from: "2025-02-28", to: "2025-03-01" })).toEqual([onDay.id]);
    expect(await ids({ from: "2025-03-01" })).toEqual([later.id, onDay.id]);
    expect(await ids({ to: "2025-02-27T12:00:00Z" })).toEqual([]);
    // Empty values (an unset select in the GET form) mean no filter.
    expect(await ids({ status: "", from: "", authenticationId: "" })).toEqual([later.id, onDay.id, old.id]);
    const summary = toJobSummaryView((await listJobs(alice, { authenticationId: authentication.id })).jobs[0]!);
    expect(summary).toMatchObject({ authenticationName: "main", exportSettings: { mode: "register", file_name: "spring_sale" } });
  });
});

describe("job list parameters", () => {
  it("rejects a bad value with a message naming the field", () => {
    for (const [params, field] of [
      [{ status: "finished" }, "status"],
      [{ before: "abc" }, "before"],
      [{ from: "yesterday" }, "from"],
      [{ limit: "1000" }, "limit"],
      [{ authenticationId: "-3" }, "authenticationId"],
      [{ from: "2025-03-02", to: "2025-03-01" }, "to"],
    ] as const) {
      const parsed = parseJobListParams(params);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.code).toBe("invalid_input");
        expect(parsed.error.message.startsWith(`${field}:`)).toBe(true);
      }
    }
  });

  it("keeps the filters in links and drops unknown parameters", () => {
    const params = pickJobListParams({ status: "error", ownerId: ["u1", "u2"], utm: "x", from: "  " });
    expect(params).toEqual({ status: "error", ownerId: "u1" });
    expect(jobListHref(params, { before: "40" })).toBe("/jobs?status=error&ownerId=u1&before=40");
    expect(jobListHref({ ...params, before: "40" }, { before: undefined })).toBe("/jobs?status=error&ownerId=u1");
    expect(jobListHref({})).toBe("/jobs");
  });
});
