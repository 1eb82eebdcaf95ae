import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresEngine } from "@/lib/engine/postgres";
import { AppError } from "@/lib/errors";
import { prepareWarehouse } from "@/lib/warehouse/bootstrap";
import { closeWarehousePool, warehouseAdminUrl } from "@/lib/warehouse/connection";
import { createDatabase, createTable, deleteDatabase, deleteTable, getDatabase, getTable, listDatabases, listTables } from "@/lib/warehouse/databases";
import { SAMPLE_CUSTOMERS, SAMPLE_DEVICES } from "@/lib/warehouse/seed";
import { sandboxCredentials, sandboxRoleName } from "@/lib/warehouse/sandbox";
import { adminQuery, prepareTestWarehouse } from "@/lib/warehouse/testing";

const engine = new PostgresEngine();

beforeAll(async () => {
  await prepareTestWarehouse();
});

afterAll(async () => {
  await engine.close();
  await closeWarehousePool();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the sample database", () => {
  it("customers holds exactly the documented ADIDs", async () => {
    const { rows } = await adminQuery(`
      with c as (select adid, btrim(adid) as t from kakao_db.customers),
           v as (select * from c where t ~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' and t <> '00000000-0000-0000-0000-000000000000')
      select (select count(*) from c)::int as rows,
             (select count(*) from c where adid is null)::int as null_adid,
             (select count(*) from c where adid = '')::int as empty_adid,
             (select count(*) from c where adid = '00000000-0000-0000-0000-000000000000')::int as zero_adid,
             (select count(*) from c where adid <> '' and t !~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')::int as malformed_adid,
             (select count(*) from v where t <> lower(t))::int as upper_case_adid,
             (select count(*) from v where adid <> t)::int as padded_adid,
             (select count(*) from v)::int as valid_adid,
             (select count(distinct t) from v)::int as distinct_valid_adid,
             (select count(*) - count(distinct adid) from c where adid ~ '^[0-9a-f-]{36}$' and adid <> '00000000-0000-0000-0000-000000000000')::int as duplicate_rows`);
    expect(rows[0]).toEqual({
      rows: SAMPLE_CUSTOMERS.rows,
      null_adid: SAMPLE_CUSTOMERS.nullAdid,
      empty_adid: SAMPLE_CUSTOMERS.emptyAdid,
      zero_adid: SAMPLE_CUSTOMERS.zeroAdid,
      malformed_adid: SAMPLE_CUSTOMERS.malformedAdid,
      upper_case_adid: SAMPLE_CUSTOMERS.upperCaseAdid,
      padded_adid: SAMPLE_CUSTOMERS.paddedAdid,
      valid_adid: SAMPLE_CUSTOMERS.validAdid,
      distinct_valid_adid: SAMPLE_CUSTOMERS.distinctValidAdid,
      duplicate_rows: SAMPLE_CUSTOMERS.duplicateRows,
    });
  });

  it("the other columns are realistic, and every install gets exactly the same rows", async () => {
    const { rows } = await adminQuery(`
      select count(distinct gender)::int as genders, min(age) as min_age, max(age) as max_age, count(distinct country)::int as countries,
             count(*) filter (where app_installed)::int as installed, count(*) filter (where last_purchase_at is null)::int as never_bought,
             md5(string_agg(concat_ws(',', adid, gender, age, country, app_installed, extract(epoch from last_purchase_at), ltv), '|' order by ctid)) as fingerprint
        from kakao_db.customers`);
    expect(rows[0]).toMatchObject({ genders: 3, min_age: 18, max_age: 70, countries: 6 });
    expect(rows[0].installed).toBeGreaterThan(55_000);
    expect(rows[0].never_bought).toBeGreaterThan(8_000);
    // The md5 of every row, in order: a change to the seed must be deliberate (and update the counts above).
    expect(rows[0].fingerprint).toBe("4f66a60c0db61333b3d595a415f417b5");
    const devices = await adminQuery(`
      select count(*)::int as n, count(distinct column_a)::int as d,
             md5(string_agg(concat_ws(',', column_a, platform, model, os_version, extract(epoch from first_seen_at)), '|' order by ctid)) as fingerprint
        from kakao_db.devices`);
    expect(devices.rows[0]).toEqual({ n: SAMPLE_DEVICES.rows, d: SAMPLE_DEVICES.distinctColumnA, fingerprint: "b862a0ae0481765c61979443ff4498e9" });
  });

  it("is seeded on the first start only: deleted, it does not come back on restart", async () => {
    await deleteDatabase("kakao_db");
    const prepared = await prepareWarehouse({ warehouseUrl: warehouseAdminUrl(), appDatabaseUrl: process.env.DATABASE_URL });
    expect(prepared.seeded).toBe(false);
    await expect(getDatabase("kakao_db")).rejects.toMatchObject({ code: "not_found" });
    await prepareTestWarehouse(); // the tests' helper puts it back
    expect((await getDatabase("kakao_db")).tableCount).toBe(2);
  });

  it("bootstrap is idempotent and keeps the sandbox password", async () => {
    const before = await sandboxCredentials();
    await prepareWarehouse({ warehouseUrl: warehouseAdminUrl(), appDatabaseUrl: process.env.DATABASE_URL });
    const { rows } = await adminQuery("select value from public._hub_meta where key = 'sandbox_password'");
    expect(rows[0].value).toBe(before.password);
    expect(before.role).toBe(sandboxRoleName(new URL(warehouseAdminUrl()).pathname.slice(1)));
    const role = await adminQuery("select rolsuper, rolcreaterole, rolcreatedb, rolinherit, rolcanlogin, rolconfig from pg_roles where rolname = $1", [before.role]);
    expect(role.rows[0]).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolinherit: false, rolcanlogin: true });
    expect(role.rows[0].rolconfig).toEqual(expect.arrayContaining(["default_transaction_read_only=on", "statement_timeout=10min"]));
  });

  it("role names stay valid identifiers", () => {
    expect(sandboxRoleName("kakao_warehouse")).toBe("kakao_warehouse_sandbox");
    const long = sandboxRoleName("w".repeat(70));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^hub_w+_[0-9a-f]{8}_sandbox$/);
  });
});

