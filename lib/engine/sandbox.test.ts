/**
 * The sandbox, proven against the real PostgreSQL: what a workbench query must never do fails with
 * a clear message, through the engine and — where the engine's own guards would stop it first — as
 * the sandbox role on a raw connection too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import pg from "pg";
import { PostgresEngine } from "@/lib/engine/postgres";
import { QueryError } from "@/lib/engine/errors";
import { closeWarehousePool } from "@/lib/warehouse/connection";
import { createDatabase, deleteDatabase } from "@/lib/warehouse/databases";
import { prepareWarehouse } from "@/lib/warehouse/bootstrap";
import { sandboxCredentials } from "@/lib/warehouse/sandbox";
import { adminQuery, prepareTestWarehouse, sandboxClient } from "@/lib/warehouse/testing";

const engine = new PostgresEngine();
const appDatabase = new URL(process.env.DATABASE_URL!).pathname.slice(1);

async function failure(sql: string, timeoutMs = 10_000): Promise<QueryError> {
  try {
    await engine.preview(sql, { database: "kakao_db", timeoutMs });
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return error as QueryError;
  }
  throw new Error(`expected ${JSON.stringify(sql)} to fail`);
}

/** What the sandbox role itself answers, with no lexer and no read-only transaction in front. */
async function asRole(...statements: string[]): Promise<string> {
  const client = await sandboxClient();
  try {
    for (const sql of statements) await client.query(sql);
    return "ok";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await prepareTestWarehouse();
});

afterAll(async () => {
  await engine.close();
  await closeWarehousePool();
});

describe("the app's database is out of reach", () => {
  it("a query cannot name another database", async () => {
    const error = await failure(`select * from ${appDatabase}.public.users`);
    expect(error.reason).toBe("invalid_query");
    expect(error.message).toMatch(/^Cross-database references are not implemented/);
    expect((await failure("select * from users")).message).toMatch(/^Relation "users" does not exist \(line 1, column 15\)/);
  });

  it("the sandbox role cannot even connect to the app database", async () => {
    await expect(sandboxClient(appDatabase)).rejects.toThrow(`permission denied for database "${appDatabase}"`);
  });

  it("dblink and postgres_fdw are not available, and cannot be installed", async () => {
    const error = await failure(`select * from dblink('dbname=${appDatabase}', 'select email from users') as t(email text)`);
    expect(error.message).toMatch(/^Function dblink\(unknown, unknown\) does not exist/);
    expect((await failure("create extension dblink")).reason).toBe("not_read_only");
    expect(await asRole("create extension dblink")).toMatch(/read-only transaction|permission denied/);
    expect(await asRole("begin read write", "create extension postgres_fdw schema kakao_db")).toMatch(/^permission denied to create extension "postgres_fdw"/);
  });

  it("when an admin installs dblink in the warehouse, its functions are still not the sandbox's", async () => {
    await createDatabase("ext_test");
    try {
      await adminQuery("create extension if not exists dblink schema ext_test");
      await prepareWarehouse({ warehouseUrl: process.env.WAREHOUSE_DATABASE_URL!, appDatabaseUrl: process.env.DATABASE_URL });
      const error = await failure(`select ext_test.dblink_connect('dbname=${appDatabase}')`);
      expect(error.reason).toBe("permission");
      expect(error.message).toBe("Not allowed in the workbench: permission denied for function dblink_connect.");
    } finally {
      await adminQuery("drop extension if exists dblink");
      await deleteDatabase("ext_test");
    }
  });

  it("the hub's own table in the warehouse (the sandbox password) is not readable", async () => {
    const error = await failure("select * from public._hub_meta");
    expect(error.message).toBe("Not allowed in the workbench: permission denied for schema public (line 1, column 15).");
  });
});

