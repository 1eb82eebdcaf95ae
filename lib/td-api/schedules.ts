/**
 * `/v3/schedule/*`: in Treasure Data a schedule is a saved query with a cron, addressed by its name.
 * Here too: each call finds the caller's saved query by name and uses the same functions as the
 * console (saveQuery / deleteSavedQuery of the workbench, setSchedule / runNow of lib/schedule).
 * Everything a call needs is validated before anything is written, so a refused call stores nothing.
 * Schedules run the query's Kakao Moment export, so a cron needs result_connection_id and
 * result_connection_settings (as on the console's schedule panel).
 */
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { exportSettingsSchema, type ExportSettings } from "@/lib/export/settings";
import { deleteSavedQuery, saveQuery, savedQueryView, type SavedQueryView } from "@/lib/workbench/queries";
import { queryNameSchema, sqlSchema } from "@/lib/workbench/schemas";
import { databaseNameSchema } from "@/lib/warehouse/names";
import { runNow, setSchedule } from "@/lib/schedule/schedules";
import { cronSchema, delaySecondsSchema, timeZoneSchema } from "@/lib/schedule/schemas";
import { nextRuns } from "@/lib/schedule/cron";
import { tdTime, type Params } from "@/lib/td-api/http";
import { invalid, jsonObject, tdIssues, tdTimeInput, text } from "@/lib/td-api/fields";
import { toTdJobStatus } from "@/lib/td-api/jobs";

/** At most this many runs per schedule/run call. */
export const MAX_RUNS = 10;

const TYPES = ["presto", "trino", "hive"] as const;

export function toTdSchedule(query: SavedQueryView) {
  const paused = !!query.scheduleCron && !query.scheduleEnabled;
  return {
    name: query.name,
    cron: query.scheduleCron ?? "",
    timezone: query.scheduleTimezone,
    delay: query.scheduleDelaySeconds,
    created_at: tdTime(query.createdAt),
    updated_at: tdTime(query.updatedAt),
    type: "presto",
    query: query.sql,
    database: query.database,
    user_name: query.owner.email,
    priority: 0,
    retry_limit: 0,
    result: "",
    result_connection_id: query.exportAuthenticationId,
    result_connection_settings: query.exportSettings ? JSON.stringify(query.exportSettings) : null,
    next_time: tdTime(query.scheduleNextAt),
    paused,
    disabled_reason: query.scheduleDisabledReason,
  };
}

/** The caller's saved query with this name (an activation's hidden query is not a schedule). */
async function findByName(user: SessionUser, name: string | undefined): Promise<SavedQueryView> {
  const found = name ? await db.savedQuery.findFirst({ where: { ownerId: user.id, name, activation: { is: null } }, select: savedQueryView }) : null;
  if (!found) throw new AppError("not_found", `Schedule "${String(name).slice(0, 100)}" not found`);
  return found;
}

function parseWith<S extends z.ZodType>(schema: S, field: string, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw tdIssues(parsed.error.issues.map((i) => ({ ...i, path: [field, ...i.path] })));
  return parsed.data;
}

/** Fields Treasure Data accepts that this product has no use for: allowed only at their neutral value. */
function rejectUnsupported(params: Params): void {
  if (text(params, "result")) throw invalid("result", "result URLs are not supported: use result_connection_id and result_connection_settings");
  for (const field of ["priority", "retry_limit"]) {
    const value = text(params, field);
    if (value !== undefined && Number(value) !== 0) throw invalid(field, "is not supported for schedules (scheduled runs use priority 0 and no automatic retries)");
  }
  const type = text(params, "type");
  if (type !== undefined && !(TYPES as readonly string[]).includes(type)) throw invalid("type", "must be presto, trino or hive");
}

/** result_connection_id + result_connection_settings: both or neither (undefined = not sent). */
function parseExport(params: Params): { authenticationId: number; settings: ExportSettings } | undefined {
  const id = text(params, "result_connection_id");
  const settings = jsonObject(params, "result_connection_settings");
  if (id === undefined && settings === undefined) return undefined;
  if (id === undefined) throw invalid("result_connection_id", "is required with result_connection_settings");
  if (settings === undefined) throw invalid("result_connection_settings", "are required with result_connection_id");
  if (!/^\d{1,9}$/.test(id) || Number(id) < 1) throw invalid("result_connection_id", "must be an authentication id (see GET /v3/connections/lookup?name=)");
  return { authenticationId: Number(id), settings: parseWith(exportSettingsSchema, "result_connection_settings", settings) };
}

function needsExport(cron: string, hasExport: boolean): void {
  if (cron !== "" && !hasExport) {
    throw invalid("result_connection_id", "is required with a cron: a schedule runs the query's export to Kakao Moment (send result_connection_id and result_connection_settings)");
  }
}

/** POST /v3/schedule/create/{name} → the schedule, with `start` (its first run, or null). */
export async function createTdSchedule(user: SessionUser, rawName: string | undefined, params: Params) {
  rejectUnsupported(params);
  const name = parseWith(queryNameSchema, "name", rawName);
  const sql = parseWith(sqlSchema, "query", params.query);
  const database = parseWith(databaseNameSchema, "database", params.database);
  const cron = parseWith(cronSchema, "cron", params.cron ?? "");
  const timezone = parseWith(timeZoneSchema, "timezone", text(params, "timezone"));
  const delaySeconds = parseWith(delaySecondsSchema, "delay", params.delay ?? 0);
  const exp = parseExport(params);
  needsExport(cron, !!exp);
  const saved = await saveQuery(user, { name, database, sql, exportAuthenticationId: exp?.authenticationId ?? null, exportSettings: exp?.settings ?? null });
  try {
    await setSchedule(user, saved.id, { cron, timezone, delaySeconds });
  } catch (error) {
    await deleteSavedQuery(user, saved.id).catch(() => {});
    throw error;
  }
  const schedule = toTdSchedule(await findByName(user, name));
  return { ...schedule, start: schedule.next_time };
}

