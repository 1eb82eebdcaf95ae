/**
 * Bad input, one table: the Export Results form's schema (through its server action), other
 * server actions, the /v3 API, the kakao-hub CLI, workflow upload, cron fields, CSV import and the
 * OAuth callback, each given malformed, oversized, wrong-type and injection-shaped input. Every
 * case must be answered with a clear error that names the field (never a 500, never a stack
 * trace, nothing logged as an internal error), and must change no stored state: the row count of
 * every app table, pg-boss's queue, the warehouse's tables and row counts, the emulator's customer
 * files and DATA_DIR are compared before and after.
 *
 * A second table: names and values shaped like HTML or SQL that are legitimate input are stored
 * exactly as typed (React escapes them when shown) and execute nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { createDatabase } from "@/lib/warehouse/databases";
import { withWarehouseClient } from "@/lib/warehouse/connection";
import { BROWSER_COOKIE, handleCallback } from "@/lib/authentications/connect";
import { kakaoRoundTrip } from "@/lib/authentications/test-support";
import { QUEUE_SCHEMA, queue } from "@/lib/jobs/queue";
import { startV3Server, type V3Server } from "@/lib/td-api/test-server";
import type { Result } from "@/lib/errors";
import { ROOT } from "@/test/security/inventory";
import { exportSettings, factories, startWorld, unique, WORKFLOW, type World } from "@/test/security/world";

const fake = vi.hoisted(() => ({ userId: null as string | null, cookies: new Map<string, string>() }));
vi.mock("@/lib/auth/config", () => ({
  auth: async () => (fake.userId ? { user: { id: fake.userId } } : null),
  clientAddress: () => "127.0.0.1",
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers(),
  cookies: async () => ({ get: (name: string) => (fake.cookies.has(name) ? { name, value: fake.cookies.get(name)! } : undefined), set: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

let world: World;
let server: V3Server;
let scratch: string;
let nightly: string;
const SITE = "http://127.0.0.1:3999";

// ─── Answers ─────────────────────────────────────────────────────────────────────────────────────

/** What came back: an HTTP status, an action's error code, a CLI exit code, or a callback's redirect. */
interface Answer {
  status: number | string;
  message: string;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function route(file: string, method: string, url: string, init: { body?: BodyInit; headers?: Record<string, string>; params?: Record<string, string>; apiKey?: boolean } = {}): Promise<Answer> {
  const mod = (await import(path.join(ROOT, file))) as Record<string, Handler>;
  fake.userId = world.users.A.id;
  const headers = { ...(init.apiKey ? { authorization: `TD1 ${world.keys.A}` } : {}), ...init.headers };
  const response = await mod[method]!(new Request(`${SITE}${url}`, { method, headers, body: init.body }), { params: Promise.resolve(init.params ?? {}) });
  if (response.status === 303) {
    const location = response.headers.get("location") ?? "";
    const reason = /\/connect\/failed\?reason=(\w+)/.exec(location);
    return { status: reason ? `refused:${reason[1]}` : "303", message: location };
  }
  const text = await response.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, message };
}

const v3 = (file: string, method: string, url: string, init: Parameters<typeof route>[3] = {}) => route(`app/v3/${file}/route.ts`, method, url, { ...init, apiKey: true });
const jsonBody = (value: unknown) => ({ body: JSON.stringify(value), headers: { "content-type": "application/json" } });
const issue = (params: Record<string, unknown>, db_ = "kakao_db", type = "presto") =>
  v3("job/issue/[type]/[db]", "POST", `/v3/job/issue/${type}/${encodeURIComponent(db_)}`, { params: { type, db: db_ }, ...jsonBody({ query: "select adid from customers", ...params }) });

async function action(file: string, name: string, input: unknown, as: "A" | "admin" = "A"): Promise<Answer> {
  const mod = (await import(path.join(ROOT, file))) as Record<string, (input: unknown) => Promise<Result<unknown>>>;
  fake.userId = world.users[as].id;
  const result = await mod[name]!(input);
  return result.ok ? { status: "ok", message: JSON.stringify(result.data) } : { status: result.error.code, message: result.error.message };
}

function cli(args: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, KAKAO_HUB_ENDPOINT: server.url, KAKAO_HUB_APIKEY: world.keys.A } as unknown as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, [path.join(ROOT, "bin/kakao-hub.mjs"), ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let output = ""; // usage errors go to stderr; the bare command's help to stdout
    child.stderr.on("data", (d) => (output += d));
    child.stdout.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: `exit ${code}`, message: output }));
    child.stdin.end("");
  });
}

function upload(files: { name: string; data: string | Uint8Array }[], fields: Record<string, string> = { name: unique("project") }): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const file of files) form.append("files", new Blob([typeof file.data === "string" ? file.data : new Uint8Array(file.data)]), file.name);
  return route("app/api/workflows/upload/route.ts", "POST", "/api/workflows/upload", { body: form });
}