describe("writes are refused", () => {
  it("insert, create table, drop: refused before they reach the server", async () => {
    for (const [sql, word] of [
      ["insert into customers (adid) values ('x')", "INSERT"],
      ["create table t (a int)", "CREATE"],
      ["drop table customers", "DROP"],
      ["update customers set age = 1", "UPDATE"],
      ["delete from customers", "DELETE"],
      ["truncate customers", "TRUNCATE"],
    ]) {
      const error = await failure(sql!);
      expect(error.reason).toBe("not_read_only");
      expect(error.message).toBe(`Only read queries can run in the workbench (SELECT, WITH, VALUES or TABLE); this statement starts with ${word}.`);
    }
  });

  it("a write hidden in a read statement is stopped by the read-only transaction", async () => {
    const error = await failure("with gone as (delete from customers returning adid) select * from gone");
    expect(error.reason).toBe("not_read_only");
    expect(error.message).toBe("The workbench is read-only: DECLARE CURSOR must not contain data-modifying statements in WITH.");
    expect((await failure("select * from customers for update")).message).toMatch(/^The workbench is read-only: cannot execute SELECT FOR UPDATE in a read-only transaction/);
    expect((await failure("select nextval('x')")).message).toMatch(/does not exist|read-only/);
  });

  it("and the role itself may not write, even in a read-write transaction", async () => {
    expect(await asRole("begin read write; insert into kakao_db.customers (adid) values ('x')")).toBe("permission denied for table customers");
    expect(await asRole("begin read write; create table kakao_db.x (a int)")).toBe("permission denied for schema kakao_db");
    expect(await asRole("begin read write; drop table kakao_db.customers")).toBe("must be owner of table customers");
    expect(await asRole("begin read write; create temporary table t (a int)")).toMatch(/permission denied to create temporary tables/);
    expect(await asRole("begin read write; create schema evil")).toMatch(/permission denied for database/);
  });

  it("turning the read-only default off does not help", async () => {
    expect((await failure("set default_transaction_read_only = off")).reason).toBe("not_read_only");
    expect(await asRole("set default_transaction_read_only = off", "insert into kakao_db.customers (adid) values ('x')")).toBe("permission denied for table customers");
    // set_config is not the sandbox's either (it could lift its own timeout); the transaction is read-only regardless.
    const error = await failure("select set_config('transaction_read_only', 'off', true)");
    expect(error.message).toBe("Not allowed in the workbench: permission denied for function set_config.");
    expect((await failure("select * into stolen from customers")).message).toMatch(/^SELECT \.\.\. INTO is not allowed here|^Syntax error/);
  });
});

describe("no escalation", () => {
  it("set role / reset role / set session authorization", async () => {
    for (const sql of ["set role postgres", "reset role", "set session authorization postgres", "set local role postgres"]) {
      expect((await failure(sql)).reason).toBe("not_read_only");
    }
    expect((await failure("select set_config('role', 'postgres', false)")).message).toBe("Not allowed in the workbench: permission denied for function set_config.");
    expect((await failure("select set_config('session_authorization', 'postgres', false)")).reason).toBe("permission");
    expect(await asRole("set role postgres")).toBe('permission denied to set role "postgres"');
    expect(await asRole("set session authorization postgres")).toBe('permission denied to set session authorization "postgres"');
    expect(await asRole("reset role; select 1")).toBe("ok"); // resetting goes back to … the sandbox role itself
    const client = await sandboxClient();
    try {
      await client.query("reset role");
      const { rows } = await client.query("select current_user as u, session_user as s, (select rolsuper from pg_roles where rolname = current_user) as su");
      expect(rows[0]).toMatchObject({ su: false });
      expect(rows[0].u).toBe(rows[0].s);
    } finally {
      await client.end();
    }
  });

  it("password hashes are not readable", async () => {
    expect((await failure("select rolname, rolpassword from pg_authid")).message).toBe("Not allowed in the workbench: permission denied for table pg_authid.");
    expect((await failure("select usename, passwd from pg_shadow")).message).toBe("Not allowed in the workbench: permission denied for view pg_shadow.");
    const { rows } = await engine.preview("select rolpassword from pg_roles where rolname = 'postgres'", { database: "kakao_db", timeoutMs: 10_000 });
    expect(rows).toEqual([["********"]]);
  });

  it("no server files, no programs", async () => {
    for (const sql of ["select pg_read_file('pg_hba.conf')", "select * from pg_ls_dir('.')", "select lo_import('/etc/passwd')", "select pg_read_binary_file('postgresql.conf')", "select pg_stat_file('pg_hba.conf')"]) {
      const error = await failure(sql);
      expect(error.reason, sql).toBe("permission");
      expect(error.message).toMatch(/^Not allowed in the workbench: permission denied for function (pg_read_file|pg_ls_dir|lo_import|pg_read_binary_file|pg_stat_file)\.$/);
    }
    expect((await failure("copy (select 1) to program 'id'")).reason).toBe("not_read_only");
    expect(await asRole("copy (select 1) to program 'id'")).toMatch(/^permission denied to COPY to or from an external program/);
    expect(await asRole("copy kakao_db.customers to '/tmp/x.csv'")).toMatch(/^permission denied to COPY to a file/);
  });

  it("other sessions' queries can be neither seen nor stopped", async () => {
    expect((await failure("select query from pg_stat_activity")).message).toBe("Not allowed in the workbench: permission denied for view pg_stat_activity.");
    expect((await failure("select pg_cancel_backend(1)")).message).toBe("Not allowed in the workbench: permission denied for function pg_cancel_backend.");
    expect((await failure("select pg_terminate_backend(1)")).reason).toBe("permission");
  });
});