/** GET /v3/schedule/list → `{schedules: [...]}` (the caller's saved queries, newest change first). */
export async function listTdSchedules(user: SessionUser) {
  const queries = await db.savedQuery.findMany({ where: { ownerId: user.id, activation: { is: null } }, select: savedQueryView, orderBy: { updatedAt: "desc" } });
  return { schedules: queries.map(toTdSchedule) };
}

/** POST /v3/schedule/update/{name}: the fields sent change (`name` renames); the rest stays. */
export async function updateTdSchedule(user: SessionUser, rawName: string | undefined, params: Params) {
  rejectUnsupported(params);
  const current = await findByName(user, rawName);
  const name = params.name === undefined || params.name === "" ? current.name : parseWith(queryNameSchema, "name", params.name);
  const sql = params.query === undefined ? current.sql : parseWith(sqlSchema, "query", params.query);
  const database = params.database === undefined ? current.database : parseWith(databaseNameSchema, "database", params.database);
  const cron = params.cron === undefined ? (current.scheduleCron ?? "") : parseWith(cronSchema, "cron", params.cron);
  const timezone = text(params, "timezone") === undefined ? current.scheduleTimezone : parseWith(timeZoneSchema, "timezone", text(params, "timezone"));
  const delaySeconds = params.delay === undefined || params.delay === "" ? current.scheduleDelaySeconds : parseWith(delaySecondsSchema, "delay", params.delay);
  const exp = parseExport(params);
  needsExport(cron, !!exp || (current.exportSettings !== null && current.exportAuthenticationId !== null));
  const queryChanged = name !== current.name || sql !== current.sql || database !== current.database || exp !== undefined;
  if (queryChanged) {
    await saveQuery(user, {
      id: current.id,
      name,
      database,
      sql,
      ...(exp ? { exportAuthenticationId: exp.authenticationId, exportSettings: exp.settings } : {}),
    });
  }
  await setSchedule(user, current.id, { cron, timezone, delaySeconds });
  return toTdSchedule(await findByName(user, name));
}

/** POST /v3/schedule/delete/{name} → the deleted schedule. */
export async function deleteTdSchedule(user: SessionUser, rawName: string | undefined) {
  const current = await findByName(user, rawName);
  await deleteSavedQuery(user, current.id);
  return toTdSchedule(current);
}

function index(params: Params, name: string, fallback: number): number {
  const raw = text(params, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,6}$/.test(raw)) throw invalid(name, "must be an index (0 or more)");
  return Number(raw);
}

/** GET /v3/schedule/history/{name}?from=&to= → the schedule's runs, newest scheduled time first. */
export async function tdScheduleHistory(user: SessionUser, rawName: string | undefined, params: Params) {
  const current = await findByName(user, rawName);
  const from = index(params, "from", 0);
  const to = index(params, "to", from + 19);
  if (to < from || to - from >= 200) throw invalid("to", "must be from from to from + 199");
  const runs = await db.scheduleRun.findMany({
    where: { savedQueryId: current.id },
    orderBy: [{ scheduledAt: "desc" }, { id: "desc" }],
    skip: from,
    take: to - from + 1,
    select: {
      scheduledAt: true,
      runAt: true,
      job: { select: { id: true, status: true, type: true, database: true, query: true, createdAt: true, updatedAt: true, startedAt: true, finishedAt: true, rowsRead: true, bytesRead: true, resultBytes: true } },
    },
  });
  const history = runs.map((run) => ({
    ...(run.job ? toTdJobStatus(run.job) : { job_id: null, status: "queued" }),
    scheduled_at: tdTime(run.scheduledAt),
    run_at: tdTime(run.runAt),
    type: run.job?.type ?? "presto",
    database: run.job?.database ?? current.database,
    query: run.job?.query ?? current.sql,
  }));
  return { history, count: history.length, from, to };
}

/**
 * POST /v3/schedule/run/{name}/{time}?num= → `{jobs: [{job_id, type, scheduled_at}]}`: runs for `time`
 * and the schedule's next num-1 times after it, each a job now (lib/schedule runNow, in the history).
 */
export async function runTdSchedule(user: SessionUser, rawName: string | undefined, rawTime: string | undefined, params: Params) {
  const current = await findByName(user, rawName);
  const time = parseWith(tdTimeInput, "time", rawTime ?? "");
  const numText = text(params, "num") ?? "1";
  if (!/^\d{1,3}$/.test(numText) || Number(numText) < 1 || Number(numText) > MAX_RUNS) throw invalid("num", `must be from 1 to ${MAX_RUNS}`);
  const num = Number(numText);
  const cron = current.scheduleCron ?? "";
  if (num > 1 && cron === "") throw invalid("num", "must be 1 for a saved query without a cron");
  const times = [time, ...(num > 1 ? nextRuns(cron, time, num - 1, current.scheduleTimezone) : [])];
  const jobs = [];
  for (const scheduledAt of times) {
    const job = await runNow(user, current.id, scheduledAt);
    jobs.push({ job_id: String(job.id), type: job.type, scheduled_at: tdTime(job.scheduledAt) });
  }
  return { jobs };
}
