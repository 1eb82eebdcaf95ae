/**
 * The warehouse's admin connection: `WAREHOUSE_DATABASE_URL` (a separate database from the app's,
 * reached with `pg`, not Prisma). Admin work — creating databases, imports, cancelling queries —
 * goes through this pool; user queries never do (they run as the sandbox role, lib/engine).
 */
import pg from "pg";
import { env } from "@/lib/env";

let pool: pg.Pool | undefined;
let poolUrl: string | undefined;

export function warehouseAdminUrl(): string {
  const url = env().WAREHOUSE_DATABASE_URL ?? process.env.WAREHOUSE_DATABASE_URL;
  if (!url) throw new Error("WAREHOUSE_DATABASE_URL is not set: start the product with `npm start`, which provides it");
  return url;
}

/** Name of the warehouse database (the path of its URL). */
export function warehouseDatabaseName(url: string = warehouseAdminUrl()): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** The admin pool (created on first use, so importing this module needs no database). */
export function warehousePool(): pg.Pool {
  const url = warehouseAdminUrl();
  if (!pool || poolUrl !== url) {
    void pool?.end().catch(() => {});
    pool = new pg.Pool({ connectionString: url, max: 8, idleTimeoutMillis: 10_000, allowExitOnIdle: true, application_name: "kakao-hub-admin" });
    // An idle client that loses its server (restart, terminate) must not crash the process.
    pool.on("error", () => {});
    poolUrl = url;
  }
  return pool;
}

/** Run `fn` with one admin client, released afterwards (destroyed when `fn` failed mid-protocol). */
export async function withWarehouseClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await warehousePool().connect();
  let broken = false;
  try {
    return await fn(client);
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Run `fn` in one admin transaction (rolled back when it throws). */
export async function inWarehouseTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withWarehouseClient(async (client) => {
    await client.query("begin");
    try {
      const result = await fn(client);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => {});
      throw error;
    }
  });
}

export async function closeWarehousePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  poolUrl = undefined;
  await p?.end();
}
