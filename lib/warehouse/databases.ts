/**
 * Databases and tables of the warehouse. A Treasure Data "database" is a PostgreSQL schema in the
 * warehouse database; the schemas PostgreSQL and the hub keep for themselves (`public`, `pg_*`,
 * `information_schema`, `_*`) are never listed. Databases are shared by everyone in the deployment
 * (one TD account), as in Treasure Data.
 */
import type pg from "pg";
import { AppError } from "@/lib/errors";
import { inWarehouseTransaction, warehouseDatabaseName, withWarehouseClient } from "@/lib/warehouse/connection";
import { assertName, isReservedSchema, qualified, quoteIdent } from "@/lib/warehouse/names";
import { grantSandboxRead, sandboxRoleName } from "@/lib/warehouse/sandbox";
import { IMPORT_TYPE_SQL, type ImportColumnType } from "@/lib/warehouse/csv/types";

export interface WarehouseDatabase {
  name: string;
  tableCount: number;
  sizeBytes: number;
}

export interface WarehouseColumn {
  name: string;
  /** `format_type` name: `text`, `integer`, `numeric(12,2)`, `timestamp with time zone`, … */
  type: string;
  nullable: boolean;
}

export interface WarehouseTable {
  database: string;
  name: string;
  kind: "table" | "view" | "materialized view" | "foreign table";
  /** Exact for tables up to ROW_COUNT_EXACT_LIMIT rows (or counted within the time limit), PostgreSQL's estimate above; null when unknown. */
  rowCount: number | null;
  rowCountExact: boolean;
  /** Table, indexes and TOAST, in bytes. */
  sizeBytes: number;
  columns: WarehouseColumn[];
}

/** Tables estimated at up to this many rows are counted exactly when listed. */
export const ROW_COUNT_EXACT_LIMIT = 1_000_000;
const COUNT_TIMEOUT_MS = 3000;
/** How long a DROP waits for a running query that reads the table before giving up. */
const LOCK_TIMEOUT = "5s";

const KINDS: Record<string, WarehouseTable["kind"]> = { r: "table", p: "table", v: "view", m: "materialized view", f: "foreign table" };

const DATABASES_SQL = `
  select n.nspname as name,
         count(c.oid) filter (where c.relkind in ('r', 'p', 'v', 'm', 'f'))::int as table_count,
         coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relkind in ('r', 'm')), 0)::bigint as size_bytes
    from pg_namespace n
    left join pg_class c on c.relnamespace = n.oid
   where n.nspname !~ '^(pg_|_)' and n.nspname not in ('public', 'information_schema')
   group by n.nspname`;

export async function listDatabases(): Promise<WarehouseDatabase[]> {
  return withWarehouseClient(async (client) => {
    const { rows } = await client.query<{ name: string; table_count: number; size_bytes: string }>(`${DATABASES_SQL} order by n.nspname`);
    return rows.map(toDatabase);
  });
}

export async function getDatabase(name: string): Promise<WarehouseDatabase> {
  return withWarehouseClient((client) => findDatabase(client, name));
}

export async function createDatabase(name: string): Promise<WarehouseDatabase> {
  assertName("database", name);
  return inWarehouseTransaction(async (client) => {
    try {
      await client.query(`create schema ${quoteIdent(name)}`);
    } catch (error) {
      if ((error as { code?: string }).code === "42P06") throw new AppError("conflict", `Database ${name} already exists`, { database: `Database ${name} already exists` });
      throw error;
    }
    await grantSandboxRead(client, name, sandboxRoleName(warehouseDatabaseName()));
    return { name, tableCount: 0, sizeBytes: 0 };
  });
}

/** Drop a database and every table in it. */
export async function deleteDatabase(name: string): Promise<{ tablesDropped: number }> {
  return inWarehouseTransaction(async (client) => {
    const database = await findDatabase(client, name);
    await client.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    try {
      await client.query(`drop schema ${quoteIdent(name)} cascade`);
    } catch (error) {
      throw inUse(error, `Database ${name}`);
    }
    return { tablesDropped: database.tableCount };
  });
}

export async function listTables(database: string): Promise<WarehouseTable[]> {
  return withWarehouseClient(async (client) => {
    await findDatabase(client, database);
    return tables(client, database);
  });
}

export async function getTable(database: string, table: string): Promise<WarehouseTable> {
  return withWarehouseClient(async (client) => {
    await findDatabase(client, database);
    const [found] = await tables(client, database, table);
    if (!found) throw new AppError("not_found", `Table ${database}.${table} does not exist`);
    return found;
  });
}

