/**
 * Secrets are never logged. A full 3-file export issued over the v3 API with an API key, a job that
 * Kakao refuses, and a scheduled run that fails and is e-mailed over SMTP with a password — then
 * everything written is searched for the Kakao access token, the API key, the SMTP password, the
 * Kakao client secret, the session secret and the token encryption key: the worker process's
 * stdout/stderr, this process's output (where the v3 route handlers run), every row of every table
 * of the app database (jobs, job logs, job files, audit log, notifications, the queue), the files
 * under DATA_DIR and the e-mails sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { control } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import { queryEngine } from "@/lib/engine";
import { resetEnvCache } from "@/lib/env";
import { createApiKey } from "@/lib/api-keys/keys";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { stopQueue } from "@/lib/jobs/queue";
import { startTestSmtp } from "@/lib/notify/test-smtp";
import { closeMailer } from "@/lib/notify/mailer";
import { startV3Server, type V3Server } from "@/lib/td-api/test-server";
import { registerSettings, v3Fetch } from "@/lib/td-api/test-support";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { SQL, faultEnv, jobLogText, startWorker, waitFor, type WorkerProcess } from "@/lib/jobs/fault-support";

const SMTP_USER = "hub-mailer";
const SMTP_PASSWORD = "smtp-Pa55word-9f2c7e1d";

let kakao: Awaited<ReturnType<typeof startKakao>>;
let env: ReturnType<typeof faultEnv>;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let server: V3Server;
let worker: WorkerProcess | undefined;
/** What this process writes (console and the raw streams). */
let captured = "";
const restore: (() => void)[] = [];

function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      captured += args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? String(v) : v)))).join(" ") + "\n";
      original.apply(console, args);
    };
    restore.push(() => (console[level] = original));
  }
}

beforeAll(async () => {
  kakao = await startKakao();
  smtp = await startTestSmtp({ user: SMTP_USER, password: SMTP_PASSWORD });
  env = faultEnv({ SMTP_URL: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtp.port}`, LOG_LEVEL: "debug" });
  resetEnvCache();
  await prepareTestWarehouse();
  server = await startV3Server();
  capture();
}, 120_000);
afterAll(async () => {
  for (const undo of restore.reverse()) undo();
  await worker?.kill();
  await server?.close();
  closeMailer();
  await stopQueue();
  await queryEngine().close();
  await smtp?.close();
  await kakao?.close();
  env?.cleanup();
});

/** Every row of every table of the app database (all schemas but the system ones), as JSON text. */
async function everyRow(): Promise<string> {
  const tables = await db.$queryRaw<{ schema: string; name: string }[]>`
    select table_schema::text as schema, table_name::text as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`;
  let all = "";
  for (const t of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(`select row_to_json(t)::text as row from "${t.schema}"."${t.name}" t`);
    all += `\n## ${t.schema}.${t.name}\n${rows.map((r) => r.row).join("\n")}`;
  }
  return all;
}

function filesUnder(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  let all = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    all += `\n## ${file}\n${fs.readFileSync(file).toString("latin1")}`;
  }
  return all;
}

describe("secrets never logged", { timeout: 240_000 }, () => {
  it("no token, API key, SMTP password or app secret in any output, row, file or e-mail", async () => {
    await control(kakao.url, "/__emulator/reset");
    const { user, authenticationId } = await exportFixture();
    const { key } = await createApiKey(user, { name: "secrets test" });
    const accessToken = open((await db.authentication.findUniqueOrThrow({ where: { id: authenticationId } })).accessToken);
    const secrets: Record<string, string> = {
      "Kakao access token": accessToken,
      "API key": key,
      "API key without its prefix": key.replace(/^kmh_/, ""),
      "SMTP password": SMTP_PASSWORD,
      "Kakao business client secret": process.env.KAKAO_BUSINESS_CLIENT_SECRET!,
      AUTH_SECRET: process.env.AUTH_SECRET!,
      "token encryption key": process.env.TOKEN_ENCRYPTION_KEYS!.split(":")[1]!,
    };
    for (const [name, value] of Object.entries(secrets)) expect(value.length, name).toBeGreaterThanOrEqual(16);

    worker = startWorker({ ...process.env });
    const call = v3Fetch(server.url, key);
    const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const finished = (id: string) =>
      waitFor(`job ${id}`, async () => {
        const job = (await (await call(`/v3/job/status/${id}`)).json()) as { status: string };
        return ["success", "error", "killed"].includes(job.status) ? job : undefined;
      }, 120_000, 200);

    // 1. A full 3-file export over the API, run by the worker.
    const issued = (await (await call("/v3/job/issue/presto/kakao_db", json({ query: SQL, result_connection_id: authenticationId, result_connection_settings: registerSettings("secret_export") }))).json()) as { job_id: string };
    const exported = await finished(issued.job_id);
    expect(exported, `${JSON.stringify(exported)}\n${await jobLogText(Number(issued.job_id))}`).toMatchObject({ status: "success" });
    expect(await db.jobFile.count({ where: { jobId: Number(issued.job_id) } })).toBe(3);

    // 2. An export Kakao refuses (an ad account the authentication cannot use): the error path.
    const refused = (await (await call("/v3/job/issue/presto/kakao_db", json({ query: "select adid from customers", result_connection_id: authenticationId, result_connection_settings: { ...registerSettings("refused"), ad_account_id: 99001 } }))).json()) as { job_id: string };
    expect(await finished(refused.job_id)).toMatchObject({ status: "error" });

    // 3. A scheduled run that fails; its notification is e-mailed through the SMTP server (with login).
    expect((await call("/v3/schedule/create/secret_schedule", json({ cron: "0 * * * *", query: "select age from customers", database: "kakao_db", result_connection_id: authenticationId, result_connection_settings: registerSettings("scheduled") }))).status).toBe(200);
    const run = (await (await call(`/v3/schedule/run/secret_schedule/${Math.floor(Date.UTC(2024, 0, 1, 5) / 1000)}`, { method: "POST" })).json()) as { jobs: { job_id: string }[] };
    expect(await finished(run.jobs[0]!.job_id)).toMatchObject({ status: "error" });
    const mailed = await waitFor("the failure notification to be sent", async () => {
      const n = await db.notification.findFirst({ where: { kind: "schedule.job_failed" } });
      return n && (n.sentAt || n.sendError) ? n : undefined;
    }, 90_000, 250);
    expect(mailed.sendError).toBeNull();
    expect(smtp.received.length).toBeGreaterThanOrEqual(1);

    // 4. A request with a wrong key and one with a key in the wrong place.
    expect((await v3Fetch(server.url, `${key}x`)("/v3/job/list")).status).toBe(401);
    expect((await fetch(new URL(`/v3/job/list?apikey=${key}`, server.url))).status).toBe(401);

    await worker.kill();
    const places: Record<string, string> = {
      "worker stdout/stderr": worker.output(),
      "this process's output (v3 route handlers)": captured,
      "app database rows": await everyRow(),
      "files under DATA_DIR": filesUnder(env.dataDir),
      "e-mails sent": smtp.received.map((m) => m.raw).join("\n"),
    };
    expect(places["app database rows"]).toMatch(/secret_export/); // the search reads real content
    expect(places["worker stdout/stderr"]).toMatch(/\[worker\] ready/);
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${name} in ${place}`);
    }
    expect(leaks).toEqual([]);
  });
});
