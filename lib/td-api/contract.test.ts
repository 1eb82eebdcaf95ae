/**
 * The v3 API's contract over HTTP: every error status (400/401/403/404/409/422/429) with the
 * `{error, message}` shape, message naming the field, nothing stored on refusal; the three body
 * encodings; kill, status, schedule update/history/run.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/keys";
import { createUser, setDisabled } from "@/lib/users/users";
import type { SessionUser } from "@/lib/auth/access";
import { registerSettings, startV3World, v3Caller, v3Fetch, waitForJob, type V3Caller, type V3World } from "@/lib/td-api/test-support";

let world: V3World;
let me: V3Caller;
let call: ReturnType<typeof v3Fetch>;
let other: { user: SessionUser; key: string };

beforeAll(async () => {
  world = await startV3World();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  me = await v3Caller(world);
  call = v3Fetch(world.server.url, me.key);
  const user = await createUser({ email: "other@example.com", name: null, role: "marketer", password: "password-2" });
  other = { user, key: (await createApiKey(user, { name: "other" })).key };
});
afterEach(() => {
  delete process.env.API_RATE_LIMIT;
  resetEnvCache();
});

const form = (fields: Record<string, string | number>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
});
const asJson = (fields: Record<string, unknown>) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });

async function expectError(response: Response, status: number, error: string, message?: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = await response.json();
  expect(body).toMatchObject({ error, message: expect.any(String) });
  if (message) expect(body.message).toMatch(message);
  return body;
}

async function issue(fields: Record<string, string | number>, key = me.key) {
  const response = await v3Fetch(world.server.url, key)("/v3/job/issue/presto/kakao_db", form(fields));
  expect(response.status).toBe(200);
  return (await response.json()) as { job_id: string };
}

const status = (id: string) => async () => (await (await call(`/v3/job/status/${id}`)).json()) as { status: string };

describe("v3 bodies: form-encoded, multipart and JSON", () => {
  it("accepts the same parameters in all three encodings", async () => {
    const fields = { query: "select 1 as one", priority: "-1", retry_limit: "1" };
    const multipart = new FormData();
    for (const [k, v] of Object.entries(fields)) multipart.append(k, v);
    const responses = [await call("/v3/job/issue/hive/kakao_db", form(fields)), await call("/v3/job/issue/hive/kakao_db", { method: "POST", body: multipart }), await call("/v3/job/issue/hive/kakao_db", asJson({ ...fields, priority: -1, retry_limit: 1 }))];
    for (const response of responses) expect(response.status).toBe(200);
    const jobs = await db.job.findMany({ orderBy: { id: "asc" } });
    expect(jobs.map((j) => [j.type, j.query, j.priority, j.retryLimit])).toEqual(Array(3).fill(["hive", "select 1 as one", -1, 1]));
  });
});

describe("401: missing, unknown or revoked key", () => {
  it("refuses without a TD1 key, whatever else is sent, and after revoking", async () => {
    await expectError(await v3Fetch(world.server.url, null)("/v3/job/list"), 401, "unauthenticated", /TD1/);
    await expectError(await v3Fetch(world.server.url, null)("/v3/job/list", { headers: { authorization: `Bearer ${me.key}`, cookie: "authjs.session-token=x" } }), 401, "unauthenticated");
    await expectError(await v3Fetch(world.server.url, "kmh_not-a-key")("/v3/job/list"), 401, "unauthenticated");
    expect((await call("/v3/job/list")).status).toBe(200);
    const [key] = await db.apiKey.findMany({ where: { userId: me.user.id } });
    await revokeApiKey(me.user, key!.id);
    await expectError(await call("/v3/job/list"), 401, "unauthenticated", /revoked/);
    await expectError(await call("/v3/job/issue/presto/kakao_db", form({ query: "select 1" })), 401, "unauthenticated");
    expect(await db.job.count()).toBe(0);
  });
});

describe("403: the key's user is disabled", () => {
  it("refuses a disabled user's key, and accepts it again once re-enabled", async () => {
    const admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password-3" });
    await setDisabled(admin.id, me.user.id, true);
    await expectError(await call("/v3/job/list"), 403, "forbidden", /disabled/);
    await setDisabled(admin.id, me.user.id, false);
    expect((await call("/v3/job/list")).status).toBe(200);
  });
});

describe("404: unknown objects and other users' objects look the same", () => {
  it("hides another user's job, schedule and authentication", async () => {
    const theirs = await issue({ query: "select 1" }, other.key);
    const unknown = "999999";
    for (const id of [theirs.job_id, unknown, "abc"]) {
      await expectError(await call(`/v3/job/show/${id}`), 404, "not_found");
      await expectError(await call(`/v3/job/status/${id}`), 404, "not_found");
      await expectError(await call(`/v3/job/kill/${id}`, { method: "POST" }), 404, "not_found");
      await expectError(await call(`/v3/job/result/${id}`), 404, "not_found");
    }
    const settings = JSON.stringify(registerSettings("x"));
    const otherAuth = await db.authentication.create({ data: { ownerId: other.user.id, name: "theirs", flow: "business", accessToken: "sealed" } });
    await expectError(await call("/v3/job/issue/presto/kakao_db", form({ query: "select adid from customers", result_connection_id: otherAuth.id, result_connection_settings: settings })), 404, "not_found");
    await expectError(await call("/v3/connections/lookup?name=theirs"), 404, "not_found");
    await expectError(await call("/v3/connections/lookup?name=nope"), 404, "not_found");
    await v3Fetch(world.server.url, other.key)("/v3/schedule/create/their_schedule", form({ query: "select 1", database: "kakao_db" }));
    for (const path of ["/v3/schedule/update/their_schedule", "/v3/schedule/delete/their_schedule", `/v3/schedule/run/their_schedule/${Math.floor(Date.now() / 1000)}`]) {
      await expectError(await call(path, form({ cron: "" })), 404, "not_found", /their_schedule/);
    }
    await expectError(await call("/v3/schedule/history/their_schedule"), 404, "not_found");
    expect((await (await call("/v3/schedule/list")).json()).schedules).toEqual([]);
    expect(await db.job.count({ where: { ownerId: me.user.id } })).toBe(0);
  });

  it("lets an admin's key see another user's job", async () => {
    const admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password-3" });
    const theirs = await issue({ query: "select 1" }, other.key);
    const adminKey = (await createApiKey(admin, { name: "admin" })).key;
    const response = await v3Fetch(world.server.url, adminKey)(`/v3/job/show/${theirs.job_id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ job_id: theirs.job_id, user_name: "other@example.com" });
  });
});

describe("400: a request that cannot be read", () => {
  it("refuses broken JSON, broken multipart and unknown content types, storing nothing", async () => {
    await expectError(await call("/v3/job/issue/presto/kakao_db", { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "select 1"' }), 400, "invalid_input", /JSON/);
    await expectError(await call("/v3/job/issue/presto/kakao_db", { method: "POST", headers: { "content-type": "application/json" }, body: '["select 1"]' }), 400, "invalid_input", /object/);
    await expectError(
      await call("/v3/job/issue/presto/kakao_db", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=xyz" }, body: "--xyz\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nselect 1" }),
      400,
      "invalid_input",
      /multipart/,
    );
    await expectError(await call("/v3/job/issue/presto/kakao_db", { method: "POST", headers: { "content-type": "application/xml" }, body: "<q/>" }), 400, "invalid_input", /content type/);
    expect(await db.job.count()).toBe(0);
  });
});

describe("422: invalid fields, named in the message, nothing stored", () => {
  it("names the Treasure Data field of each bad job parameter", async () => {
    const cases: [string, Record<string, string | number>, RegExp][] = [
      ["/v3/job/issue/presto/kakao_db", {}, /^query: is required/],
      ["/v3/job/issue/spark/kakao_db", { query: "select 1" }, /^type: must be presto, trino or hive/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", priority: 5 }, /^priority: must be from -2 to 2/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", retry_limit: "lots" }, /^retry_limit: /],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", scheduled_time: "yesterday" }, /^scheduled_time: must be a unix time/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", result: "kakao://x" }, /^result: result URLs are not supported/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", result_connection_settings: "{not json" }, /^result_connection_settings: must be a JSON object/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", result_connection_id: 1, result_connection_settings: JSON.stringify({ ...registerSettings("x"), mode: "replace" }) }, /^result_connection_settings\.mode: must be "register" or "edit"/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", result_connection_id: 1, result_connection_settings: JSON.stringify({ ad_account_id: 27429, mode: "edit", file_name: "x" }) }, /^result_connection_settings\.action: is required/],
      ["/v3/job/issue/presto/kakao_db", { query: "select 1", result_connection_settings: JSON.stringify(registerSettings("x")) }, /^result_connection_id: is required/],
    ];
    for (const [path, fields, message] of cases) await expectError(await call(path, form(fields)), 422, "invalid_input", message);
    await expectError(await call("/v3/job/list?status=done"), 422, "invalid_input", /^status: /);
    await expectError(await call("/v3/job/list?from=5&to=2"), 422, "invalid_input", /^to: /);
    await expectError(await call("/v3/connections/lookup"), 422, "invalid_input", /^name: is required/);
    expect(await db.job.count()).toBe(0);
  });

  it("names the schedule field (cron token, time zone, delay, export) and stores no saved query", async () => {
    const base = { query: "select adid from customers", database: "kakao_db", result_connection_id: me.authenticationId, result_connection_settings: JSON.stringify(registerSettings("s")) };
    const cases: [Record<string, string | number>, RegExp][] = [
      [{ ...base, cron: "0 0 32 * *" }, /^cron: .*day-of-month.*32/],
      [{ ...base, cron: "@daily", timezone: "Mars/Base" }, /^timezone: unknown time zone "Mars\/Base"/],
      [{ ...base, cron: "@daily", delay: "soon" }, /^delay: must be a whole number of seconds/],
      [{ ...base, cron: "@daily", priority: 2 }, /^priority: is not supported for schedules/],
      [{ query: "select 1", database: "kakao_db", cron: "@daily" }, /^result_connection_id: is required with a cron/],
      [{ ...base, database: "Not A Db!" }, /^database: /],
      [{ database: "kakao_db", cron: "" }, /^query: is required/],
    ];
    for (const [fields, message] of cases) await expectError(await call("/v3/schedule/create/nightly", form(fields)), 422, "invalid_input", message);
    expect(await db.savedQuery.count()).toBe(0);
    await expectError(await call(`/v3/job/result/1?format=xml`), 422, "invalid_input", /^format: must be tsv, csv or json/);
  });
});

describe("409: conflicts", () => {
  it("refuses a reused domain_key with conflicts_with, without revealing another user's job", async () => {
    const first = await issue({ query: "select 1", domain_key: "nightly-2024-01-01" });
    const body = await expectError(await call("/v3/job/issue/presto/kakao_db", form({ query: "select 2", domain_key: "nightly-2024-01-01" })), 409, "conflict", /domain_key/);
    expect(body).toMatchObject({ conflicts_with: first.job_id, details: { conflicts_with: first.job_id } });
    const theirs = await expectError(await v3Fetch(world.server.url, other.key)("/v3/job/issue/presto/kakao_db", form({ query: "select 3", domain_key: "nightly-2024-01-01" })), 409, "conflict");
    expect(theirs.conflicts_with).toBeUndefined();
    expect(theirs.message).not.toContain(first.job_id);
    expect(await db.job.count()).toBe(1);
  });

  it("refuses killing a finished job, reading a running job's result, and a second schedule of the same name", async () => {
    const done = await issue({ query: "select 1" });
    await waitForJob(status(done.job_id));
    await expectError(await call(`/v3/job/kill/${done.job_id}`, { method: "POST" }), 409, "conflict", /finished/);
    const slow = await issue({ query: "select pg_sleep(20)" });
    await expectError(await call(`/v3/job/result/${slow.job_id}`), 409, "conflict", /once it succeeds/);
    const killed = await (await call(`/v3/job/kill/${slow.job_id}`, { method: "POST" })).json();
    expect(killed).toEqual({ former_status: expect.stringMatching(/^(queued|running)$/), job_id: slow.job_id });
    expect(await waitForJob(status(slow.job_id))).toMatchObject({ status: "killed" });
    await expectError(await call(`/v3/job/result/${slow.job_id}`), 404, "not_found", /killed/);

    expect((await call("/v3/schedule/create/twice", form({ query: "select 1", database: "kakao_db" }))).status).toBe(200);
    await expectError(await call("/v3/schedule/create/twice", form({ query: "select 2", database: "kakao_db" })), 409, "conflict", /twice/);
  });
});

describe("429: rate limit per key", () => {
  it("limits each key on its own, with Retry-After", async () => {
    process.env.API_RATE_LIMIT = "3";
    resetEnvCache();
    for (let i = 0; i < 3; i++) expect((await call("/v3/job/list")).status).toBe(200);
    const limited = await call("/v3/job/list");
    await expectError(limited, 429, "rate_limited", /retry in \d+ s/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await v3Fetch(world.server.url, other.key)("/v3/job/list")).status).toBe(200);
    const [key] = await db.apiKey.findMany({ where: { userId: me.user.id } });
    expect(key!.lastUsedAt).not.toBeNull();
  });
});

describe("schedules: update, run and history", () => {
  it("runs a schedule for a time and the next cron time, and shows both in its history", async () => {
    const create = await call(
      "/v3/schedule/create/hourly",
      asJson({ cron: "0 * * * *", query: "select adid from customers where age < 30", database: "kakao_db", result_connection_id: me.authenticationId, result_connection_settings: registerSettings("hourly") }),
    );
    expect(create.status).toBe(200);
    const updated = await (await call("/v3/schedule/update/hourly", form({ timezone: "Asia/Seoul", delay: 30 }))).json();
    expect(updated).toMatchObject({ name: "hourly", cron: "0 * * * *", timezone: "Asia/Seoul", delay: 30 });

    const at = Date.UTC(2024, 0, 1, 5, 0, 0) / 1000;
    const run = await (await call(`/v3/schedule/run/hourly/${at}?num=2`, { method: "POST" })).json();
    expect(run.jobs).toEqual([
      { job_id: expect.any(String), type: "presto", scheduled_at: "2024-01-01 05:00:00 UTC" },
      { job_id: expect.any(String), type: "presto", scheduled_at: "2024-01-01 06:00:00 UTC" },
    ]);
    for (const job of run.jobs) await waitForJob(status(job.job_id));
    const { history } = await (await call("/v3/schedule/history/hourly")).json();
    expect(history.map((h: { scheduled_at: string; job_id: string }) => [h.scheduled_at, h.job_id])).toEqual([
      ["2024-01-01 06:00:00 UTC", run.jobs[1].job_id],
      ["2024-01-01 05:00:00 UTC", run.jobs[0].job_id],
    ]);
    // Both run at once: one registers "hourly", the other finds the name taken (register never overwrites).
    expect(history.map((h: { status: string }) => h.status).sort()).toEqual(["error", "success"]);
    await expectError(await call(`/v3/schedule/run/hourly/${at}`, { method: "POST" }), 409, "conflict");
  });
});
