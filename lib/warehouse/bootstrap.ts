/**
 * Warehouse bootstrap, run by `npm start` after the app's migrations (and by tests): the hub's
 * metadata table, the sandbox role and its grants, the lock-down of what every role may do in the
 * warehouse, and the sample database on the very first start. Idempotent; serialised with an
 * advisory lock so two starting processes cannot interleave.
 *
 * Needs the WAREHOUSE_DATABASE_URL user to be a superuser (as in the embedded mode) or to own the
 * warehouse database and have CREATEROLE.
 *
 * Tenancy: the deployment is one Treasure Data account, so databases (schemas) are shared by all
 * of its users, as in Treasure Data; what a query can never reach is the app's own database
 * (users, tokens, jobs), which is another database the sandbox role may not even connect to.
 *
 * Sample data: `kakao_db` is seeded on the very first start only (recorded in `_hub_meta` as
 * `sample_seeded_at`). A user who deletes it does not get it back on restart; an existing schema
 * of that name is never touched.
 */
import crypto from "node:crypto";
import pg from "pg";
import { isReservedSchema, quoteIdent } from "@/lib/warehouse/names";
import { warehouseDatabaseName } from "@/lib/warehouse/connection";
import { META_TABLE, grantSandboxRead, sandboxRoleName } from "@/lib/warehouse/sandbox";
import { SAMPLE_DATABASE, seedSampleDatabase } from "@/lib/warehouse/seed";

export interface PrepareWarehouseOptions {
  /** Admin URL of the warehouse database. */
  warehouseUrl: string;
  /** The app's database: when it is on the same server, the sandbox role loses CONNECT on it. */
  appDatabaseUrl?: string;
  log?: (line: string) => void;
  /** Seed `kakao_db` on the first start (default true). */
  seedSample?: boolean;
}

export interface PreparedWarehouse {
  sandboxRole: string;
  /** Whether this call created the sample database. */
  seeded: boolean;
}

/**
 * Functions every role may call by default that a workbench query must not: seeing or stopping
 * other sessions' queries, and `set_config` (with it a query could lift its own statement timeout
 * for the rest of its transaction; the engine never needs it, it uses SET LOCAL).
 */
const SANDBOX_DENIED_FUNCTIONS = ["pg_cancel_backend", "pg_terminate_backend", "pg_stat_get_activity", "set_config"];
/** Extensions that reach other databases or files; when installed, their functions are the admin's only. */
const OUTSIDE_EXTENSIONS = ["dblink", "postgres_fdw", "file_fdw"];

