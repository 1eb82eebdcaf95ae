/**
 * The OpenAPI 3.1 description of the v3 API, served at /v3/openapi.json. lib/td-api/openapi.test.ts
 * checks that it lists exactly the route handlers under app/v3 and that real responses match it.
 */
type Schema = Record<string, unknown>;

const str = { type: "string" };
const int = { type: "integer" };
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type as string, "null"] });
const time = { type: ["string", "null"], pattern: "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC$", description: "2020-12-31 11:22:33 UTC" };
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: "object", properties, required });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const STATUS = { type: "string", enum: ["queued", "booting", "running", "success", "error", "killed"] };

const jobStatus = obj({
  job_id: str,
  status: STATUS,
  created_at: time,
  updated_at: time,
  start_at: time,
  end_at: time,
  duration: nullable(int),
  result_size: int,
  num_records: int,
});

const job = {
  ...jobStatus,
  properties: {
    ...(jobStatus.properties as Schema),
    type: { type: "string", enum: ["presto", "trino", "hive"] },
    database: str,
    query: str,
    url: str,
    user_name: str,
    priority: int,
    retry_limit: int,
    result: str,
    result_connection_id: nullable(int),
    result_connection_settings: { type: ["string", "null"], description: "The Kakao Moment export settings as a JSON string" },
    hive_result_schema: { type: ["string", "null"], description: 'JSON string: [["name","type"], …]' },
    scheduled_at: time,
    domain_key: nullable(str),
    num_records_exported: nullable(int),
    debug: obj({ cmdout: str, stderr: str }),
  },
  required: [...(jobStatus.required as string[]), "type", "database", "query", "url", "user_name", "priority", "retry_limit", "result", "hive_result_schema"],
};

const schedule = obj(
  {
    name: str,
    cron: str,
    timezone: str,
    delay: int,
    created_at: time,
    updated_at: time,
    type: str,
    query: str,
    database: str,
    user_name: str,
    priority: int,
    retry_limit: int,
    result: str,
    result_connection_id: nullable(int),
    result_connection_settings: nullable(str),
    next_time: time,
    paused: { type: "boolean" },
    disabled_reason: nullable(str),
  },
  ["name", "cron", "timezone", "delay", "query", "database", "next_time"],
);

const error = obj({ error: str, message: str, conflicts_with: str }, ["error", "message"]);

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: ({ 400: "The request cannot be read", 401: "Missing, unknown or revoked API key", 403: "The key's user is disabled", 404: "Not found (or another user's)", 409: "Conflict", 422: "Invalid field (the message names it)", 429: "Rate limited (Retry-After)" } as Record<number, string>)[code],
        content: { "application/json": { schema: ref("Error") } },
      },
    ]),
  );

const COMMON = [401, 403, 429];
const ok = (schema: Schema, description = "OK") => ({ "200": { description, content: { "application/json": { schema } } } });
const path = (name: string, schema: Schema = str) => ({ name, in: "path", required: true, schema });
const query = (name: string, schema: Schema = str, description?: string) => ({ name, in: "query", required: false, schema, ...(description ? { description } : {}) });

/** Request bodies: form-encoded, multipart and JSON carry the same parameters. */
function body(properties: Record<string, Schema>, required: string[] = []): Schema {
  const schema = { type: "object", properties, required };
  return { required: required.length > 0, content: { "application/x-www-form-urlencoded": { schema }, "multipart/form-data": { schema }, "application/json": { schema } } };
}

const exportFields = {
  result_connection_id: { type: ["integer", "string"], description: "An authentication id (GET /v3/connections/lookup?name=)" },
  result_connection_settings: { type: ["string", "object"], description: 'JSON: {"type":"kakao_moment","data_source":"customer_file","ad_account_id":27429,"mode":"register|edit","file_name":"…","action":"stop|send_first_200mb"}' },
};

