#!/usr/bin/env node
/**
 * kakao-hub — a `td` toolbelt-style CLI for this product's Treasure Data-compatible v3 API.
 * Plain Node (no dependencies), so it runs anywhere Node 20 does: `npx kakao-hub …` or `node bin/kakao-hub.mjs …`.
 *
 *   kakao-hub query -d kakao_db -w "select adid from customers" --result-connection my_kakao \
 *     --result-settings '{"ad_account_id": 27429, "mode": "register", "file_name": "audience"}'
 *
 * Endpoint and key: --endpoint / --apikey, or KAKAO_HUB_ENDPOINT / KAKAO_HUB_APIKEY (TD_API_SERVER /
 * TD_API_KEY also work, as with the toolbelt). Exit codes: 0 success, 1 job or API error, 2 usage.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";

const FINISHED = ["success", "error", "killed"];
const POLL_MS = Number(process.env.KAKAO_HUB_POLL_MS ?? 1000);

class UsageError extends Error {}
class ApiError extends Error {
  constructor(status, body) {
    super(`${body?.message ?? body?.error ?? `HTTP ${status}`} (HTTP ${status})`);
    this.status = status;
    this.body = body;
  }
}

const GLOBAL = {
  endpoint: { type: "string", short: "e" },
  apikey: { type: "string", short: "k" },
  help: { type: "boolean", short: "h" },
};

const EXPORT = {
  result: { type: "string", short: "r" },
  "result-connection": { type: "string" },
  "result-settings": { type: "string" },
};

const OUTPUT = {
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  "column-header": { type: "boolean", short: "c" },
  limit: { type: "string", short: "l" },
};

const COMMANDS = {
  query: {
    usage: "query [sql | -] -d DB [-w] [-T presto|trino|hive] [-q PATH] [-P -2..2] [-R N] [-f tsv|csv|json|table] [-o PATH] [-c] [-l N] [--result-connection NAME --result-settings JSON] [--domain-key KEY]",
    options: { database: { type: "string", short: "d" }, wait: { type: "boolean", short: "w" }, type: { type: "string", short: "T" }, query: { type: "string", short: "q" }, priority: { type: "string", short: "P" }, retry: { type: "string", short: "R" }, "domain-key": { type: "string" }, ...OUTPUT, ...EXPORT },
    run: query,
  },
  "job:show": { usage: "job:show <id> [-w] [-f tsv|csv|json|table] [-o PATH] [-c] [-l N]", options: { wait: { type: "boolean", short: "w" }, ...OUTPUT }, run: jobShow },
  "job:status": { usage: "job:status <id>", options: {}, run: jobStatus },
  "job:list": {
    usage: "job:list [max] [-s SKIP] [-R|--running] [-S|--success] [-E|--error] [-Q|--queued] [-K|--killed]",
    options: { skip: { type: "string", short: "s" }, page: { type: "string", short: "p" }, running: { type: "boolean", short: "R" }, success: { type: "boolean", short: "S" }, error: { type: "boolean", short: "E" }, queued: { type: "boolean", short: "Q" }, killed: { type: "boolean", short: "K" } },
    run: jobList,
  },
  "job:kill": { usage: "job:kill <id>", options: {}, run: jobKill },
  "sched:create": {
    usage: "sched:create <name> <cron> [sql] -d DB [-t TZ] [-D SECONDS] [-q PATH] [-T TYPE] [--result-connection NAME --result-settings JSON]",
    options: { database: { type: "string", short: "d" }, timezone: { type: "string", short: "t" }, delay: { type: "string", short: "D" }, query: { type: "string", short: "q" }, type: { type: "string", short: "T" }, priority: { type: "string", short: "P" }, retry: { type: "string", short: "R" }, ...EXPORT },
    run: schedCreate,
  },
  "sched:list": { usage: "sched:list", options: {}, run: schedList },
  "sched:update": {
    usage: "sched:update <name> [-n NEWNAME] [-s CRON] [-q SQL] [-d DB] [-t TZ] [-D SECONDS] [-T TYPE] [--result-connection NAME --result-settings JSON]",
    options: { newname: { type: "string", short: "n" }, schedule: { type: "string", short: "s" }, query: { type: "string", short: "q" }, database: { type: "string", short: "d" }, timezone: { type: "string", short: "t" }, delay: { type: "string", short: "D" }, type: { type: "string", short: "T" }, priority: { type: "string", short: "P" }, retry: { type: "string", short: "R" }, ...EXPORT },
    run: schedUpdate,
  },
  "sched:delete": { usage: "sched:delete <name>", options: {}, run: schedDelete },
  "sched:history": { usage: "sched:history <name> [max] [-s SKIP]", options: { skip: { type: "string", short: "s" }, page: { type: "string", short: "p" } }, run: schedHistory },
  "sched:run": { usage: "sched:run <name> <time> [-n NUM]", options: { num: { type: "string", short: "n" } }, run: schedRun },
  "kakao:doctor": {
    usage: "kakao:doctor --authentication NAME [--ad-account ID] [--write]   (exit 0: every fact as assumed, 1: some differ)",
    options: { authentication: { type: "string", short: "a" }, "ad-account": { type: "string" }, write: { type: "boolean" } },
    run: kakaoDoctor,
  },
};

function help() {
  return [
    "usage: kakao-hub <command> [options]   (--endpoint URL --apikey KEY, or KAKAO_HUB_ENDPOINT / KAKAO_HUB_APIKEY)",
    "",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    "",
    "Exit codes: 0 success, 1 job or API error, 2 usage error.",
  ].join("\n");
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────────────

function connection(values) {
  let endpoint = values.endpoint ?? process.env.KAKAO_HUB_ENDPOINT ?? process.env.TD_API_SERVER ?? "http://127.0.0.1:3000";
  if (!/^https?:\/\//.test(endpoint)) endpoint = `https://${endpoint}`;
  const apikey = values.apikey ?? process.env.KAKAO_HUB_APIKEY ?? process.env.TD_API_KEY;
  if (!apikey) throw new UsageError("no API key: pass --apikey KEY or set KAKAO_HUB_APIKEY (create one under Account → API keys)");
  return { endpoint: endpoint.replace(/\/+$/, ""), apikey };
}

function api(conn) {
  async function call(method, path, params) {
    const init = { method, headers: { authorization: `TD1 ${conn.apikey}`, accept: "application/json" } };
    if (params && method === "POST") {
      init.headers["content-type"] = "application/x-www-form-urlencoded";
      init.body = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
    }
    let url = `${conn.endpoint}${path}`;
    if (params && method === "GET") {
      const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
      if (query) url += `?${query}`;
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new Error(`cannot reach ${conn.endpoint}: ${error.cause?.message ?? error.message}`);
    }
    if (!response.ok) {
      let body = null;
      try {
        body = await response.json();
      } catch {
        // not JSON
      }
      throw new ApiError(response.status, body);
    }
    return response;
  }
  return {
    get: async (path, params) => (await call("GET", path, params)).json(),
    post: async (path, params) => (await call("POST", path, params ?? {})).json(),
    raw: (path, params) => call("GET", path, params),
  };
}

const enc = encodeURIComponent;

// ─── Output ──────────────────────────────────────────────────────────────────────────────────────

function table(headers, rows) {
  const cells = rows.map((row) => row.map((v) => (v === null || v === undefined ? "" : String(v)).replace(/\s+/g, " ")));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const fmt = (row) => `| ${row.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  return [line, fmt(headers), line, ...cells.map(fmt), line].join("\n") + "\n";
}

const truncate = (text, n) => (text && text.length > n ? `${text.slice(0, n - 1)}…` : (text ?? ""));

function elapsed(job) {
  return job.duration === null || job.duration === undefined ? "" : `${job.duration} s`;
}

function positiveInt(name, raw, { min = 1, max = 1_000_000 } = {}) {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

function columnsOf(job) {
  try {
    return JSON.parse(job.hive_result_schema ?? "[]").map(([name]) => name);
  } catch {
    return [];
  }
}

/** Write a query-only job's rows: table (stdout default) or tsv/csv/json (file default tsv). */
async function writeResult(client, job, values) {
  const format = values.format ?? (values.output ? "tsv" : "table");
  if (!["tsv", "csv", "json", "table"].includes(format)) throw new UsageError("-f/--format must be tsv, csv, json or table");
  const limit = positiveInt("-l/--limit", values.limit);
  const response = await client.raw(`/v3/job/result/${enc(job.job_id)}`, { format: format === "table" ? "json" : format });
  const out = values.output ? fs.createWriteStream(values.output) : process.stdout;
  const columns = columnsOf(job);
  const lines = readLines(response.body);
  if (format === "table") {
    const rows = [];
    for await (const line of lines) {
      if (limit !== undefined && rows.length >= limit) break;
      rows.push(JSON.parse(line).map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v)));
    }
    await write(out, table(columns, rows));
  } else {
    if (values["column-header"] && format !== "json") await write(out, format === "csv" ? `${columns.map(csvCell).join(",")}\r\n` : `${columns.join("\t")}\n`);
    let n = 0;
    for await (const line of lines) {
      if (limit !== undefined && n++ >= limit) break;
      await write(out, `${line}${format === "csv" ? "\r\n" : "\n"}`);
    }
  }
  if (values.output) await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

