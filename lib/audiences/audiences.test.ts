import { describe, expect, it } from "vitest";
import { emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { withWarehouseClient } from "@/lib/warehouse/connection";
import { getJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import { useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";
import { createUser } from "@/lib/users/users";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { createParentSegment, deleteParentSegment, getParentSegment, listParentSegments, updateParentSegment } from "@/lib/audiences/parent-segments";
import { activationLog, createFolder, createSegment, deleteSegment, getSegmentTree, segmentPopulation, updateSegment } from "@/lib/audiences/segments";
import { createActivation, deleteActivation, getActivation, listActivations, previewMapping, runActivation, updateActivation } from "@/lib/audiences/activations";
import { findUsages } from "@/lib/authentications/authentications";
import { listSavedQueries } from "@/lib/workbench/queries";
import { tick, settle } from "@/lib/schedule/scheduler";
import type { RuleTree } from "@/lib/audiences/rules";
import type { ActivationInput } from "@/lib/audiences/schemas";

let kakao: ExportFixture["kakao"];
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture));

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const womenRules: RuleTree = { combinator: "and", conditions: [{ column: "gender", op: "eq", value: "female" }, { column: "age", op: "between", from: "20", to: "39" }] };

async function warehouse<T extends object>(sql: string): Promise<T[]> {
  return withWarehouseClient(async (client) => (await client.query(sql)).rows as T[]);
}

async function customersParent(owner = user) {
  return createParentSegment(owner, { name: "Customers", database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender", "age", "country", "app_installed", "last_purchase_at", "ltv"] });
}

function activationInput(segmentId: number, overrides: Partial<ActivationInput> = {}): ActivationInput {
  return {
    segmentId,
    name: "Women to Kakao",
    authenticationId,
    exportSettings: { ad_account_id: 27429, mode: "register", file_name: "women_20_39" },
    mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] },
    ...overrides,
  };
}

async function rejects(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

async function counts() {
  return { parents: await db.parentSegment.count(), segments: await db.segment.count(), activations: await db.activation.count(), queries: await db.savedQuery.count(), folders: await db.segmentFolder.count() };
}

describe("Audience Studio (real warehouse, emulator, PostgreSQL)", () => {
  it("segment → activation → run: the customer file holds exactly the segment's distinct valid ADIDs", async () => {
    const parent = await customersParent();
    expect(parent.attributes).toEqual(expect.arrayContaining([{ name: "adid", type: "text" }, { name: "age", type: "integer" }, { name: "ltv", type: "numeric(12,2)" }]));
    const folder = await createFolder(user, { parentSegmentId: parent.id, name: "Demographics" });
    const segment = await createSegment(user, { parentSegmentId: parent.id, folderId: folder.id, name: "Women 20-39", rules: womenRules });

    const population = await segmentPopulation(user, { parentSegmentId: parent.id, rules: womenRules });
    const [direct] = await warehouse<{ n: number }>("select count(*)::int as n from kakao_db.customers where gender = 'female' and age between 20 and 39");
    expect(population.population).toBe(direct!.n);
    expect(population.population).toBeGreaterThan(10_000);
    expect(population.sql).toContain(`where ("gender" = $1::text and "age" between $2::numeric and $3::numeric)`);
    expect(population.params).toEqual(["female", "20", "39"]);

    const preview = await previewMapping(user, { segmentId: segment.id, mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] } });
    expect(preview.adidCheck.ok).toBe(true);
    expect(preview.columns).toEqual([{ name: "adid", type: "text" }]);
    expect(preview.rows.length).toBe(10);

    const activation = await createActivation(user, activationInput(segment.id));
    const job = await runActivation(user, activation.id);
    expect(job).toMatchObject({ status: "queued" });
    await runJob(job.id);
    const done = await getJob(user, job.id);
    expect(done.status).toBe("success");

    const rows = await warehouse<{ adid: string | null }>("select adid from kakao_db.customers where gender = 'female' and age between 20 and 39");
    const expected = [...new Set(rows.map((r) => (r.adid ?? "").trim()).filter((v) => UUID.test(v) && v !== "00000000-0000-0000-0000-000000000000"))].sort();
    const [file] = (await emulatorState(kakao.url)).files;
    expect(file).toMatchObject({ name: "women_20_39", adAccountId: 27429, lines: expected.length });
    const content = await (await fetch(new URL(`/__emulator/files/${file!.id}/content`, kakao.url))).text();
    const lines = content.split("\n").filter(Boolean);
    expect(new Set(lines).size).toBe(lines.length); // distinct
    expect(lines.sort()).toEqual(expected);

    const stored = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { activationId: true, segmentId: true } });
    expect(stored).toEqual({ activationId: activation.id, segmentId: segment.id });
    expect((await activationLog(user, segment.id)).map((r) => [r.jobId, r.activationName, r.status])).toEqual([[job.id, "Women to Kakao", "success"]]);
    // The carrier query is not a workbench query.
    expect(await listSavedQueries(user)).toEqual([]);
  });

  it("a string builder column named adid is exported as built (String + Segment Id)", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "Korea, LTV > 4000", rules: { combinator: "and", conditions: [{ column: "country", op: "eq", value: "KR" }, { column: "ltv", op: "between", from: "4000" }] } });
    const mapping = { mode: "columns" as const, columns: [], strings: [{ output: "adid", parts: [{ kind: "string" as const, value: "00000000-0000-0000-0000-0000000000" }, { kind: "segment_id" as const }] }] };
    const preview = await previewMapping(user, { segmentId: segment.id, mapping });
    const padded = String(segment.id).padStart(2, "0").slice(-2);
    expect(preview.rows[0]).toEqual([`00000000-0000-0000-0000-0000000000${segment.id}`]);
    expect(preview.adidCheck.ok).toBe(true);
    expect(padded.length).toBe(2);
  });

  it("the preview says before Create when the mapping cannot be a customer file", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "All", rules: { combinator: "and", conditions: [] } });
    const all = await previewMapping(user, { segmentId: segment.id, mapping: { mode: "all" } });
    expect(all.adidCheck).toMatchObject({ ok: false, code: "extra_columns" });
    expect(all.columns.map((c) => c.name)).toEqual(["adid", "gender", "age", "country", "app_installed", "last_purchase_at", "ltv"]);
    const stamped = await previewMapping(user, { segmentId: segment.id, mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }], strings: [{ output: "exported_at", parts: [{ kind: "timestamp" }] }] } });
    expect(stamped.adidCheck).toMatchObject({ ok: false, code: "extra_columns" });
    expect(stamped.rows[0]![1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const before = await counts();
    const e = await rejects(createActivation(user, activationInput(segment.id, { mapping: { mode: "all" } })));
    expect(e.fieldErrors).toEqual({ mapping: "Extra columns gender, age, country, app_installed, last_purchase_at, ltv: Kakao customer files carry only the adid column" });
    expect(await counts()).toEqual(before);
  });

  it("bad input: clear messages naming the field, nothing saved", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "Women", rules: womenRules });
    const before = await counts();
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => createParentSegment(user, { name: "X", database: "kakao_db", table: "nope", keyColumn: "adid", attributes: ["age"] }), "table", /does not exist/],
      [() => createParentSegment(user, { name: "X", database: "kakao_db", table: "customers", keyColumn: "email", attributes: ["age"] }), "keyColumn", /has no column "email"/],
      [() => createParentSegment(user, { name: "X", database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["age", "income"] }), "attributes", /.*/],
      [() => createParentSegment(user, { name: "X", database: "kakao_db", table: "customers", keyColumn: "adid", attributes: [] }), "attributes", /at least one attribute/],
      [() => customersParent(), "name", /.*/],
      [() => createSegment(user, { parentSegmentId: parent.id, name: "Gone", rules: { combinator: "and", conditions: [{ column: "income", op: "is_null" }] } }), "rules.conditions.0.column", /not an attribute/],
      [() => createSegment(user, { parentSegmentId: parent.id, name: "Women", rules: womenRules }), "name", /.*/],
      [() => createSegment(user, { parentSegmentId: parent.id, name: "Bad age", rules: { combinator: "and", conditions: [{ column: "age", op: "eq", value: "1 or 1=1" }] } }), "rules.conditions.0.value", /not a number/],
      [() => createActivation(user, activationInput(segment.id, { mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }, { source: "gender", output: "adid" }] } })), "mapping.columns.1.output", /collides/],
      [() => createActivation(user, activationInput(segment.id, { mapping: { mode: "columns", columns: [{ source: "gender", output: "g" }] } })), "mapping", /No adid column/],
      [() => createActivation(user, activationInput(segment.id, { mapping: { mode: "columns", columns: [{ source: "adid", output: "a" }, { source: "adid", output: "b" }], strings: [] } })), "mapping", /No adid column/],
      [() => createActivation(user, activationInput(segment.id, { mapping: { mode: "columns", columns: [], strings: [{ output: "adid", parts: [] }] } })), "mapping.strings.0.parts", /at least one part/],
      [() => createActivation(user, activationInput(segment.id, { notifications: { emails: ["ok@example.com", "not an email"], onFailure: true } })), "notifications.emails.1", /valid e-mail/],
      [() => createActivation(user, activationInput(segment.id, { notifications: { emails: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`), onFailure: true } })), "notifications.emails", /at most 20/],
      [() => createActivation(user, activationInput(segment.id, { exportSettings: { ad_account_id: 27429, mode: "edit", file_name: "x" } as never })), "exportSettings.action", /required when mode is "edit"/],
      [() => createActivation(user, activationInput(segment.id, { schedule: { cron: "0 0 32 * *", timezone: "UTC" } })), "schedule.cron", /out of range/],
      [() => createActivation(user, activationInput(segment.id, { authenticationId: 999_999 })), "authenticationId", /authentications/],
    ];
    for (const [attempt, field, message] of cases) {
      const e = await rejects(attempt());
      expect(Object.keys(e.fieldErrors ?? {}), e.message).toContain(field);
      expect(e.message).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it("others' parent segments, segments and activations are not found; admins manage them", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "Women", rules: womenRules });
    const activation = await createActivation(user, activationInput(segment.id));
    const other = await createUser({ email: "other@example.com", name: null, role: "marketer", password: "password-1" });
    const admin = await createUser({ email: "boss@example.com", name: null, role: "admin", password: "password-1" });
    const attempts = [
      () => getParentSegment(other, parent.id),
      () => getSegmentTree(other, parent.id),
      () => segmentPopulation(other, { parentSegmentId: parent.id, rules: womenRules }),
      () => getActivation(other, activation.id),
      () => runActivation(other, activation.id),
      () => deleteSegment(other, segment.id),
      () => updateParentSegment(other, parent.id, { name: "Mine", database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["age"] }),
    ];
    for (const attempt of attempts) expect((await rejects(attempt())).code).toBe("not_found");
    expect(await db.segment.count()).toBe(1);
    expect(await listParentSegments(other)).toEqual([]);
    expect((await listParentSegments(admin)).map((p) => p.id)).toEqual([parent.id]);
    expect((await listActivations(admin, segment.id)).map((a) => a.id)).toEqual([activation.id]);
  });

  it("editing the segment re-compiles its activations; removing a used attribute is refused; deletes cascade", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "Women", rules: womenRules });
    const activation = await createActivation(user, activationInput(segment.id, { schedule: { cron: "@daily", timezone: "Asia/Seoul" }, notifications: { emails: ["team@example.com"], onSuccess: true, onFailure: true } }));
    expect(activation.schedule).toMatchObject({ cron: "@daily", timezone: "Asia/Seoul", state: "active" });
    expect(await findUsages(authenticationId)).toEqual([`activation "Women to Kakao" of segment "Women"`]);

    await updateSegment(user, { id: segment.id, name: "Women", folderId: null, rules: { combinator: "and", conditions: [{ column: "age", op: "between", from: "30", to: "31" }] } });
    const carrier = await db.savedQuery.findUniqueOrThrow({ where: { id: activation.savedQueryId } });
    expect(carrier.sqlParams).toEqual(["30", "31"]);
    expect(carrier.sql).toContain(`"age" between $1::numeric and $2::numeric`);

    const e = await rejects(updateParentSegment(user, parent.id, { name: "Customers", database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender", "country"] }));
    expect(e.message).toMatch(/segment "Women" uses an attribute this change removes/);

    const updated = await updateActivation(user, { ...activationInput(segment.id, { name: "Renamed" }), id: activation.id, schedule: { cron: "", timezone: "UTC" } });
    expect(updated).toMatchObject({ name: "Renamed", schedule: { state: "none" } });

    await deleteActivation(user, activation.id);
    expect(await db.savedQuery.count()).toBe(0);
    const second = await createActivation(user, activationInput(segment.id));
    await deleteParentSegment(user, parent.id);
    expect(await counts()).toEqual({ parents: 0, segments: 0, activations: 0, queries: 0, folders: 0 });
    expect(second.id).toBeGreaterThan(0);
  });

  it("a scheduled activation fires through the scheduler, and its recipients hear about it", async () => {
    const parent = await customersParent();
    const segment = await createSegment(user, { parentSegmentId: parent.id, name: "Thirty", rules: { combinator: "and", conditions: [{ column: "age", op: "eq", value: "30" }] } });
    const activation = await createActivation(user, activationInput(segment.id, { schedule: { cron: "0 * * * *", timezone: "UTC" }, notifications: { emails: ["team@example.com", "marketer@example.com"], onSuccess: true, onFailure: true } }));
    const slot = activation.schedule.nextAt!;
    const ticked = await tick(new Date(slot.getTime() + 1000));
    expect(ticked.started).toHaveLength(1);
    const jobId = ticked.started[0]!.jobId;
    await runJob(jobId);
    expect(await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true, activationId: true, segmentId: true, scheduledAt: true } })).toEqual({ status: "success", activationId: activation.id, segmentId: segment.id, scheduledAt: slot });
    await settle(new Date(slot.getTime() + 2000));
    const sent = await db.notification.findMany({ where: { kind: "schedule.job_succeeded" }, select: { toAddress: true }, orderBy: { id: "asc" } });
    expect(sent.map((n) => n.toAddress)).toEqual(["marketer@example.com", "team@example.com"]);
  });
});
