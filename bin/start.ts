/**
 * `npm start`: the whole product from one command on a fresh machine.
 * PostgreSQL (embedded unless DATABASE_URL is set) → databases, migrations, admin seed →
 * Next build when sources changed → Kakao emulator (unless real Kakao hosts are configured),
 * job worker, Next server. Ctrl-C / SIGTERM stops all of it, PostgreSQL last.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ConfigError, assertRealKakaoApp, parseEnv, publicUrl, redactUrl, usesEmulator, type Env } from "@/lib/env";
import { loadLocalSecrets } from "@/lib/platform/secrets";
import { APP_DATABASE, WAREHOUSE_DATABASE, checkConnection, ensureDatabase, migrate, startEmbeddedPostgres, type EmbeddedServer } from "@/lib/platform/postgres";
import { buildIsCurrent, recordBuild, withBuildLock } from "@/lib/platform/build";
import { buildWorker, workerArgs, workerEnv } from "@/lib/worker/launch";
import { CALLBACK_PATH } from "@/lib/kakao/config";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const children: ChildProcess[] = [];
let embedded: EmbeddedServer | undefined;
let shuttingDown = false;

function say(line: string) {
  process.stdout.write(`[start] ${line}\n`);
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  say("stopping…");
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
  if (embedded) {
    await embedded.stop().catch((error) => say(`PostgreSQL did not stop cleanly: ${error.message}`));
    say("PostgreSQL stopped");
  }
  process.exit(code);
}

function launch(name: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line.replace(/^\[[a-z]+\] /, "")}\n`)
      .join("");
  child.stdout?.on("data", (chunk) => process.stdout.write(prefix(chunk)));
  child.stderr?.on("data", (chunk) => process.stderr.write(prefix(chunk)));
  child.on("exit", (code, signal) => {
    if (!shuttingDown) {
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function runOnce(args: string[], childEnv: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed with exit code ${code}`))));
  });
}

async function main() {
  const started = Date.now();
  let config: Env = parseEnv();
  assertRealKakaoApp();
  const dataDir = path.resolve(root, config.DATA_DIR);
  const secrets = loadLocalSecrets(dataDir);

  let databaseUrl = config.DATABASE_URL;
  let warehouseUrl = config.WAREHOUSE_DATABASE_URL;
  if (databaseUrl) {
    await checkConnection(databaseUrl, "DATABASE_URL");
  } else {
    say(`starting embedded PostgreSQL (data in ${path.relative(root, dataDir) || "."}/pg, port ${config.EMBEDDED_PG_PORT})`);
    embedded = await startEmbeddedPostgres({ dir: path.join(dataDir, "pg"), port: config.EMBEDDED_PG_PORT, password: secrets.embeddedPgPassword, notice: say });
    await ensureDatabase(embedded.urlFor("postgres"), APP_DATABASE);
    databaseUrl = embedded.urlFor(APP_DATABASE);
  }
  if (!warehouseUrl) {
    const url = new URL(databaseUrl);
    url.pathname = `/${WAREHOUSE_DATABASE}`;
    warehouseUrl = url.toString();
    await ensureDatabase(databaseUrl, WAREHOUSE_DATABASE);
  } else {
    await checkConnection(warehouseUrl, "WAREHOUSE_DATABASE_URL");
  }
  await migrate(databaseUrl, say);
  // Data Workbench: the warehouse's sandbox role, grants and (first start only) the kakao_db sample.
  const { prepareWarehouse } = await import("@/lib/warehouse/bootstrap");
  await prepareWarehouse({ warehouseUrl, appDatabaseUrl: databaseUrl, log: say });

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: dev ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    WAREHOUSE_DATABASE_URL: warehouseUrl,
    AUTH_SECRET: config.AUTH_SECRET ?? secrets.authSecret,
    TOKEN_ENCRYPTION_KEYS: config.TOKEN_ENCRYPTION_KEYS ?? secrets.tokenEncryptionKey,
    DATA_DIR: dataDir,
  };
  const emulated = usesEmulator(config);
  if (emulated) {
    const emulatorUrl = `http://127.0.0.1:${config.EMULATOR_PORT}`;
    Object.assign(childEnv, { KAKAO_AUTH_URL: emulatorUrl, KAKAO_API_URL: emulatorUrl, KAKAO_MOMENT_URL: emulatorUrl });
  }
  Object.assign(process.env, childEnv);
  config = parseEnv(process.env);

  // The admin seed uses the app's Prisma client, which reads the environment set just above.
  const { ensureAdmin } = await import("@/lib/users/users");
  const admin = await ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  if (config.SEED_API_KEY) {
    // For automation: the admin's v3 API / CLI key (`Authorization: TD1 <key>`), stored hashed.
    const { ensureSeedApiKey } = await import("@/lib/api-keys/keys");
    await ensureSeedApiKey(config.ADMIN_EMAIL, config.SEED_API_KEY);
  }

  const nextBin = path.join(root, "node_modules/next/dist/bin/next");
  if (!dev && !buildIsCurrent(root)) {
    // Two copies starting at once (e.g. the e2e suite's servers) must not build over each other.
    await withBuildLock(root, async () => {
      if (buildIsCurrent(root)) return;
      say("building the console (first start or sources changed)…");
      await runOnce([nextBin, "build"], { ...childEnv, NODE_ENV: "production" });
      recordBuild(root);
    });
  }

  if (emulated) {
    launch("emulator", ["--import", "tsx", path.join(root, "emulator/main.ts")], {
      ...childEnv,
      EMULATOR_PORT: String(config.EMULATOR_PORT),
      EMULATOR_DATA_DIR: path.join(dataDir, "emulator"),
      // The emulator's app must know this console's callback, whatever PORT/PUBLIC_URL say.
      EMULATOR_REDIRECT_URIS: `${publicUrl(config)}${CALLBACK_PATH}`,
    });
  }
  launch("worker", workerArgs(root, dev ? "tsx" : { bundle: await buildWorker(root) }), workerEnv(childEnv));
  launch("web", [nextBin, dev ? "dev" : "start", "--hostname", config.HOST, "--port", String(config.PORT)], childEnv);

  const url = publicUrl(config);
  await waitForHttp(`http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${config.PORT}/sign-in`, dev ? 180_000 : 60_000);
  say(`database: ${redactUrl(databaseUrl)}`);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s — open ${url}`);
  if (admin.generatedPassword) {
    say(`admin sign-in: ${config.ADMIN_EMAIL} / ${admin.generatedPassword}  (generated now and shown only once; stored hashed)`);
  } else {
    say(`admin sign-in: ${config.ADMIN_EMAIL} (password ${config.ADMIN_PASSWORD ? "from ADMIN_PASSWORD" : "as printed on first start"})`);
  }
  if (config.SEED_API_KEY) say(`API: ${url}/v3 — SEED_API_KEY is the admin's API key (kakao-hub --endpoint ${url} --apikey …)`);
  if (emulated) say(`Kakao: emulator at http://127.0.0.1:${config.EMULATOR_PORT} (sign in there as moment@example.com / kakao1234)`);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (error) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`[start] failed: ${error instanceof Error ? error.message : error}\n`);
  await shutdown(1);
});