const csvCell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function write(stream, text) {
  return new Promise((resolve, reject) => (stream.write(text, (error) => (error ? reject(error) : resolve()))));
}

/** Lines of a response body (a CSV record with a quoted newline stays one record only in csv's own terms; -l counts lines). */
async function* readLines(body) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = pending.indexOf("\n")) !== -1) {
      yield pending.slice(0, i).replace(/\r$/, "");
      pending = pending.slice(i + 1);
    }
  }
  pending += decoder.decode();
  if (pending) yield pending;
}

function showJob(job) {
  const lines = [
    `JobID       : ${job.job_id}`,
    `Status      : ${job.status}`,
    `Type        : ${job.type}`,
    `Database    : ${job.database}`,
    `Priority    : ${job.priority}`,
    `Retry limit : ${job.retry_limit}`,
    `Created     : ${job.created_at ?? ""}`,
    `Started     : ${job.start_at ?? ""}`,
    `Finished    : ${job.end_at ?? ""}`,
    `Duration    : ${elapsed(job)}`,
    `Records     : ${job.num_records}`,
    `Result size : ${job.result_size} bytes`,
  ];
  if (job.scheduled_at) lines.push(`Scheduled   : ${job.scheduled_at}`);
  if (job.result_connection_settings) {
    const s = JSON.parse(job.result_connection_settings);
    lines.push(`Export      : Kakao Moment ${s.mode} "${s.file_name}" (ad account ${s.ad_account_id}) via connection ${job.result_connection_id}; ${job.num_records_exported} ADIDs exported`);
  }
  lines.push(`URL         : ${job.url}`, "Query       :", ...job.query.split("\n").map((l) => `  ${l}`));
  if (job.status === "error" && job.debug?.stderr) lines.push("Error       :", `  ${job.debug.stderr}`);
  return lines.join("\n") + "\n";
}

