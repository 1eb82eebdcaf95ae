import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { createUser } from "@/lib/users/users";
import { resetAppTables } from "@/test/db";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { queryEngine } from "@/lib/engine";
import { cancelRun, deleteSavedQuery, getSavedQuery, listSavedQueries, runPreview, saveQuery } from "@/lib/workbench/queries";
import { saveQuerySchema } from "@/lib/workbench/schemas";

let a: SessionUser;
let b: SessionUser;

beforeAll(prepareTestWarehouse);
afterAll(() => queryEngine().close());
beforeEach(async () => {
  await resetAppTables();
  a = await createUser({ email: "a@example.com", name: null, role: "marketer", password: "password-a" });
  b = await createUser({ email: "b@example.com", name: null, role: "marketer", password: "password-b" });
});

describe("workbench queries (real PostgreSQL warehouse through the sandbox)", () => {
  it("previews the seed's query: adid (text), 100,000 rows, ready to export", async () => {
    const result = await runPreview(a, { sql: "select adid from customers", database: "kakao_db", runId: "run-00000001" });
    expect(result.columns).toEqual([{ name: "adid", type: "text" }]);
    expect(result.totalRows).toBe(100_000);
    expect(result.rows).toHaveLength(1000);
    expect(result.truncated).toBe(true);
    expect(result.adidCheck.ok).toBe(true);
  });

  it("accepts the alias form and explains why other results are not exportable", async () => {
    expect((await runPreview(a, { sql: "select column_a as adid from devices", database: "kakao_db", runId: "run-00000002" })).adidCheck.ok).toBe(true);
    const age = await runPreview(a, { sql: "select age from customers", database: "kakao_db", runId: "run-00000003" });
    expect(age.adidCheck).toMatchObject({ ok: false, code: "no_adid_column" });
  });

  it("records the last run on a saved query, and refuses another user's saved query", async () => {
    const saved = await saveQuery(a, { name: "All", database: "kakao_db", sql: "select adid from customers" });
    await runPreview(a, { sql: saved.sql, database: saved.database, runId: "run-00000004", savedQueryId: saved.id });
    const after = await getSavedQuery(a, saved.id);
    expect(after.lastRunRows).toBe(100000n);
    expect(after.lastRunAt).not.toBeNull();
    await expect(runPreview(b, { sql: "select 1", database: "kakao_db", runId: "run-00000005", savedQueryId: saved.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(runPreview(a, { sql: "select nope from customers", database: "kakao_db", runId: "run-00000006", savedQueryId: saved.id })).rejects.toMatchObject({ code: "invalid_input" });
    expect((await getSavedQuery(a, saved.id)).lastError).toMatch(/nope/);
  });

  it("saves, renames, refuses duplicates per user, hides others' queries, deletes", async () => {
    const saved = await saveQuery(a, { name: "q", database: "kakao_db", sql: "select 1" });
    await expect(saveQuery(a, { name: "q", database: "kakao_db", sql: "select 2" })).rejects.toMatchObject({ code: "conflict", fieldErrors: { name: expect.any(String) } });
    expect((await saveQuery(b, { name: "q", database: "kakao_db", sql: "select 2" })).name).toBe("q");
    expect((await saveQuery(a, { id: saved.id, name: "q2", database: "kakao_db", sql: "select 3" })).name).toBe("q2");
    await expect(saveQuery(b, { id: saved.id, name: "mine now", database: "kakao_db", sql: "select 1" })).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteSavedQuery(b, saved.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await listSavedQueries(a)).map((q) => q.name)).toEqual(["q2"]);
    expect((await listSavedQueries({ ...b, role: "admin" })).map((q) => q.name).sort()).toEqual(["q", "q2"]);
    await deleteSavedQuery(a, saved.id);
    expect(await db.savedQuery.count()).toBe(1);
  });

  it("keeps a scheduled query's export: removing it is refused until the schedule is None", async () => {
    const saved = await saveQuery(a, { name: "sched", database: "kakao_db", sql: "select adid from customers" });
    await db.savedQuery.update({ where: { id: saved.id }, data: { scheduleCron: "@daily" } });
    await expect(saveQuery(a, { id: saved.id, name: "sched", database: "kakao_db", sql: "select 1", exportSettings: null })).rejects.toMatchObject({ code: "conflict" });
    expect((await getSavedQuery(a, saved.id)).sql).toBe("select adid from customers");
    expect((await saveQuery(a, { id: saved.id, name: "sched", database: "kakao_db", sql: "select 2" })).sql).toBe("select 2");
  });

  it("validates names, databases and SQL with the field named", () => {
    const bad = saveQuerySchema.safeParse({ name: "", database: "Not A Name", sql: "" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(["name", "database", "sql"]);
  });

  it("Cancel stops the running query on the server, and only its owner can cancel it", async () => {
    let settled = false;
    const running = runPreview(a, { sql: "select pg_sleep(30)", database: "kakao_db", runId: "run-sleeper1" }).then(
      () => ((settled = true), null),
      (e) => ((settled = true), e),
    );
    await new Promise((r) => setTimeout(r, 500));
    await cancelRun(b, "run-sleeper1"); // another user's cancel names another engine query: no effect
    await new Promise((r) => setTimeout(r, 700));
    expect(settled).toBe(false);
    const started = Date.now();
    await cancelRun(a, "run-sleeper1");
    const error = await running;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ reason: "cancelled" });
  });
});
