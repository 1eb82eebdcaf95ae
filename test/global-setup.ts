/**
 * Vitest global setup: a real PostgreSQL for the integration tests — the embedded server from
 * npm on a free port with a throwaway data folder (or TEST_DATABASE_URL's server when set),
 * with the app database migrated exactly as `npm start` does it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { APP_DATABASE, WAREHOUSE_DATABASE, ensureDatabase, freePort, migrate, startEmbeddedPostgres, type EmbeddedServer } from "../lib/platform/postgres";


export default async function setup(_project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let dir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-test-pg-"));
    fs.chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: await freePort(), password: "test-password" });
    serverUrl = embedded.urlFor("postgres");
  }
  const suffix = `_test_${process.pid}`;
  const appUrl = new URL(serverUrl);
  appUrl.pathname = `/${APP_DATABASE}${suffix}`;
  const warehouseUrl = new URL(serverUrl);
  warehouseUrl.pathname = `/${WAREHOUSE_DATABASE}${suffix}`;
  await ensureDatabase(serverUrl, `${APP_DATABASE}${suffix}`);
  await ensureDatabase(serverUrl, `${WAREHOUSE_DATABASE}${suffix}`);
  await migrate(appUrl.toString());

  process.env.DATABASE_URL = appUrl.toString();
  process.env.WAREHOUSE_DATABASE_URL = warehouseUrl.toString();
  process.env.TEST_SERVER_URL = serverUrl;
  process.env.AUTH_SECRET = "test-auth-secret-test-auth-secret-0123456789";
  Object.assign(process.env, { NODE_ENV: "test" });

  return async () => {
    await embedded?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}