// ─── Commands ────────────────────────────────────────────────────────────────────────────────────

function readSql(positional, path, { required = true } = {}) {
  if (positional !== undefined && path !== undefined) throw new UsageError("give the SQL either as an argument or with -q PATH, not both");
  if (path !== undefined) {
    try {
      return fs.readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${error.code ?? error.message}`);
    }
  }
  if (positional === "-") return fs.readFileSync(0, "utf8");
  if (positional === undefined && required) throw new UsageError("no SQL: give it as an argument, - for stdin, or -q PATH");
  return positional;
}

/** --result-connection NAME (or -r NAME) + --result-settings JSON → API fields. */
async function exportFields(client, values) {
  const name = values["result-connection"] ?? values.result;
  const settings = values["result-settings"];
  if (name === undefined && settings === undefined) return {};
  if (name === undefined) throw new UsageError("--result-settings needs --result-connection NAME");
  if (settings === undefined) throw new UsageError("--result-connection needs --result-settings JSON");
  try {
    JSON.parse(settings);
  } catch {
    throw new UsageError("--result-settings must be JSON, e.g. '{\"ad_account_id\": 27429, \"mode\": \"register\", \"file_name\": \"audience\"}'");
  }
  const { id } = await client.get("/v3/connections/lookup", { name });
  return { result_connection_id: id, result_connection_settings: settings };
}

async function waitFor(client, id, { quiet = false } = {}) {
  let last = "";
  for (;;) {
    const status = await client.get(`/v3/job/status/${enc(id)}`);
    const line = `Job ${id}: ${status.status}${status.num_records ? `, ${status.num_records} rows` : ""}`;
    if (!quiet && line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (FINISHED.includes(status.status)) return client.get(`/v3/job/show/${enc(id)}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function finish(client, job, values) {
  if (job.status !== "success") {
    process.stderr.write(`Job ${job.job_id} ${job.status}${job.debug?.stderr ? `: ${job.debug.stderr}` : ""}\n`);
    return 1;
  }
  if (job.result_connection_settings) {
    process.stdout.write(showJob(job));
    return 0;
  }
  await writeResult(client, job, values);
  return 0;
}

async function query(client, values, [sqlArg, ...rest]) {
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!values.database) throw new UsageError("-d/--database is required");
  const sql = readSql(sqlArg, values.query);
  const type = values.type ?? "presto";
  if (!["presto", "trino", "hive"].includes(type)) throw new UsageError("-T/--type must be presto, trino or hive");
  const fields = {
    query: sql,
    priority: positiveInt("-P/--priority", values.priority, { min: -2, max: 2 }),
    retry_limit: positiveInt("-R/--retry", values.retry, { min: 0, max: 10 }),
    domain_key: values["domain-key"],
    ...(await exportFields(client, values)),
  };
  const issued = await client.post(`/v3/job/issue/${type}/${enc(values.database)}`, fields);
  process.stderr.write(`Job ${issued.job_id} is queued.\n`);
  if (!values.wait) {
    process.stdout.write(`${issued.job_id}\n`);
    process.stderr.write(`Use 'kakao-hub job:show ${issued.job_id}' to show the status.\n`);
    return 0;
  }
  return finish(client, await waitFor(client, issued.job_id), values);
}

function oneId(args) {
  if (args.length !== 1) throw new UsageError("give exactly one job id");
  if (!/^\d+$/.test(args[0])) throw new UsageError(`"${args[0]}" is not a job id`);
  return args[0];
}

async function jobShow(client, values, args) {
  const id = oneId(args);
  const job = values.wait ? await waitFor(client, id) : await client.get(`/v3/job/show/${id}`);
  process.stdout.write(showJob(job));
  if (job.status === "success" && !job.result_connection_settings && (values.wait || values.format || values.output)) {
    process.stdout.write("Result      :\n");
    await writeResult(client, job, values);
  }
  return job.status === "error" || job.status === "killed" ? 1 : 0;
}

async function jobStatus(client, _values, args) {
  const status = await client.get(`/v3/job/status/${oneId(args)}`);
  process.stdout.write(`${status.status}\n`);
  return 0;
}

async function jobList(client, values, args) {
  if (args.length > 1) throw new UsageError("job:list takes at most one argument (max)");
  const max = positiveInt("max", args[0], { max: 200 }) ?? 20;
  const page = positiveInt("-p/--page", values.page, { min: 0 });
  const skip = positiveInt("-s/--skip", values.skip, { min: 0 }) ?? (page !== undefined ? page * max : 0);
  const statuses = ["running", "success", "error", "queued", "killed"].filter((s) => values[s]);
  if (statuses.length > 1) throw new UsageError("choose one status flag");
  const { jobs } = await client.get("/v3/job/list", { from: skip, to: skip + max - 1, status: statuses[0] });
  process.stdout.write(table(["JobID", "Status", "Start", "Elapsed", "Type", "Database", "Query", "Result"], jobs.map((j) => [j.job_id, j.status, j.start_at, elapsed(j), j.type, j.database, truncate(j.query, 50), j.result_connection_settings ? `kakao_moment:${JSON.parse(j.result_connection_settings).file_name}` : ""])));
  process.stdout.write(`${jobs.length} jobs\n`);
  return 0;
}

async function jobKill(client, _values, args) {
  const id = oneId(args);
  const killed = await client.post(`/v3/job/kill/${id}`);
  process.stdout.write(`Job ${id} is being killed (was ${killed.former_status}).\n`);
  return 0;
}

function scheduleFields(values) {
  return {
    database: values.database,
    timezone: values.timezone,
    delay: positiveInt("-D/--delay", values.delay, { min: 0, max: 86_400 }),
    type: values.type,
    priority: values.priority,
    retry_limit: values.retry,
  };
}

function printSchedule(s) {
  process.stdout.write(
    [`Name        : ${s.name}`, `Cron        : ${s.cron}`, `Timezone    : ${s.timezone}`, `Delay       : ${s.delay} s`, `Next        : ${s.next_time ?? ""}`, `Database    : ${s.database}`, `Query       : ${s.query}`].join("\n") + "\n",
  );
}

async function schedCreate(client, values, [name, cron, sqlArg, ...rest]) {
  if (!name || cron === undefined) throw new UsageError("sched:create needs <name> <cron> [sql]");
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!values.database) throw new UsageError("-d/--database is required");
  const sql = readSql(sqlArg, values.query);
  const schedule = await client.post(`/v3/schedule/create/${enc(name)}`, { cron, query: sql, ...scheduleFields(values), ...(await exportFields(client, values)) });
  process.stdout.write(`Schedule '${name}' is created. It starts at ${schedule.start ?? "(never: no cron)"}.\n`);
  return 0;
}

async function schedList(client, _values, args) {
  if (args.length) throw new UsageError("sched:list takes no arguments");
  const { schedules } = await client.get("/v3/schedule/list");
  process.stdout.write(table(["Name", "Cron", "Timezone", "Delay", "Next schedule", "Database", "Query", "Paused"], schedules.map((s) => [s.name, s.cron, s.timezone, s.delay, s.next_time, s.database, truncate(s.query, 50), s.paused ? "yes" : ""])));
  process.stdout.write(`${schedules.length} schedules\n`);
  return 0;
}

async function schedUpdate(client, values, [name, ...rest]) {
  if (!name || rest.length) throw new UsageError("sched:update needs exactly <name>");
  const fields = { name: values.newname, cron: values.schedule, query: values.query, ...scheduleFields(values), ...(await exportFields(client, values)) };
  if (Object.values(fields).every((v) => v === undefined)) throw new UsageError("nothing to update: give -s CRON, -q SQL, -d DB, -t TZ, -D SECONDS, -n NEWNAME or --result-connection");
  const schedule = await client.post(`/v3/schedule/update/${enc(name)}`, fields);
  process.stdout.write(`Schedule '${name}' is updated.\n`);
  printSchedule(schedule);
  return 0;
}

async function schedDelete(client, _values, [name, ...rest]) {
  if (!name || rest.length) throw new UsageError("sched:delete needs exactly <name>");
  await client.post(`/v3/schedule/delete/${enc(name)}`);
  process.stdout.write(`Schedule '${name}' is deleted.\n`);
  return 0;
}

async function schedHistory(client, values, [name, maxArg, ...rest]) {
  if (!name || rest.length) throw new UsageError("sched:history needs <name> [max]");
  const max = positiveInt("max", maxArg, { max: 200 }) ?? 20;
  const page = positiveInt("-p/--page", values.page, { min: 0 });
  const skip = positiveInt("-s/--skip", values.skip, { min: 0 }) ?? (page !== undefined ? page * max : 0);
  const { history } = await client.get(`/v3/schedule/history/${enc(name)}`, { from: skip, to: skip + max - 1 });
  process.stdout.write(table(["JobID", "Time", "Status", "Start", "Elapsed"], history.map((h) => [h.job_id, h.scheduled_at, h.status, h.start_at, elapsed(h)])));
  process.stdout.write(`${history.length} runs\n`);
  return 0;
}

/** `1704067200`, `2024-01-01 00:00:00` (UTC) or ISO-8601 → unix seconds. */
function unixTime(text) {
  if (/^\d+$/.test(text)) return text;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\s*UTC|Z)?$/.exec(text.trim());
  const date = m ? new Date(`${m[1]}T${m[2]}Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`"${text}" is not a time (use unix seconds or "2024-01-01 00:00:00")`);
  return String(Math.floor(date.getTime() / 1000));
}

async function schedRun(client, values, [name, time, ...rest]) {
  if (!name || !time || rest.length) throw new UsageError("sched:run needs <name> <time>");
  const num = positiveInt("-n/--num", values.num, { max: 10 });
  const path = `/v3/schedule/run/${enc(name)}/${unixTime(time)}${num ? `?num=${num}` : ""}`;
  const { jobs } = await client.post(path);
  process.stdout.write(table(["JobID", "Time"], jobs.map((j) => [j.job_id, j.scheduled_at])));
  process.stdout.write(`${jobs.length} jobs are queued.\n`);
  return 0;
}

/**
 * Probe real Kakao with one authentication and compare each answer's shape with what the product
 * assumes: a table of fact / assumed / seen / verdict / setting. Exit 0 all as assumed, 1 some differ.
 */
async function kakaoDoctor(client, values, args) {
  if (args.length) throw new UsageError(`unexpected argument "${args[0]}"`);
  if (!values.authentication) throw new UsageError("--authentication NAME is required (the name of one of your Kakao authentications)");
  const adAccount = positiveInt("--ad-account", values["ad-account"], { max: Number.MAX_SAFE_INTEGER });
  if (values.write && adAccount === undefined) throw new UsageError("--write needs --ad-account ID (the ad account the one-line test file goes to)");
  if (values.write) process.stderr.write(`Registering, editing and deleting a one-line test file in ad account ${adAccount} (waits for Kakao's write interval)…\n`);
  const report = await client.post("/v3/kakao/doctor", { authentication: values.authentication, ad_account_id: adAccount, write: values.write ? "true" : undefined });
  process.stdout.write(`Authentication: ${report.authentication}\nAuthorize URL : ${report.authorize_url}\n`);
  process.stdout.write(table(["Fact", "Assumed", "Seen", "Verdict", "Setting"], report.rows.map((r) => [r.fact, r.assumed, r.seen, r.verdict, r.verdict === "differs" ? (r.setting ?? "(documented: report it)") : (r.setting ?? "")])));
  const differ = report.rows.filter((r) => r.verdict === "differs");
  const unchecked = report.rows.filter((r) => r.verdict === "not checked").length;
  if (differ.length) {
    const settings = [...new Set(differ.map((r) => r.setting).filter(Boolean))];
    const documented = differ.length - differ.filter((r) => r.setting).length;
    const parts = [];
    if (settings.length) parts.push(`set ${settings.join(", ")} as the Seen column says, then run the doctor again`);
    if (documented) parts.push(`${documented} documented fact(s) differ from Kakao's docs: no setting covers them, report them with this table`);
    process.stdout.write(`${differ.length} fact(s) differ: ${parts.join("; ")}.\n`);
    return 1;
  }
  process.stdout.write(`Every checked fact is as assumed${unchecked ? ` (${unchecked} not checked${values.write ? "" : ": --write --ad-account ID checks the write calls"})` : ""}.\n`);
  return 0;
}

// ─── Main ────────────────────────────────────────────────────────────────────────────────────────

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "-h" || name === "--help") {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (parsed.values.help) {
    process.stdout.write(`usage: kakao-hub ${command.usage}\n`);
    return 0;
  }
  return command.run(api(connection(parsed.values)), parsed.values, parsed.positionals);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`usage error: ${error.message}\n(kakao-hub help lists the commands)\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  },
);
