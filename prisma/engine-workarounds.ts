/**
 * Workarounds that let the Prisma 6.19 CLI (migrate dev/deploy/diff) run on its WebAssembly
 * engines through the pg driver adapter, so no native engine is ever downloaded.
 * Delete each piece when upstream fixes it. Only the CLI uses this module; the app's runtime
 * client (lib/db.ts) needs none of it.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

/** The adapter needs separate fields: with a connection string, `migrate dev`'s shadow
 *  database lands on the main database (P3006). */
function poolConfig(databaseUrl: string, database?: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? decodeURIComponent(url.pathname.slice(1)),
    // The wasm engine leaves the process waiting on idle connections; let it exit.
    allowExitOnIdle: true,
    idleTimeoutMillis: 1000,
    Client: NameAsTextClient,
  };
}

/**
 * prisma/orm#27403: introspection through the adapter cannot deserialize PostgreSQL's
 * `name` (OID 19) and `"char"` (OID 18) columns ("Column type 'name' could not be
 * deserialized"). Both arrive as plain strings from pg, so report them as text (OID 25).
 */
class NameAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      args[last] = (err: Error | null, res: any) => callback(err, err ? res : reportAsText(res));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    return result && typeof result.then === "function" ? result.then(reportAsText) : result;
  }
}

function reportAsText(res: pg.QueryResult | undefined) {
  for (const field of res?.fields ?? []) {
    if (field.dataTypeID === 19 || field.dataTypeID === 18) field.dataTypeID = 25;
  }
  return res;
}

/**
 * adapter-pg 6.19 drops the shadow database while its own pool still holds a connection
 * ("being accessed by other users"). Close the pool first, then DROP ... WITH (FORCE).
 */
class ShadowSafePrismaPg extends PrismaPg {
  constructor(private readonly databaseUrl: string) {
    super(poolConfig(databaseUrl));
  }
  override async connectToShadowDb() {
    const admin = new pg.Client(poolConfig(this.databaseUrl));
    await admin.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const adapter = await new PrismaPg(poolConfig(this.databaseUrl, database)).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const dropper = new pg.Client(poolConfig(this.databaseUrl));
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await dropper.end();
    };
    return adapter;
  }
}

export async function migrationAdapter() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must be set for Prisma CLI commands (npm run prisma -- ...)");
  return new ShadowSafePrismaPg(url);
}