describe("databases", () => {
  it("create, list, delete", async () => {
    await deleteDatabase("analytics").catch(() => {});
    expect(await createDatabase("analytics")).toEqual({ name: "analytics", tableCount: 0, sizeBytes: 0 });
    expect((await listDatabases()).map((d) => d.name)).toEqual(expect.arrayContaining(["analytics", "kakao_db"]));
    const duplicate = await rejection(createDatabase("analytics"));
    expect(duplicate).toMatchObject({ code: "conflict", message: "Database analytics already exists" });
    await createTable("analytics", "visits", [{ name: "adid", type: "text" }]);
    expect(await deleteDatabase("analytics")).toEqual({ tablesDropped: 1 });
    expect((await listDatabases()).map((d) => d.name)).not.toContain("analytics");
    expect(await rejection(deleteDatabase("analytics"))).toMatchObject({ code: "not_found", message: "Database analytics does not exist" });
  });

  it("names must be identifiers, and reserved ones are refused", async () => {
    const cases: [string, RegExp][] = [
      ["Analytics", /^Database name "Analytics" is not valid: use lower-case letters, digits and underscores, starting with a letter$/],
      ["1st", /is not valid/],
      ["my-db", /is not valid/],
      ["my db", /is not valid/],
      ["x; drop schema kakao_db cascade", /is not valid/],
      ["", /^Database name is empty$/],
      ["a".repeat(64), /is longer than 63 characters/],
      ["public", /^Database name "public" is reserved by PostgreSQL; choose another name$/],
      ["pg_temp", /reserved by PostgreSQL/],
      ["information_schema", /reserved by PostgreSQL/],
      ["select", /reserved SQL word/],
    ];
    for (const [name, message] of cases) {
      const error = await rejection(createDatabase(name));
      expect(error.code).toBe("invalid_input");
      expect(error.message).toMatch(message);
    }
    for (const name of ["public", "pg_catalog", "information_schema", "_hub"]) {
      expect(await rejection(deleteDatabase(name))).toMatchObject({ code: "not_found" });
    }
    expect((await listDatabases()).map((d) => d.name)).not.toEqual(expect.arrayContaining(["public"]));
  });

  it("tables are listed with row counts, sizes, columns and types", async () => {
    const tables = await listTables("kakao_db");
    expect(tables.map((t) => t.name)).toEqual(["customers", "devices"]);
    const [customers, devices] = tables;
    expect(customers).toMatchObject({ database: "kakao_db", name: "customers", kind: "table", rowCount: 100_000, rowCountExact: true });
    expect(customers!.sizeBytes).toBeGreaterThan(5_000_000);
    expect(customers!.columns).toEqual([
      { name: "adid", type: "text", nullable: true },
      { name: "gender", type: "text", nullable: true },
      { name: "age", type: "integer", nullable: true },
      { name: "country", type: "text", nullable: true },
      { name: "app_installed", type: "boolean", nullable: true },
      { name: "last_purchase_at", type: "timestamp with time zone", nullable: true },
      { name: "ltv", type: "numeric(12,2)", nullable: true },
    ]);
    expect(devices).toMatchObject({ rowCount: 10_000, columns: expect.arrayContaining([{ name: "column_a", type: "text", nullable: true }]) });
    expect(await rejection(listTables("nope"))).toMatchObject({ code: "not_found", message: "Database nope does not exist" });
  });

  it("create and delete a table; the sandbox can read tables of new databases", async () => {
    await deleteDatabase("crm").catch(() => {});
    await createDatabase("crm");
    const table = await createTable("crm", "people", [
      { name: "adid", type: "uuid" },
      { name: "score", type: "numeric" },
    ]);
    expect(table).toMatchObject({ name: "people", rowCount: 0, columns: [{ name: "adid", type: "uuid" }, { name: "score", type: "numeric" }] });
    await adminQuery("insert into crm.people values ('6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01', 1)");
    const preview = await engine.preview("select * from people", { database: "crm", timeoutMs: 10_000 });
    expect(preview.rows).toEqual([["6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01", "1"]]);
    expect(await rejection(createTable("crm", "people", [{ name: "a", type: "text" }]))).toMatchObject({ code: "conflict", message: "Table crm.people already exists" });
    expect(await rejection(createTable("crm", "Bad", [{ name: "a", type: "text" }]))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(createTable("crm", "t", [{ name: "a", type: "text" }, { name: "a", type: "text" }]))).toMatchObject({ message: "Column a appears twice" });
    await deleteTable("crm", "people");
    expect(await rejection(getTable("crm", "people"))).toMatchObject({ code: "not_found", message: "Table crm.people does not exist" });
    expect(await rejection(deleteTable("crm", "people"))).toMatchObject({ code: "not_found" });
    await deleteDatabase("crm");
  });

  it("a table a running query reads cannot be dropped under it: a clear conflict", async () => {
    await deleteDatabase("busy").catch(() => {});
    await createDatabase("busy");
    await createTable("busy", "t", [{ name: "a", type: "integer" }]);
    const running = engine.preview("select a, pg_sleep(8) from t union all select 1, pg_sleep(8)", { database: "busy", timeoutMs: 20_000, queryId: "holds-lock" });
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const error = await rejection(deleteTable("busy", "t"));
    expect(Date.now() - started).toBeLessThan(8000);
    expect(error).toMatchObject({ code: "conflict", message: "Table busy.t is being read by a running query or export; try again when it has finished (or cancel it)" });
    await engine.cancel("holds-lock");
    await running.catch(() => {});
    await deleteDatabase("busy");
  });
});