const scheduleFields = {
  cron: str,
  query: str,
  database: str,
  type: { type: "string", enum: ["presto", "trino", "hive"] },
  timezone: str,
  delay: { type: ["integer", "string"] },
  priority: { type: ["integer", "string"], description: "0 only" },
  retry_limit: { type: ["integer", "string"], description: "0 only" },
  ...exportFields,
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "Kakao Moment Export Hub — Treasure Data-compatible API", version: "3" },
    components: {
      securitySchemes: { td1: { type: "apiKey", in: "header", name: "Authorization", description: "TD1 <api key>" } },
      schemas: { Job: job, JobStatus: jobStatus, Schedule: schedule, Error: error },
    },
    security: [{ td1: [] }],
    paths: {
      "/v3/job/issue/{type}/{db}": {
        post: {
          summary: "Issue a query job (optionally exported to Kakao Moment)",
          parameters: [path("type", { type: "string", enum: ["presto", "trino", "hive"] }), path("db")],
          requestBody: body(
            {
              query: str,
              priority: { type: ["integer", "string"], minimum: -2, maximum: 2 },
              retry_limit: { type: ["integer", "string"] },
              scheduled_time: { type: ["integer", "string"], description: "unix time or 2020-12-31 11:22:33 UTC" },
              domain_key: str,
              ...exportFields,
            },
            ["query"],
          ),
          responses: { ...ok(obj({ job: str, database: str, job_id: str })), ...errors(400, 404, 409, 422, ...COMMON) },
        },
      },
      "/v3/job/show/{id}": { get: { summary: "A job", parameters: [path("id")], responses: { ...ok(ref("Job")), ...errors(404, ...COMMON) } } },
      "/v3/job/status/{id}": { get: { summary: "A job's status", parameters: [path("id")], responses: { ...ok(ref("JobStatus")), ...errors(404, ...COMMON) } } },
      "/v3/job/list": {
        get: {
          summary: "Jobs, newest first",
          parameters: [query("from", str, "first index (default 0)"), query("to", str, "last index, inclusive (default from + 19)"), query("status", STATUS)],
          responses: { ...ok(obj({ jobs: { type: "array", items: ref("Job") }, count: int, from: int, to: int })), ...errors(422, ...COMMON) },
        },
      },
      "/v3/job/kill/{id}": {
        post: { summary: "Kill a job", parameters: [path("id")], responses: { ...ok(obj({ former_status: STATUS, job_id: str })), ...errors(404, 409, ...COMMON) } },
      },
      "/v3/job/result/{id}": {
        get: {
          summary: "A query-only job's rows, streamed",
          parameters: [path("id"), query("format", { type: "string", enum: ["tsv", "csv", "json"] }, "json: one JSON array per line")],
          responses: {
            "200": { description: "The rows", content: { "text/tab-separated-values": { schema: str }, "text/csv": { schema: str }, "application/x-ndjson": { schema: str } } },
            ...errors(404, 409, 422, ...COMMON),
          },
        },
      },
      "/v3/connections/lookup": {
        get: { summary: "An authentication's id by name", parameters: [query("name")], responses: { ...ok(obj({ id: int, name: str, type: str, status: str })), ...errors(404, 422, ...COMMON) } },
      },
      "/v3/kakao/doctor": {
        post: {
          summary: "The Kakao doctor (a hub extension): probe Kakao with one of your authentications and compare each answer's shape with what the hub assumes",
          requestBody: body({ authentication: { type: "string", description: "The authentication's name" }, write: { type: "string", enum: ["true", "false", "1", "0"], description: "Also register, edit and delete a one-line test file" }, ad_account_id: { type: ["integer", "string"], description: "Required with write" } }, ["authentication"]),
          responses: {
            ...ok(
              obj({
                authentication: str,
                authorize_url: str,
                ok: { type: "boolean" },
                rows: { type: "array", items: obj({ fact: str, assumed: str, seen: str, verdict: { type: "string", enum: ["as assumed", "differs", "not checked"] }, setting: nullable(str), grade: { type: "string", enum: ["doc", "measured", "2nd", "unknown"] } }) },
              }),
            ),
            ...errors(404, 422, ...COMMON),
          },
        },
      },
      "/v3/schedule/create/{name}": {
        post: {
          summary: "Create a schedule (a saved query with a cron)",
          parameters: [path("name")],
          requestBody: body(scheduleFields, ["query", "database"]),
          responses: { ...ok({ ...schedule, properties: { ...(schedule.properties as Schema), start: time }, required: [...(schedule.required as string[]), "start"] }), ...errors(400, 404, 409, 422, ...COMMON) },
        },
      },
      "/v3/schedule/list": { get: { summary: "Schedules", responses: { ...ok(obj({ schedules: { type: "array", items: ref("Schedule") } })), ...errors(...COMMON) } } },
      "/v3/schedule/update/{name}": {
        post: { summary: "Update a schedule (name renames)", parameters: [path("name")], requestBody: body({ ...scheduleFields, name: str }), responses: { ...ok(ref("Schedule")), ...errors(400, 404, 409, 422, ...COMMON) } },
      },
      "/v3/schedule/delete/{name}": { post: { summary: "Delete a schedule", parameters: [path("name")], responses: { ...ok(ref("Schedule")), ...errors(404, ...COMMON) } } },
      "/v3/schedule/history/{name}": {
        get: {
          summary: "A schedule's runs, newest first",
          parameters: [path("name"), query("from"), query("to")],
          responses: { ...ok(obj({ history: { type: "array", items: { ...jobStatus, properties: { ...(jobStatus.properties as Schema), job_id: nullable(str), scheduled_at: time, run_at: time, type: str, database: str, query: str }, required: ["job_id", "status", "scheduled_at"] } }, count: int, from: int, to: int })), ...errors(404, 422, ...COMMON) },
        },
      },
      "/v3/schedule/run/{name}/{time}": {
        post: {
          summary: "Run a schedule for a time (and the next num-1 times)",
          parameters: [path("name"), path("time", { type: "string", description: "unix time or 2020-12-31 11:22:33 UTC" }), query("num", str, "1-10")],
          responses: { ...ok(obj({ jobs: { type: "array", items: obj({ job_id: str, type: str, scheduled_at: time }) } })), ...errors(404, 409, 422, ...COMMON) },
        },
      },
      "/v3/openapi.json": { get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } } } },
    },
  };
}
