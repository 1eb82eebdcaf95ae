/**
 * The sandbox role user queries run as. One LOGIN role per warehouse database
 * (`<warehouse>_sandbox`), created by prepareWarehouse() as the warehouse admin:
 * - no attributes (not superuser, no CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS), member of no role;
 * - `default_transaction_read_only = on` and a 10-minute `statement_timeout` as role defaults (the
 *   engine also opens every query with `BEGIN READ ONLY` and its own timeout);
 * - USAGE + SELECT on the data schemas (the TD databases) only: nothing in `public` (where the
 *   hub's `_hub_meta` lives), no TEMP, no CREATE anywhere;
 * - its password is random, kept in `public._hub_meta` (readable by the admin only), so every process
 *   that has WAREHOUSE_DATABASE_URL can connect as it and nothing has to be configured.
 * A real separate login role is used rather than `SET ROLE` on an admin connection, because a query
 * could `RESET ROLE` its way back to the admin.
 */
import crypto from "node:crypto";
import pg from "pg";
import { quoteIdent } from "@/lib/warehouse/names";
import { warehouseAdminUrl, warehouseDatabaseName } from "@/lib/warehouse/connection";

export const META_TABLE = "public._hub_meta";

/** `<warehouse database>_sandbox`, kept a plain identifier of at most 63 bytes. */
export function sandboxRoleName(warehouseDatabase: string): string {
  const base = warehouseDatabase.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const name = `${base}_sandbox`;
  if (name.length <= 63 && /^[a-z_]/.test(name)) return name;
  const hash = crypto.createHash("sha256").update(warehouseDatabase).digest("hex").slice(0, 8);
  return `hub_${base.slice(0, 40)}_${hash}_sandbox`;
}

export interface SandboxCredentials {
  role: string;
  password: string;
  /** The warehouse URL with the sandbox role's user and password. */
  url: string;
}

const cache = new Map<string, SandboxCredentials>();

/** Connection details of the sandbox role, read once per process from the warehouse's `_hub_meta`. */
export async function sandboxCredentials(adminUrl: string = warehouseAdminUrl()): Promise<SandboxCredentials> {
  const cached = cache.get(adminUrl);
  if (cached) return cached;
  const client = new pg.Client({ connectionString: adminUrl, application_name: "kakao-hub-admin" });
  await client.connect();
  let password: string | undefined;
  try {
    // A missing _hub_meta table (warehouse never prepared) reads as "no password".
    const { rows } = await client
      .query<{ value: string }>(`select value from ${META_TABLE} where key = 'sandbox_password'`)
      .catch(() => ({ rows: [] as { value: string }[] }));
    password = rows[0]?.value;
  } finally {
    await client.end().catch(() => {});
  }
  if (!password) throw new Error("The warehouse is not prepared (no sandbox role yet): start the product with `npm start`, which prepares it");
  const role = sandboxRoleName(warehouseDatabaseName(adminUrl));
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  const credentials = { role, password, url: url.toString() };
  cache.set(adminUrl, credentials);
  return credentials;
}

/** Forget cached credentials (tests that recreate the role). */
export function forgetSandboxCredentials(): void {
  cache.clear();
}

/** Let the sandbox read one data schema: its tables now and the ones the admin creates later. */
export async function grantSandboxRead(client: pg.ClientBase, schema: string, role: string): Promise<void> {
  const s = quoteIdent(schema);
  const r = quoteIdent(role);
  await client.query(`grant usage on schema ${s} to ${r}`);
  await client.query(`grant select on all tables in schema ${s} to ${r}`);
  await client.query(`alter default privileges in schema ${s} grant select on tables to ${r}`);
}