const importCsv = (query: string, body: BodyInit | undefined) => route("app/api/workbench/import/route.ts", "POST", `/api/workbench/import?${query}`, { body });

async function callback(params: Record<string, string>, cookie?: string): Promise<Answer> {
  fake.cookies.clear();
  if (cookie) fake.cookies.set(BROWSER_COOKIE, cookie);
  return route("app/api/integrations/kakao/callback/route.ts", "GET", `/api/integrations/kakao/callback?${new URLSearchParams(params)}`);
}

// ─── Stored state ────────────────────────────────────────────────────────────────────────────────

async function snapshot(): Promise<Record<string, unknown>> {
  const tables = await db.$queryRaw<{ t: string }[]>`select tablename::text as t from pg_tables where schemaname = 'public' order by 1`;
  const counts = await db.$queryRawUnsafe<{ t: string; n: bigint }[]>(tables.map(({ t }) => `select '${t}' as t, count(*) as n from "${t}"`).join(" union all "));
  const [queue] = await db.$queryRawUnsafe<{ n: bigint }[]>(`select count(*) as n from ${QUEUE_SCHEMA}.job`);
  const warehouse = await withWarehouseClient(async (client) => {
    const names = (await client.query<{ name: string }>("select table_schema || '.' || table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1")).rows.map((r) => r.name);
    const rows: Record<string, number> = {};
    for (const name of names.filter((n) => n.startsWith(`${scratch}.`) || n === "kakao_db.customers")) {
      const [schema, table] = name.split(".");
      rows[name] = (await client.query<{ n: number }>(`select count(*)::int as n from "${schema}"."${table}"`)).rows[0]!.n;
    }
    return { names, rows };
  });
  const files = (await emulatorState(world.kakaoUrl)).files.map((f) => `${f.adAccountId}/${f.name}`);
  const dataDir = fs.readdirSync(world.dataDir, { recursive: true }).map(String).sort();
  return { app: Object.fromEntries(counts.map((c) => [c.t, Number(c.n)])), queue: Number(queue!.n), warehouse, files, dataDir };
}

// ─── The cases ───────────────────────────────────────────────────────────────────────────────────

interface Case {
  surface: string;
  name: string;
  /** Set-up that may store things (before the "before" snapshot); its result is given to run. */
  prepare?: () => Promise<any>;
  run: (prepared: any) => Promise<Answer>;
  status: number | string;
  /** The message must say what is wrong, naming the field. */
  message: RegExp;
}