describe("one statement at a time", () => {
  it("two statements are refused with where the second starts", async () => {
    const error = await failure("select 1; select 2");
    expect(error.reason).toBe("multiple_statements");
    expect(error.message).toBe("Only one statement can run at a time: a second statement starts at line 1, column 11. Remove it, or run it separately.");
    expect((await failure("select 1;\ndrop table customers")).reason).toBe("multiple_statements");
  });

  it("semicolons in strings and comments, and a trailing one, are fine", async () => {
    const { rows } = await engine.preview("select ';' as a, $$;$$ as b -- ; drop table customers\n;", { database: "kakao_db", timeoutMs: 10_000 });
    expect(rows).toEqual([[";", ";"]]);
  });

  it("the server itself refuses a second statement in the extended protocol (the engine's second line of defence)", async () => {
    const client = await sandboxClient();
    try {
      await expect(client.query({ text: "select 1; select 2", queryMode: "extended" } as pg.QueryConfig)).rejects.toThrow("cannot insert multiple commands into a prepared statement");
    } finally {
      await client.end();
    }
  });
});

describe("time limits and cancel", () => {
  it("a query cannot lift its own time limit", async () => {
    const error = await failure("select set_config('statement_timeout', '0', true), pg_sleep(5)", 500);
    expect(error.reason).toBe("permission");
    const { role } = await sandboxCredentials();
    const config = await adminQuery<{ rolconfig: string[] }>("select rolconfig from pg_roles where rolname = $1", [role]);
    expect(config.rows[0]!.rolconfig).toEqual(expect.arrayContaining(["statement_timeout=10min", "default_transaction_read_only=on", "temp_file_limit=20GB"]));
  });

  it("a query past its timeout is stopped", async () => {
    const started = Date.now();
    const error = await failure("select pg_sleep(5)", 500);
    // Stopped by the 500 ms limit, not by the 5 s sleep ending.
    expect(Date.now() - started).toBeLessThan(4500);
    expect(error.reason).toBe("timeout");
    expect(error.message).toBe("The query ran longer than its time limit of 500 ms and was stopped.");
  });

  it("cancel stops a running pg_sleep", async () => {
    const running = engine.preview("select pg_sleep(30)", { database: "kakao_db", timeoutMs: 60_000, queryId: "cancel-me" });
    await waitForBackend("cancel-me");
    const started = Date.now();
    await engine.cancel("cancel-me");
    const error = await running.catch((e) => e);
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 30 s sleep / endless result: it was stopped
    expect(error).toBeInstanceOf(QueryError);
    expect(error.reason).toBe("cancelled");
    expect(error.message).toBe("The query was cancelled.");
    expect(await backendsOf("cancel-me")).toBe(0);
  });

  it("cancel works from another process (another engine instance finds it by its query id)", async () => {
    const queryId = `0a1b2c3d-${crypto.randomUUID()}`; // 45 characters, as the console makes them
    const running = engine.preview("select pg_sleep(30)", { database: "kakao_db", timeoutMs: 60_000, queryId });
    await waitForBackend(queryId);
    const other = new PostgresEngine();
    const started = Date.now();
    await other.cancel(queryId);
    const error = await running.catch((e) => e);
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 30 s sleep / endless result: it was stopped
    expect(error.reason).toBe("cancelled");
    await other.close();
  });

  it("an aborted signal cancels", async () => {
    const controller = new AbortController();
    const running = engine.preview("select pg_sleep(30)", { database: "kakao_db", timeoutMs: 60_000, queryId: "signal", signal: controller.signal });
    await waitForBackend("signal");
    controller.abort();
    const error = await running.catch((e) => e);
    expect(error.reason).toBe("cancelled");
  });
});

async function backendsOf(queryId: string): Promise<number> {
  const { rows } = await adminQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name = $1", [`hub-query:${queryId}`]);
  return rows[0]!.n;
}

async function waitForBackend(queryId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await adminQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name = $1 and state = 'active' and query like 'fetch%'", [`hub-query:${queryId}`]);
    if (rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`query ${queryId} never started`);
}