export async function prepareWarehouse(opts: PrepareWarehouseOptions): Promise<PreparedWarehouse> {
  const log = opts.log ?? (() => {});
  const client = new pg.Client({ connectionString: opts.warehouseUrl, application_name: "kakao-hub-bootstrap" });
  await client.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock(hashtext('kakao-hub:warehouse-bootstrap'))");
    await client.query(`create table if not exists ${META_TABLE} (key text primary key, value text not null, updated_at timestamptz not null default now())`);
    await client.query(`revoke all on ${META_TABLE} from public`);
    const meta = new Map((await client.query<{ key: string; value: string }>(`select key, value from ${META_TABLE}`)).rows.map((r) => [r.key, r.value]));

    const database = warehouseDatabaseName(opts.warehouseUrl);
    const role = sandboxRoleName(database);
    const r = quoteIdent(role);
    let password = meta.get("sandbox_password");
    if (!password) {
      password = crypto.randomBytes(24).toString("base64url");
      await client.query(`insert into ${META_TABLE} (key, value) values ('sandbox_password', $1), ('sandbox_role', $2) on conflict (key) do update set value = excluded.value, updated_at = now()`, [password, role]);
    }
    const exists = (await client.query("select 1 from pg_roles where rolname = $1", [role])).rowCount;
    const attributes = "login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls connection limit 50";
    await client.query(`${exists ? "alter" : "create"} role ${r} with ${attributes} password ${literal(password)}`);
    if (!exists) log(`warehouse: created the sandbox role ${role}`);
    // The role must not inherit anything, whoever granted it what.
    const memberships = await client.query<{ name: string }>(
      "select g.rolname as name from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = $1",
      [role],
    );
    for (const { name } of memberships.rows) await client.query(`revoke ${quoteIdent(name)} from ${r}`);
    await client.query(`alter role ${r} set default_transaction_read_only = on`);
    await client.query(`alter role ${r} set statement_timeout = '10min'`);
    await client.query(`alter role ${r} set idle_in_transaction_session_timeout = '30min'`);
    // A runaway sort or hash must not fill the disk (only a superuser may set this limit).
    if ((await client.query("select rolsuper from pg_roles where rolname = current_user")).rows[0]?.rolsuper) {
      await client.query(`alter role ${r} set temp_file_limit = '20GB'`);
    }

    // In the warehouse: no temp tables, nothing in public, no peeking at or stopping other sessions.
    const db = quoteIdent(database);
    await client.query(`revoke temporary on database ${db} from public`);
    await client.query(`revoke all on database ${db} from ${r}`);
    await client.query(`grant connect on database ${db} to ${r}`);
    await client.query("revoke all on schema public from public");
    await client.query("revoke select on pg_catalog.pg_stat_activity from public");
    const functions = await client.query<{ signature: string }>(
      `select p.oid::regprocedure::text as signature from pg_proc p
        where (p.pronamespace = 'pg_catalog'::regnamespace and p.proname = any($1))
           or p.oid in (select d.objid from pg_depend d join pg_extension e on e.oid = d.refobjid
                         where d.classid = 'pg_proc'::regclass and d.deptype = 'e' and e.extname = any($2))`,
      [SANDBOX_DENIED_FUNCTIONS, OUTSIDE_EXTENSIONS],
    );
    for (const { signature } of functions.rows) {
      await client.query(`revoke execute on function ${signature} from public`);
      await client.query(`revoke execute on function ${signature} from ${r}`);
    }

    // Read access to every data schema (databases created outside the hub included).
    const schemas = await client.query<{ name: string }>("select nspname as name from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema'");
    for (const { name } of schemas.rows) if (!isReservedSchema(name)) await grantSandboxRead(client, name, role);

    await revokeAppDatabase(client, opts, role);

    let seeded = false;
    if (opts.seedSample !== false && !meta.has("sample_seeded_at")) {
      const present = (await client.query("select 1 from pg_namespace where nspname = $1", [SAMPLE_DATABASE])).rowCount;
      if (!present) {
        log(`warehouse: seeding the sample database ${SAMPLE_DATABASE}…`);
        await seedSampleDatabase(client);
        await grantSandboxRead(client, SAMPLE_DATABASE, role);
        seeded = true;
      }
      await client.query(`insert into ${META_TABLE} (key, value) values ('sample_seeded_at', now()::text) on conflict (key) do nothing`);
    }
    await client.query("commit");
    return { sandboxRole: role, seeded };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw new Error(`Preparing the warehouse failed: ${(error as Error).message} (the WAREHOUSE_DATABASE_URL user must be a superuser, or own the warehouse database and have CREATEROLE)`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * When the app's database lives on the same server, take CONNECT on it away from PUBLIC (keeping it
 * for the app's own user) so the sandbox role cannot even open a session there.
 */
async function revokeAppDatabase(client: pg.Client, opts: PrepareWarehouseOptions, role: string): Promise<void> {
  if (!opts.appDatabaseUrl) return;
  const app = new URL(opts.appDatabaseUrl);
  const warehouse = new URL(opts.warehouseUrl);
  const host = (u: URL) => `${u.hostname === "localhost" || u.hostname === "::1" || u.hostname === "[::1]" ? "127.0.0.1" : u.hostname}:${u.port || "5432"}`;
  if (host(app) !== host(warehouse)) return;
  const appDatabase = decodeURIComponent(app.pathname.replace(/^\//, ""));
  if (!(await client.query("select 1 from pg_database where datname = $1", [appDatabase])).rowCount) return;
  const appUser = decodeURIComponent(app.username || "");
  const d = quoteIdent(appDatabase);
  if (appUser && (await client.query("select 1 from pg_roles where rolname = $1", [appUser])).rowCount) {
    await client.query(`grant connect on database ${d} to ${quoteIdent(appUser)}`);
  }
  await client.query(`revoke connect on database ${d} from public`);
  await client.query(`revoke all on database ${d} from ${quoteIdent(role)}`);
}

/** A SQL string literal (passwords are base64url; quoting is still done properly). */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
