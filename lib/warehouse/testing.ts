/**
 * Test helpers for the warehouse (integration tests against the PostgreSQL of test/global-setup.ts).
 */
import pg from "pg";
import { prepareWarehouse } from "@/lib/warehouse/bootstrap";
import { warehouseAdminUrl, withWarehouseClient } from "@/lib/warehouse/connection";
import { grantSandboxRead, sandboxCredentials } from "@/lib/warehouse/sandbox";
import { SAMPLE_DATABASE, seedSampleDatabase } from "@/lib/warehouse/seed";

/** Prepare the test warehouse as `npm start` does, and put `kakao_db` back if a test deleted it. */
export async function prepareTestWarehouse(): Promise<void> {
  const prepared = await prepareWarehouse({ warehouseUrl: warehouseAdminUrl(), appDatabaseUrl: process.env.DATABASE_URL });
  await withWarehouseClient(async (client) => {
    if ((await client.query("select 1 from pg_namespace where nspname = $1", [SAMPLE_DATABASE])).rowCount) return;
    await client.query("begin");
    await seedSampleDatabase(client);
    await grantSandboxRead(client, SAMPLE_DATABASE, prepared.sandboxRole);
    await client.query("commit");
  });
}

/** A raw connection as the sandbox role (to prove what the role itself may do, without the engine's guards). */
export async function sandboxClient(database?: string): Promise<pg.Client> {
  const { url } = await sandboxCredentials();
  const u = new URL(url);
  if (database) u.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: u.toString() });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Run one statement as the warehouse admin. */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  return withWarehouseClient((client) => client.query<T>(sql, params));
}