const big = (bytes: number, ch = "x") => ch.repeat(bytes);
const billionLaughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]`), "+t:\n  td>:\n  query: select 1\n"].join("\n");
const exportInput = (overrides: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => ({
  database: "kakao_db",
  query: "select adid from customers",
  authenticationId: world.authentications.A,
  exportSettings: { ...exportSettings(), ...settings },
  ...overrides,
});
const schedule = (s: Record<string, unknown>) => async () => action("lib/schedule/actions.ts", "setScheduleAction", { savedQueryId: (await db.savedQuery.findFirstOrThrow({ where: { name: nightly } })).id, schedule: { cron: "0 3 * * *", timezone: "UTC", delaySeconds: 0, ...s } });

const CASES: Case[] = [
  // ── Export Results form (lib/export/settings.ts through the Run action) ──
  { surface: "export form", name: "ad account id is not a number", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { ad_account_id: "27429 OR 1=1" })), status: "invalid_input", message: /^exportSettings\.ad_account_id: must be a numeric Kakao Moment ad account id/ },
  { surface: "export form", name: "ad account id of the wrong type (object)", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { ad_account_id: { $gt: 0 } })), status: "invalid_input", message: /^exportSettings\.ad_account_id:/ },
  { surface: "export form", name: "unknown mode", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { mode: "delete" })), status: "invalid_input", message: /^exportSettings\.mode: must be "register" or "edit"/ },
  { surface: "export form", name: "edit without the oversize action", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { mode: "edit" })), status: "invalid_input", message: /^exportSettings\.action: is required when mode is "edit"/ },
  { surface: "export form", name: "empty customer file name", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { file_name: "   " })), status: "invalid_input", message: /^exportSettings\.file_name: Customer File Name is required/ },
  { surface: "export form", name: "oversized customer file name", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { file_name: big(10_000) })), status: "invalid_input", message: /^exportSettings\.file_name: Customer File Name must be at most/ },
  { surface: "export form", name: "customer file name with a line break", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { file_name: "a\nb" })), status: "invalid_input", message: /^exportSettings\.file_name: .*control characters/ },
  { surface: "export form", name: "an unknown extra field", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({}, { url: "https://evil.example" })), status: "invalid_input", message: /^exportSettings: .*url/i },
  { surface: "export form", name: "settings without an authentication", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({ authenticationId: undefined })), status: "invalid_input", message: /^authenticationId: is required to export/ },
  { surface: "export form", name: "authentication id shaped like SQL", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({ authenticationId: "1; drop table jobs" })), status: "invalid_input", message: /^authenticationId: must be an authentication id/ },
  { surface: "export form", name: "database name with a path", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({ database: "../kakao_db" })), status: "invalid_input", message: /^database: / },
  { surface: "export form", name: "query over 100,000 characters", run: () => action("lib/export/actions.ts", "runExportAction", exportInput({ query: `select ${big(100_001, "1")}` })), status: "invalid_input", message: /^query: must be at most 100000 characters/ },

  // ── other server actions ──
  { surface: "server action", name: "input is null", run: () => action("lib/jobs/actions.ts", "killJobAction", null), status: "invalid_input", message: /^input: / },
  { surface: "server action", name: "input is an array", run: () => action("lib/workbench/actions.ts", "saveQueryAction", [1, 2]), status: "invalid_input", message: /^input: / },
  { surface: "server action", name: "job id is not a number", run: () => action("lib/jobs/actions.ts", "killJobAction", { id: "1 or 1=1" }), status: "invalid_input", message: /^id: must be a job id/ },
  { surface: "server action", name: "job id is negative", run: () => action("lib/jobs/actions.ts", "retryJobAction", { id: -1 }), status: "invalid_input", message: /^id: / },
  { surface: "server action", name: "query name with control characters", run: () => action("lib/workbench/actions.ts", "saveQueryAction", { name: "a\u0000b", database: "kakao_db", sql: "select 1" }), status: "invalid_input", message: /^name: must not contain control characters/ },
  { surface: "server action", name: "empty SQL", run: () => action("lib/workbench/actions.ts", "saveQueryAction", { name: unique("q"), database: "kakao_db", sql: "  " }), status: "invalid_input", message: /^sql: is required/ },
  { surface: "server action", name: "database name shaped like SQL", run: () => action("lib/workbench/actions.ts", "createDatabaseAction", { name: "kakao_db; drop schema kakao_db cascade" }), status: "invalid_input", message: /^name: Database name/ },
  { surface: "server action", name: "database name: Bobby Tables", run: () => action("lib/workbench/actions.ts", "createDatabaseAction", { name: "Robert'); DROP TABLE students;--" }), status: "invalid_input", message: /^name: Database name/ },
  { surface: "server action", name: "database name of PostgreSQL's own", run: () => action("lib/workbench/actions.ts", "createDatabaseAction", { name: "pg_catalog" }), status: "invalid_input", message: /^name: / },
  { surface: "server action", name: "parent segment key column shaped like SQL", run: () => action("lib/audiences/actions.ts", "createParentSegmentAction", { name: unique("p"), database: "kakao_db", table: "customers", keyColumn: 'adid" or 1=1 --', attributes: ["gender"] }), status: "invalid_input", message: /^keyColumn: / },
  { surface: "server action", name: "segment rule on a column that is not an attribute (SQL)", prepare: () => f().parentSegment(world.users.A), run: (parentSegmentId) => action("lib/audiences/actions.ts", "segmentPopulationAction", { parentSegmentId, rules: { combinator: "and", conditions: [{ column: 'gender" = gender or "1', op: "eq", value: "x" }] } }), status: "invalid_input", message: /gender" = gender or "1/ },
  { surface: "server action", name: "segment rule value over 1,000 characters", prepare: () => f().parentSegment(world.users.A), run: (parentSegmentId) => action("lib/audiences/actions.ts", "segmentPopulationAction", { parentSegmentId, rules: { combinator: "and", conditions: [{ column: "gender", op: "eq", value: big(1001) }] } }), status: "invalid_input", message: /^rules\.conditions\.0\.value: must be at most 1,000 characters/ },
  { surface: "server action", name: "API key name with a bell character", run: () => action("lib/api-keys/actions.ts", "createApiKeyAction", { name: "key\u0007" }), status: "invalid_input", message: /^name: must not contain control characters/ },
  { surface: "server action", name: "authentication name over 100 characters", run: () => action("lib/authentications/actions.ts", "renameAuthenticationAction", { id: world.authentications.A, name: big(101) }), status: "invalid_input", message: /^name: must be at most 100 characters/ },
  { surface: "server action", name: "new user with a malformed e-mail", run: () => action("lib/users/actions.ts", "createUserAction", { email: "<script>@", role: "marketer", password: "password-1" }, "admin"), status: "invalid_input", message: /^email: must be an e-mail address/ },
  { surface: "server action", name: "new user with a role that does not exist", run: () => action("lib/users/actions.ts", "createUserAction", { email: "root@example.com", role: "superuser", password: "password-1" }, "admin"), status: "invalid_input", message: /^role: / },
  { surface: "server action", name: "activation notifying 21 recipients", prepare: () => f().segment(world.users.A), run: (segment) => action("lib/audiences/actions.ts", "createActivationAction", { segmentId: segment.id, name: unique("act"), authenticationId: world.authentications.A, exportSettings: exportSettings(), mapping: { mode: "all" }, notifications: { emails: Array.from({ length: 21 }, (_, i) => `r${i}@example.com`), onFailure: true } }), status: "invalid_input", message: /^notifications\.emails: at most 20 recipients/ },

  // ── cron fields (the saved query's Schedule) ──
  { surface: "cron", name: "four fields", run: schedule({ cron: "* * * *" }), status: "invalid_input", message: /^schedule\.cron: / },
  { surface: "cron", name: "minute out of range", run: schedule({ cron: "61 * * * *" }), status: "invalid_input", message: /^schedule\.cron: minute: "61"/ },
  { surface: "cron", name: "step of zero", run: schedule({ cron: "*/0 * * * *" }), status: "invalid_input", message: /^schedule\.cron: minute/ },
  { surface: "cron", name: "day-of-month 32", run: schedule({ cron: "0 0 32 * *" }), status: "invalid_input", message: /^schedule\.cron: day-of-month: "32"/ },
  { surface: "cron", name: "shell-shaped cron", run: schedule({ cron: "0 3 * * * ; rm -rf /" }), status: "invalid_input", message: /^schedule\.cron: / },
  { surface: "cron", name: "unknown time zone", run: schedule({ timezone: "Mars/Base" }), status: "invalid_input", message: /^schedule\.timezone: unknown time zone "Mars\/Base"/ },
  { surface: "cron", name: "negative delay", run: schedule({ delaySeconds: -1 }), status: "invalid_input", message: /^schedule\.delaySeconds: / },
  { surface: "cron", name: "delay over a day", run: schedule({ delaySeconds: 86_401 }), status: "invalid_input", message: /^schedule\.delaySeconds: / },
  { surface: "cron", name: "delay of the wrong type", run: schedule({ delaySeconds: "soon" }), status: "invalid_input", message: /^schedule\.delaySeconds: must be a whole number of seconds/ },

  // ── /v3 API ──
  { surface: "v3", name: "body is not JSON", run: () => v3("job/issue/[type]/[db]", "POST", "/v3/job/issue/presto/kakao_db", { params: { type: "presto", db: "kakao_db" }, body: "{not json", headers: { "content-type": "application/json" } }), status: 400, message: /not valid JSON/ },
  { surface: "v3", name: "body is a JSON array", run: () => v3("job/issue/[type]/[db]", "POST", "/v3/job/issue/presto/kakao_db", { params: { type: "presto", db: "kakao_db" }, ...jsonBody([1]) }), status: 400, message: /must be an object/ },
  { surface: "v3", name: "body over 1 MiB", run: () => v3("job/issue/[type]/[db]", "POST", "/v3/job/issue/presto/kakao_db", { params: { type: "presto", db: "kakao_db" }, body: `query=${big(1024 * 1024 + 10)}`, headers: { "content-type": "application/x-www-form-urlencoded" } }), status: 400, message: /larger than 1048576 bytes/ },
  { surface: "v3", name: "unsupported content type", run: () => v3("job/issue/[type]/[db]", "POST", "/v3/job/issue/presto/kakao_db", { params: { type: "presto", db: "kakao_db" }, body: "<query/>", headers: { "content-type": "application/xml" } }), status: 400, message: /Unsupported content type "application\/xml"/ },
  { surface: "v3", name: "broken multipart", run: () => v3("job/issue/[type]/[db]", "POST", "/v3/job/issue/presto/kakao_db", { params: { type: "presto", db: "kakao_db" }, body: "--x\r\ngarbage", headers: { "content-type": "multipart/form-data" } }), status: 400, message: /multipart/ },
  { surface: "v3", name: "priority out of range", run: () => issue({ priority: "5" }), status: 422, message: /^priority: must be from -2 to 2/ },
  { surface: "v3", name: "retry_limit too high", run: () => issue({ retry_limit: "11" }), status: 422, message: /^retry_limit: must be at most 10/ },
  { surface: "v3", name: "empty query", run: () => issue({ query: "" }), status: 422, message: /^query: is required/ },
  { surface: "v3", name: "query of the wrong type", run: () => issue({ query: { select: 1 } }), status: 422, message: /^query: / },
  { surface: "v3", name: "database path shaped like SQL", run: () => issue({}, "kakao_db; drop schema kakao_db cascade"), status: 422, message: /^database: / },
  { surface: "v3", name: "unknown engine type", run: () => issue({}, "kakao_db", "mysql"), status: 422, message: /^type: must be presto, trino or hive/ },
  { surface: "v3", name: "result settings are not JSON", run: () => issue({ result_connection_id: String(world.authentications.A), result_connection_settings: "{mode: register" }), status: 422, message: /^result_connection_settings: / },
  { surface: "v3", name: "result settings with an unknown mode", run: () => issue({ result_connection_id: String(world.authentications.A), result_connection_settings: JSON.stringify(exportSettings()).replace("register", "append") }), status: 422, message: /^result_connection_settings\.mode: / },
  { surface: "v3", name: "result connection id shaped like SQL", run: () => issue({ result_connection_id: "1 or 1=1", result_connection_settings: JSON.stringify(exportSettings()) }), status: 422, message: /^result_connection_id: / },
  { surface: "v3", name: "scheduled_time not a time", run: () => issue({ scheduled_time: "yesterday" }), status: 422, message: /^scheduled_time: / },
  { surface: "v3", name: "result in an unknown format", run: () => v3("job/result/[id]", "GET", "/v3/job/result/1?format=xml", { params: { id: "1" } }), status: 422, message: /^format: must be tsv, csv or json/ },
  { surface: "v3", name: "schedule with an invalid cron", run: () => v3("schedule/create/[name]", "POST", "/v3/schedule/create/bad_cron", { params: { name: "bad_cron" }, ...jsonBody({ query: "select 1", database: "kakao_db", cron: "61 * * * *", result_connection_id: String(world.authentications.A), result_connection_settings: JSON.stringify(exportSettings()) }) }), status: 422, message: /^cron: minute: "61"/ },
  { surface: "v3", name: "schedule in an unknown time zone", run: () => v3("schedule/create/[name]", "POST", "/v3/schedule/create/bad_tz", { params: { name: "bad_tz" }, ...jsonBody({ query: "select 1", database: "kakao_db", timezone: "Mars/Base" }) }), status: 422, message: /^timezone: unknown time zone/ },
  { surface: "v3", name: "schedule name over 100 characters", run: () => v3("schedule/create/[name]", "POST", `/v3/schedule/create/${big(101)}`, { params: { name: big(101) }, ...jsonBody({ query: "select 1", database: "kakao_db" }) }), status: 422, message: /^name: must be at most 100 characters/ },
  { surface: "v3", name: "schedule run at a time that is not a time", run: () => v3("schedule/run/[name]/[time]", "POST", `/v3/schedule/run/${nightly}/notatime`, { params: { name: nightly, time: "notatime" } }), status: 422, message: /^time: / },
  { surface: "v3", name: "schedule run with num over 10", run: () => v3("schedule/run/[name]/[time]", "POST", `/v3/schedule/run/${nightly}/1704078000?num=11`, { params: { name: nightly, time: "1704078000" } }), status: 422, message: /^num: must be from 1 to 10/ },
  { surface: "v3", name: "schedule update with a negative delay", run: () => v3("schedule/update/[name]", "POST", `/v3/schedule/update/${nightly}`, { params: { name: nightly }, ...jsonBody({ delay: "-5" }) }), status: 422, message: /^delay: / },
  { surface: "v3", name: "Kakao doctor without an authentication", run: () => v3("kakao/doctor", "POST", "/v3/kakao/doctor", jsonBody({})), status: 422, message: /^authentication: is required/ },
  { surface: "v3", name: "Kakao doctor write without an ad account", run: () => v3("kakao/doctor", "POST", "/v3/kakao/doctor", jsonBody({ authentication: "kakao_A", write: "true" })), status: 422, message: /^ad_account_id: is required with write/ },
  { surface: "v3", name: "Kakao doctor with an ad account shaped like SQL", run: () => v3("kakao/doctor", "POST", "/v3/kakao/doctor", jsonBody({ authentication: "kakao_A", ad_account_id: "1 or 1=1" })), status: 422, message: /^ad_account_id: must be a numeric ad account id/ },
  { surface: "v3", name: "Kakao doctor with write that is not a boolean", run: () => v3("kakao/doctor", "POST", "/v3/kakao/doctor", jsonBody({ authentication: "kakao_A", write: "maybe" })), status: 422, message: /^write: must be true or false/ },
  { surface: "server action", name: "Kakao doctor with a negative ad account", run: () => action("lib/authentications/actions.ts", "runKakaoDoctorAction", { authenticationId: world.authentications.A, adAccountId: -5 }, "admin"), status: "invalid_input", message: /^adAccountId: must be a numeric ad account id/ },

  // ── CLI ──
  { surface: "CLI", name: "no command", run: () => cli([]), status: "exit 2", message: /usage: kakao-hub <command>/ },
  { surface: "CLI", name: "unknown command", run: () => cli(["table:drop", "customers"]), status: "exit 2", message: /table:drop/ },
  { surface: "CLI", name: "query without a database", run: () => cli(["query", "select 1"]), status: "exit 2", message: /-d\/--database is required/ },
  { surface: "CLI", name: "job id that is not a number", run: () => cli(["job:show", "1;rm -rf /"]), status: "exit 2", message: /"1;rm -rf \/" is not a job id/ },
  { surface: "CLI", name: "result settings that are not JSON", run: () => cli(["query", "-d", "kakao_db", "--result-connection", "kakao_A", "--result-settings", "{mode:", "select adid from customers"]), status: "exit 2", message: /--result-settings must be JSON/ },
  { surface: "CLI", name: "priority out of range", run: () => cli(["query", "-d", "kakao_db", "-P", "9", "select 1"]), status: "exit 2", message: /must be a whole number from -2 to 2/ },
  { surface: "CLI", name: "kakao:doctor without --authentication", run: () => cli(["kakao:doctor"]), status: "exit 2", message: /--authentication NAME is required/ },
  { surface: "CLI", name: "kakao:doctor --write without --ad-account", run: () => cli(["kakao:doctor", "-a", "kakao_A", "--write"]), status: "exit 2", message: /--write needs --ad-account ID/ },
  { surface: "CLI", name: "kakao:doctor with an ad account that is not a number", run: () => cli(["kakao:doctor", "-a", "kakao_A", "--ad-account", "27429;ls"]), status: "exit 2", message: /--ad-account must be a whole number/ },
  { surface: "CLI", name: "two status filters", run: () => cli(["job:list", "-R", "-E"]), status: "exit 2", message: /choose one status flag/ },
  { surface: "CLI", name: "sched:create without a cron", run: () => cli(["sched:create", "lonely"]), status: "exit 2", message: /sched:create needs <name> <cron>/ },
  { surface: "CLI", name: "sched:create with an invalid cron (the API's 422)", run: () => cli(["sched:create", unique("c"), "61 * * * *", "select 1", "-d", "kakao_db"]), status: "exit 1", message: /cron: minute: "61"/ },

  // ── workflow upload ──
  { surface: "workflow upload", name: "not multipart", run: () => route("app/api/workflows/upload/route.ts", "POST", "/api/workflows/upload", jsonBody({ files: { "w.dig": WORKFLOW } })), status: 400, message: /^files: send the project as multipart\/form-data/ },
  { surface: "workflow upload", name: "malformed YAML", run: () => upload([{ name: "w.dig", data: "+t:\n  td>: [unclosed\n  query: {\n" }]), status: 400, message: /w\.dig:\d+/ },
  { surface: "workflow upload", name: "YAML bomb (billion laughs)", run: () => upload([{ name: "w.dig", data: billionLaughs }]), status: 400, message: /w\.dig:\d+/ },
  { surface: "workflow upload", name: "path traversal in a zip entry", run: () => upload([{ name: "p.zip", data: zipSync({ "w.dig": new TextEncoder().encode(WORKFLOW), "../../etc/passwd": new TextEncoder().encode("root:x:0:0") }) }]), status: 400, message: /^files: "\.\.\/\.\.\/etc\/passwd" is not an allowed file name/ },
  { surface: "workflow upload", name: "path traversal in a tar entry", run: () => upload([{ name: "p.tar.gz", data: gzipSync(tarOf({ "w.dig": WORKFLOW, "../evil.sql": "select 1" })) }]), status: 400, message: /^files: "\.\.\/evil\.sql" is not an allowed file name/ },
  { surface: "workflow upload", name: "path traversal in a multipart file name", run: () => upload([{ name: "w.dig", data: WORKFLOW }, { name: "../../etc/passwd", data: "root:x:0:0" }]), status: 400, message: /passwd/ },
  { surface: "workflow upload", name: "a file over 1 MB", run: () => upload([{ name: "w.dig", data: WORKFLOW }, { name: "big.sql", data: `select '${big(1_100_000)}'` }]), status: 400, message: /^files: "big\.sql" is larger than 1 MB/ },
  { surface: "workflow upload", name: "101 files", run: () => upload([{ name: "w.dig", data: WORKFLOW }, ...Array.from({ length: 100 }, (_, i) => ({ name: `f${i}.sql`, data: "select 1" }))]), status: 400, message: /^files: (a project holds )?at most 100 files/ },
  { surface: "workflow upload", name: "a binary file", run: () => upload([{ name: "w.dig", data: WORKFLOW }, { name: "x.sql", data: new Uint8Array([0xff, 0xfe, 0x00, 0xc3]) }]), status: 400, message: /^files: "x\.sql" is not a UTF-8 text file/ },
  { surface: "workflow upload", name: "a corrupt archive", run: () => upload([{ name: "p.tar.gz", data: "not gzip at all" }]), status: 400, message: /^files: "p\.tar\.gz" is not a readable \.tar\.gz archive/ },
  { surface: "workflow upload", name: "a shell operator", run: () => upload([{ name: "w.dig", data: "+t:\n  sh>: rm -rf /\n" }]), status: 400, message: /w\.dig:2: sh>: unknown operator "sh>"/ },
  { surface: "workflow upload", name: "JavaScript in ${}", run: () => upload([{ name: "w.dig", data: "+t:\n  td>:\n  query: select ${require('fs')}\n  database: kakao_db\n" }]), status: 400, message: /w\.dig:\d+/ },
  { surface: "workflow upload", name: "project name with a path", run: () => upload([{ name: "w.dig", data: WORKFLOW }], { name: "../evil" }), status: 400, message: /^name: may hold letters, digits/ },
  { surface: "workflow upload", name: "project id that is not a number", run: () => upload([{ name: "w.dig", data: WORKFLOW }], { projectId: "1 or 1=1" }), status: 400, message: /^projectId: must be a project id/ },

  // ── CSV import ──
  { surface: "CSV import", name: "table name shaped like SQL", run: () => importCsv(`database=${scratch}&table=${encodeURIComponent("t; drop table kakao_db.customers")}`, "adid\nx\n"), status: 400, message: /^table: / },
  { surface: "CSV import", name: "database that does not exist", run: () => importCsv("database=no_such_db&table=t", "adid\nx\n"), status: 404, message: /no_such_db/ },
  { surface: "CSV import", name: "column types that are not JSON", run: () => importCsv(`database=${scratch}&table=t1&columnTypes=${encodeURIComponent("{adid:")}`, "adid\nx\n"), status: 400, message: /^columnTypes: must be JSON/ },
  { surface: "CSV import", name: "a column type that does not exist", run: () => importCsv(`database=${scratch}&table=t2&columnTypes=${encodeURIComponent('{"adid":"blob"}')}`, "adid\nx\n"), status: 400, message: /^columnTypes: must be one of/ },
  { surface: "CSV import", name: "an empty file", run: () => importCsv(`database=${scratch}&table=t3`, ""), status: 400, message: /empty/ },
  { surface: "CSV import", name: "a header column shaped like SQL", run: () => importCsv(`database=${scratch}&table=t4`, 'adid,"x""; drop table kakao_db.customers; --"\n1,2\n'), status: 400, message: /[Cc]olumn/ },
  { surface: "CSV import", name: "a header with the same column twice", run: () => importCsv(`database=${scratch}&table=t5`, "adid,adid\n1,2\n"), status: 400, message: /adid/ },
  { surface: "CSV import", name: "preview sample over 1 MiB", run: () => route("app/api/workbench/import/preview/route.ts", "POST", `/api/workbench/import/preview?database=${scratch}&table=t6`, { body: big(1024 * 1024 + 1) }), status: 400, message: /^file: send at most the first/ },

  // ── OAuth callback ──
  { surface: "OAuth callback", name: "no state and no code", run: () => callback({}), status: "refused:state_invalid", message: /failed/ },
  { surface: "OAuth callback", name: "a state that was never issued", run: () => callback({ code: "abc", state: "forged-state" }), status: "refused:state_invalid", message: /failed/ },
  { surface: "OAuth callback", name: "consent cancelled (error=access_denied)", prepare: () => kakaoRoundTrip(world.users.A, { decision: "cancel" }), run: (trip) => callback({ error: "access_denied", state: trip.params.state ?? "" }, trip.browserValue), status: "refused:access_denied", message: /failed/ },
  { surface: "OAuth callback", name: "a valid state from another browser (no cookie)", prepare: () => kakaoRoundTrip(world.users.A), run: (trip) => callback({ code: trip.params.code!, state: trip.params.state! }), status: "refused:state_invalid", message: /failed/ },
  { surface: "OAuth callback", name: "a code Kakao refuses", prepare: () => kakaoRoundTrip(world.users.A), run: (trip) => callback({ code: "not-a-kakao-code", state: trip.params.state! }, trip.browserValue), status: "refused:code_rejected", message: /failed/ },
  { surface: "OAuth callback", name: "a state and code used a second time", run: async () => { const trip = await reusedTrip(); return callback({ code: trip.params.code!, state: trip.params.state! }, trip.browserValue); }, status: "refused:state_invalid", message: /failed/ },
  { surface: "OAuth connect", name: "reconnect id that is not a number", run: () => route("app/api/integrations/kakao/connect/route.ts", "GET", "/api/integrations/kakao/connect?reconnect=1%20or%201%3D1"), status: 400, message: /^reconnect: must be an authentication id/ },
];

/** A round trip whose code and state were already used by a successful callback (set up outside the snapshot). */
let reused: Awaited<ReturnType<typeof kakaoRoundTrip>>;
async function reusedTrip() {
  return reused;
}

let factoriesOf: ReturnType<typeof factories>;
const f = () => factoriesOf;

/** A minimal tar archive (ustar) of text files, names taken as given. */
function tarOf(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write("00000000000\0", 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

beforeAll(async () => {
  world = await startWorld();
  factoriesOf = factories(world);
  server = await startV3Server();
  await queue(); // pg-boss's tables exist before the first snapshot
  scratch = (await createDatabase(unique("badinput"))).name;
  nightly = (await factoriesOf.savedQuery(world.users.A, { schedule: true })).name;
  reused = await kakaoRoundTrip(world.users.A);
  await handleCallback(world.users.A, reused.params, reused.browserValue); // the first use succeeds
}, 180_000);
afterAll(async () => {
  await server?.close();
  await world?.close();
});

describe("bad input: a clear error naming the field, no 500, nothing stored", () => {
  it("has at least 40 cases across every surface", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.surface))).toEqual(new Set(["export form", "server action", "cron", "v3", "CLI", "workflow upload", "CSV import", "OAuth callback", "OAuth connect"]));
  });

  it.each(CASES.map((c) => [`${c.surface}: ${c.name}`, c] as const))("%s", async (_label, c) => {
    const prepared = await c.prepare?.();
    const before = await snapshot();
    const internal = vi.spyOn(console, "error");
    let answer: Answer;
    try {
      answer = await c.run(prepared);
    } finally {
      internal.mockRestore();
    }
    const internalLogged = internal.mock.calls.filter((args) => String(args[0]).includes("[internal error]"));
    expect({ status: answer.status, internalLogged }).toEqual({ status: c.status, internalLogged: [] });
    expect(answer.message).toMatch(c.message);
    expect(answer.message).not.toMatch(/\n\s+at |node_modules|\.tsx?:\d+:\d+|Something went wrong on our side/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("HTML and SQL in legitimate names and values: stored as typed, nothing executed", () => {
  const html = `<script>alert("x")</script><b onclick=x>`;
  const sql = `x'); drop table jobs; --`;

  it.each([
    ["saved query name (HTML)", html],
    ["saved query name (SQL)", sql],
  ])("%s", async (_label, name) => {
    const answer = await action("lib/workbench/actions.ts", "saveQueryAction", { name, database: "kakao_db", sql: "select adid from customers" });
    expect(answer.status).toBe("ok");
    expect((await db.savedQuery.findFirstOrThrow({ where: { ownerId: world.users.A.id, name } })).name).toBe(name);
    expect(await db.job.count()).toBeGreaterThanOrEqual(0); // the jobs table is still there
  });

  it("parent segment, segment and authentication names", async () => {
    const parent = await action("lib/audiences/actions.ts", "createParentSegmentAction", { name: html, database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender"] });
    expect(parent.status).toBe("ok");
    const { id } = JSON.parse(parent.message) as { id: number };
    expect((await db.parentSegment.findUniqueOrThrow({ where: { id } })).name).toBe(html);
    const segment = await action("lib/audiences/actions.ts", "createSegmentAction", { parentSegmentId: id, name: sql, rules: { combinator: "and", conditions: [] } });
    expect(segment.status).toBe("ok");
    expect((await db.segment.findFirstOrThrow({ where: { parentSegmentId: id } })).name).toBe(sql);
    const renamed = await action("lib/authentications/actions.ts", "renameAuthenticationAction", { id: world.authentications.A, name: `"><svg onload=alert(1)>` });
    expect(renamed.status).toBe("ok");
    expect((await db.authentication.findUniqueOrThrow({ where: { id: world.authentications.A } })).name).toBe(`"><svg onload=alert(1)>`);
    await db.authentication.update({ where: { id: world.authentications.A }, data: { name: "kakao_A" } });
  });

  it("a segment rule value shaped like SQL is a bind parameter: it matches nobody and drops nothing", async () => {
    const parentSegmentId = await f().parentSegment(world.users.A);
    const answer = await action("lib/audiences/actions.ts", "segmentPopulationAction", { parentSegmentId, rules: { combinator: "or", conditions: [{ column: "gender", op: "eq", value: "' or 1=1 --" }] } });
    expect(answer.status).toBe("ok");
    const population = JSON.parse(answer.message) as { population: number; sql: string; params: unknown[] };
    expect(population.population).toBe(0);
    expect(population.params).toEqual(["' or 1=1 --"]);
    expect(population.sql).not.toContain("1=1");
  });

  it("a customer file name with HTML goes to Kakao as typed, and comes back in the job as typed", async () => {
    const answer = await action("lib/export/actions.ts", "runExportAction", exportInput({}, { file_name: html }));
    expect(answer.status).toBe("ok");
    const { id } = JSON.parse(answer.message) as { id: number };
    const job = await db.job.findUniqueOrThrow({ where: { id } });
    expect(job.exportSettings).toMatchObject({ file_name: html });
    const shown = await v3("job/show/[id]", "GET", `/v3/job/show/${id}`, { params: { id: String(id) } });
    expect(shown.status).toBe(200);
    await db.job.update({ where: { id }, data: { status: "killed", finishedAt: new Date() } });
  });
});