/** Create an empty table (an import creates its own). */
export async function createTable(database: string, table: string, columns: { name: string; type: ImportColumnType }[]): Promise<WarehouseTable> {
  assertName("table", table);
  if (columns.length === 0) throw new AppError("invalid_input", "A table needs at least one column");
  const seen = new Set<string>();
  for (const column of columns) {
    assertName("column", column.name);
    if (seen.has(column.name)) throw new AppError("invalid_input", `Column ${column.name} appears twice`);
    seen.add(column.name);
    if (!(column.type in IMPORT_TYPE_SQL)) throw new AppError("invalid_input", `Column ${column.name}: unknown type ${JSON.stringify(column.type)}`);
  }
  await inWarehouseTransaction(async (client) => {
    await findDatabase(client, database);
    await createTableIn(client, database, table, columns);
  });
  return getTable(database, table);
}

export async function deleteTable(database: string, table: string): Promise<void> {
  await inWarehouseTransaction(async (client) => {
    await findDatabase(client, database);
    const { rows } = await client.query<{ relkind: string }>(
      "select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')",
      [database, table],
    );
    if (!rows[0]) throw new AppError("not_found", `Table ${database}.${table} does not exist`);
    const what = { r: "table", p: "table", v: "view", m: "materialized view", f: "foreign table" }[rows[0].relkind as "r"];
    await client.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    try {
      await client.query(`drop ${what} ${qualified(database, table)}`);
    } catch (error) {
      throw inUse(error, `Table ${database}.${table}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** CREATE TABLE with the sandbox's read grant, on the caller's client (and transaction). */
export async function createTableIn(client: pg.ClientBase, database: string, table: string, columns: { name: string; type: ImportColumnType }[]): Promise<void> {
  const list = columns.map((c) => `${quoteIdent(c.name)} ${IMPORT_TYPE_SQL[c.type]}`).join(", ");
  try {
    await client.query(`create table ${qualified(database, table)} (${list})`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "42P07" || code === "23505") throw new AppError("conflict", `Table ${database}.${table} already exists`, { table: `Table ${database}.${table} already exists` });
    throw error;
  }
  await client.query(`grant select on ${qualified(database, table)} to ${quoteIdent(sandboxRoleName(warehouseDatabaseName()))}`);
}

/** The database, or a not_found error (reserved schemas do not exist as far as users are concerned). */
export async function findDatabase(client: pg.ClientBase, name: string): Promise<WarehouseDatabase> {
  if (typeof name !== "string" || name === "" || isReservedSchema(name)) throw new AppError("not_found", `Database ${JSON.stringify(String(name))} does not exist`);
  const { rows } = await client.query<{ name: string; table_count: number; size_bytes: string }>(`${DATABASES_SQL.replace("group by", "and n.nspname = $1 group by")}`, [name]);
  if (!rows[0]) throw new AppError("not_found", `Database ${name} does not exist`, { database: `Database ${name} does not exist` });
  return toDatabase(rows[0]);
}

function toDatabase(row: { name: string; table_count: number; size_bytes: string }): WarehouseDatabase {
  return { name: row.name, tableCount: row.table_count, sizeBytes: Number(row.size_bytes) };
}

function inUse(error: unknown, what: string): unknown {
  if ((error as { code?: string }).code === "55P03") {
    return new AppError("conflict", `${what} is being read by a running query or export; try again when it has finished (or cancel it)`);
  }
  return error;
}

async function tables(client: pg.ClientBase, database: string, only?: string): Promise<WarehouseTable[]> {
  const { rows } = await client.query<{
    name: string;
    relkind: string;
    estimate: string;
    size_bytes: string;
    columns: { name: string; type: string; nullable: boolean }[] | null;
  }>(
    `select c.relname as name, c.relkind, c.reltuples::bigint as estimate,
            case when c.relkind in ('r', 'p', 'm') then pg_total_relation_size(c.oid) else 0 end as size_bytes,
            (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'nullable', not a.attnotnull) order by a.attnum)
               from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f') and ($2::text is null or c.relname = $2)
      order by c.relname`,
    [database, only ?? null],
  );
  const result: WarehouseTable[] = [];
  for (const row of rows) {
    const kind = KINDS[row.relkind]!;
    let rowCount: number | null = Number(row.estimate) >= 0 ? Number(row.estimate) : null;
    let rowCountExact = false;
    // Tables PostgreSQL has never analysed (-1) or estimates as small are counted exactly, within a time limit.
    if ((kind === "table" || kind === "materialized view") && (rowCount === null || rowCount <= ROW_COUNT_EXACT_LIMIT)) {
      try {
        await client.query("begin");
        await client.query(`set local statement_timeout = ${COUNT_TIMEOUT_MS}`);
        const counted = await client.query<{ n: string }>(`select count(*) as n from ${qualified(database, row.name)}`);
        await client.query("commit");
        rowCount = Number(counted.rows[0]!.n);
        rowCountExact = true;
      } catch {
        await client.query("rollback").catch(() => {});
      }
    }
    result.push({ database, name: row.name, kind, rowCount, rowCountExact, sizeBytes: Number(row.size_bytes), columns: row.columns ?? [] });
  }
  return result;
}
