/**
 * The digdag subset we run, parsed from a project's files. Pure (no I/O): the same checks run at
 * upload (with sample session values) and at run start (with the real ones), so a workflow outside
 * the subset is refused with its file, line and key — never discovered at 3 a.m. mid-run.
 *
 * Supported: top-level `timezone:`, `schedule:`, `_export:` (a nested `td:` map gives td>
 * defaults), `+task:` blocks run in order and nested groups, `_retry:` (N or {limit, interval,
 * interval_type}), `_error:`, and the `td>` operator with `query`, `database`, `engine`,
 * `priority`, `job_retry`, `result_connection`, `result_settings`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from "yaml";
import { exportSettingsSchema, type ExportSettings } from "@/lib/export/settings";
import { builtIns, InterpolationError, interpolate, interpolateValue, positionOf, type Vars } from "@/lib/workflows/interpolate";
import { isTimeZone, parseSchedule, ScheduleError, scheduleLabel, type ScheduleSpec } from "@/lib/workflows/schedule";

export interface Problem {
  file: string;
  line: number;
  column?: number;
  key?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}${p.column ? `:${p.column}` : ""}: ${p.key ? `${p.key}: ` : ""}${p.message}`;
}

export interface RetrySpec {
  limit: number;
  /** Seconds before the next try. */
  interval: number;
  intervalType: "constant" | "exponential";
}

/** td> parameters as written (before interpolation), with the line of each key. */
export interface TdSpec {
  /** `td>: file.sql` (a path in the project) or null with `query:`. */
  file: string | null;
  params: Record<string, unknown>;
  lines: Record<string, number>;
}

export interface TaskDef {
  /** "+kakao_task", or "^error" for an `_error:` block. */
  name: string;
  /** digdag's full name: "+workflow+group+task" ("^error" inside it for error tasks). */
  fullName: string;
  file: string;
  line: number;
  kind: "group" | "td";
  /** The variables exported to this task: its ancestors' `_export` merged with its own. */
  scope: Vars;
  retry: RetrySpec | null;
  error: TaskDef | null;
  children: TaskDef[];
  td: TdSpec | null;
}

export interface WorkflowDef {
  /** The .dig file's name without the extension. */
  name: string;
  file: string;
  timezone: string;
  schedule: { operator: string; spec: ScheduleSpec; label: string; line: number } | null;
  root: TaskDef;
}

export const TD_PARAMS = ["database", "engine", "priority", "job_retry", "result_connection", "result_settings"] as const;
const TD_TASK_KEYS = new Set<string>(["td>", "query", ...TD_PARAMS, "_export", "_retry"]);
const GROUP_KEYS = new Set(["_export", "_retry", "_error"]);
const TOP_KEYS = new Set(["timezone", "schedule", "_export", "_retry", "_error"]);
export const ENGINES = ["presto", "trino", "hive"] as const;
export const MAX_RETRY_LIMIT = 10;

class Collector {
  problems: Problem[] = [];
  constructor(
    readonly file: string,
    readonly lines: LineCounter,
  ) {}
  lineOf(node: { range?: [number, number, number] | null } | null | undefined): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : 1;
  }
  add(node: { range?: [number, number, number] | null } | null | undefined, key: string | undefined, message: string) {
    this.problems.push({ file: this.file, line: this.lineOf(node), key, message });
  }
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function plain(node: unknown): unknown {
  if (node && typeof node === "object" && "toJSON" in node && typeof (node as YamlNode).toJSON === "function") return (node as YamlNode).toJSON();
  return node ?? null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** Later exports override earlier ones; nested maps (the `td:` defaults) merge key by key. */
export function mergeScope(base: Vars, over: Vars): Vars {
  const merged: Vars = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeScope(merged[key] as Vars, value) : value;
  return merged;
}

function parseRetry(value: YamlNode | null, c: Collector, key: string): RetrySpec | null {
  const json = plain(value);
  const limitOk = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_RETRY_LIMIT;
  if (typeof json === "number" || (typeof json === "string" && /^\d+$/.test(json))) {
    const limit = Number(json);
    if (!limitOk(limit)) return c.add(value, key, `must be a number of retries from 0 to ${MAX_RETRY_LIMIT}`), null;
    return { limit, interval: 0, intervalType: "constant" };
  }
  if (!isMap(value)) return c.add(value, key, "must be a number of retries or a map {limit, interval, interval_type}"), null;
  const retry: RetrySpec = { limit: 0, interval: 0, intervalType: "constant" };
  let hasLimit = false;
  for (const pair of value.items) {
    const k = keyText(pair);
    const v = plain(pair.value);
    if (k === "limit") {
      hasLimit = true;
      if (!limitOk(v)) c.add(pair.key as YamlNode, `${key}.limit`, `must be a number from 0 to ${MAX_RETRY_LIMIT}`);
      else retry.limit = v as number;
    } else if (k === "interval") {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 86_400) c.add(pair.key as YamlNode, `${key}.interval`, "must be a number of seconds from 0 to 86400");
      else retry.interval = v as number;
    } else if (k === "interval_type") {
      if (v !== "constant" && v !== "exponential") c.add(pair.key as YamlNode, `${key}.interval_type`, 'must be "constant" or "exponential"');
      else retry.intervalType = v;
    } else c.add(pair.key as YamlNode, `${key}.${k}`, "unknown key (supported: limit, interval, interval_type)");
  }
  if (!hasLimit) c.add(value, `${key}.limit`, "is required");
  return retry;
}

/** The seconds to wait before try `retry` (1-based) of a task with this _retry. */
export function retryDelaySeconds(spec: RetrySpec, retry: number): number {
  return spec.intervalType === "exponential" ? spec.interval * 2 ** (retry - 1) : spec.interval;
}

function parseExport(value: YamlNode | null, c: Collector): Vars {
  if (value === null || (isScalar(value) && value.value === null)) return {};
  if (!isMap(value)) return c.add(value, "_export", "must be a map of variables"), {};
  const exported: Vars = {};
  for (const pair of value.items) {
    const k = keyText(pair);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      c.add(pair.key as YamlNode, `_export.${k}`, "is not a valid variable name");
      continue;
    }
    if (k === "td") {
      if (!isMap(pair.value)) {
        c.add(pair.key as YamlNode, "_export.td", `must be a map of td> defaults (${TD_PARAMS.join(", ")})`);
        continue;
      }
      for (const inner of (pair.value as YAMLMap).items) {
        const name = keyText(inner);
        if (!(TD_PARAMS as readonly string[]).includes(name)) c.add(inner.key as YamlNode, `_export.td.${name}`, `unknown td> parameter (supported: ${TD_PARAMS.join(", ")})`);
      }
    }
    exported[k] = plain(pair.value);
  }
  return exported;
}

function parseTask(name: string, parentFullName: string, value: YamlNode | null, parentScope: Vars, c: Collector, keyNode: YamlNode): TaskDef | null {
  const fullName = `${parentFullName}${name}`;
  if (!isMap(value)) {
    c.add(keyNode, name, "must be a map (a +task needs an operator like td> or +subtasks)");
    return null;
  }
  const pairs = value.items;
  const has = (k: string) => pairs.some((p) => keyText(p) === k);
  const exportPair = pairs.find((p) => keyText(p) === "_export");
  const scope = exportPair ? mergeScope(parentScope, parseExport(exportPair.value as YamlNode, c)) : parentScope;
  const task: TaskDef = { name, fullName, file: c.file, line: c.lineOf(keyNode), kind: has("td>") ? "td" : "group", scope, retry: null, error: null, children: [], td: null };
  const operators = pairs.map(keyText).filter((k) => k.endsWith(">"));
  const subtasks = pairs.filter((p) => keyText(p).startsWith("+"));
  if (operators.length === 0 && subtasks.length === 0) c.add(keyNode, name, "has no operator (td>) and no +subtasks");
  if (task.kind === "td" && subtasks.length) c.add(subtasks[0]!.key as YamlNode, keyText(subtasks[0]!), `a td> task cannot also have +subtasks (in ${name})`);
  if (task.kind === "td") task.td = { file: null, params: {}, lines: {} };

  for (const pair of pairs) {
    const k = keyText(pair);
    const node = pair.key as YamlNode;
    const v = pair.value as YamlNode | null;
    if (k.startsWith("+")) {
      if (task.kind === "group") {
        const child = parseTask(k, fullName, v, scope, c, node);
        if (child) task.children.push(child);
      }
    } else if (k.endsWith(">")) {
      if (k !== "td>") c.add(node, k, `unknown operator "${k}" (only td> is supported)`);
      else {
        const file = plain(v);
        if (file !== null && typeof file !== "string") c.add(node, k, "must be the path of a .sql file in the project (or empty, with query:)");
        task.td!.file = typeof file === "string" && file.trim() ? file.trim() : null;
        task.td!.lines["td>"] = c.lineOf(node);
      }
    } else if (k === "_export") {
      // parsed above
    } else if (k === "_retry") task.retry = parseRetry(v, c, `${name}._retry`);
    else if (k === "_error") {
      if (task.kind === "td") c.add(node, k, `_error: is supported on groups of +tasks and at the top level, not on a td> task (${name})`);
      else task.error = parseTask("^error", fullName, v, scope, c, node);
    } else if (task.kind === "td" && TD_TASK_KEYS.has(k)) {
      task.td!.params[k] = plain(v);
      task.td!.lines[k] = c.lineOf(node);
    } else {
      const allowed = task.kind === "td" ? [...TD_TASK_KEYS].join(", ") : `+subtasks, ${[...GROUP_KEYS].join(", ")}`;
      c.add(node, k, `unknown key in ${name} (supported here: ${allowed})`);
    }
  }
  if (task.td && task.td.file === null && !("query" in task.td.params)) c.add(keyNode, `${name}.td>`, "needs a .sql file (td>: file.sql) or query:");
  if (task.td && task.td.file !== null && "query" in task.td.params) c.add(keyNode, `${name}.query`, "give either td>: file.sql or query:, not both");
  return task;
}

/** Parse one .dig file (YAML) into a workflow, collecting every problem with its line. */
export function parseWorkflow(file: string, source: string): { workflow: WorkflowDef | null; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false });
  const c = new Collector(file, lines);
  if (doc.errors.length) {
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      c.problems.push({ file, line: pos.line, column: pos.col, message: `YAML syntax error: ${error.message.split("\n")[0]}` });
    }
    return { workflow: null, problems: c.problems };
  }
  const name = file.replace(/^.*\//, "").replace(/\.dig$/, "");
  const root = doc.contents;
  if (!isMap(root)) {
    c.problems.push({ file, line: 1, message: "a workflow must be a YAML map of +tasks" });
    return { workflow: null, problems: c.problems };
  }
  let timezone = "UTC";
  let schedule: WorkflowDef["schedule"] = null;
  const exportPair = root.items.find((p) => keyText(p) === "_export");
  const scope = exportPair ? parseExport(exportPair.value as YamlNode, c) : {};
  const top: TaskDef = { name: `+${name}`, fullName: `+${name}`, file, line: 1, kind: "group", scope, retry: null, error: null, children: [], td: null };
  for (const pair of root.items) {
    const k = keyText(pair);
    const node = pair.key as YamlNode;
    const v = pair.value as YamlNode | null;
    if (k.startsWith("+")) {
      const child = parseTask(k, top.fullName, v, scope, c, node);
      if (child) top.children.push(child);
    } else if (k === "timezone") {
      const zone = plain(v);
      if (typeof zone !== "string" || !isTimeZone(zone)) c.add(node, k, `"${String(zone)}" is not a time zone (like UTC or Asia/Seoul)`);
      else timezone = zone;
    } else if (k === "schedule") {
      if (!isMap(v) || v.items.length !== 1) {
        c.add(node, k, "must hold exactly one of hourly>, daily>, weekly>, monthly>, minutes_interval>, cron>");
        continue;
      }
      const entry = v.items[0]!;
      const operator = keyText(entry);
      try {
        const value = plain(entry.value);
        schedule = { operator, spec: parseSchedule(operator, value), label: scheduleLabel(operator, value), line: c.lineOf(entry.key as YamlNode) };
      } catch (error) {
        if (!(error instanceof ScheduleError)) throw error;
        c.add(entry.key as YamlNode, `schedule.${operator}`, error.message.replace(/^[a-z_]+>: /, ""));
      }
    } else if (k === "_export") {
      // parsed above
    } else if (k === "_retry") top.retry = parseRetry(v, c, "_retry");
    else if (k === "_error") top.error = parseTask("^error", top.fullName, v, scope, c, node);
    else if (k.endsWith(">")) c.add(node, k, `unknown operator "${k}" at the top level (put operators in +tasks; only td> is supported)`);
    else c.add(node, k, `unknown key (supported at the top level: +tasks, ${[...TOP_KEYS].join(", ")})`);
  }
  if (top.children.length === 0) c.problems.push({ file, line: 1, message: "a workflow needs at least one +task" });
  return { workflow: c.problems.length ? null : { name, file, timezone, schedule, root: top }, problems: c.problems };
}

// ─── td> tasks, resolved with the session's values ─────────────────────────────────────────────

export interface ResolvedTd {
  database: string;
  engine: (typeof ENGINES)[number];
  priority: number;
  jobRetry: number;
  query: string;
  resultConnection: string | null;
  resultSettings: ExportSettings | null;
  /** What the task saw: the exported variables and the built-ins. */
  variables: Vars;
  /** Its parameters after interpolation. */
  params: Record<string, unknown>;
}

/**
 * A td> task's parameters for one session: `_export: td:` defaults under the task's own, `${}`
 * interpolated, the query read from the project, result_settings checked with the Export Results
 * schema. Returns the problems instead when anything is wrong (unknown variable, missing file…).
 */
export function resolveTd(task: TaskDef, files: Record<string, string>, session: { sessionTime: Date; timezone: string; attemptId: number }): { td: ResolvedTd | null; problems: Problem[] } {
  const spec = task.td!;
  const problems: Problem[] = [];
  const lineOf = (key: string) => spec.lines[key] ?? task.line;
  const problem = (key: string, message: string, line = lineOf(key.split(".")[0]!)) => problems.push({ file: task.file, line, key: `${task.name}.${key}`, message });
  const variables: Vars = { ...task.scope, ...builtIns({ ...session, taskName: task.fullName }) };
  const defaults = isPlainObject(task.scope.td) ? (task.scope.td as Record<string, unknown>) : {};
  const raw: Record<string, unknown> = { ...defaults, ...spec.params };
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    try {
      params[key] = interpolateValue(value, variables);
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      problem(key, error.message);
    }
  }

  let query = "";
  if (spec.file !== null) {
    let path = spec.file;
    try {
      path = interpolate(spec.file, variables);
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      problem("td>", error.message);
    }
    const text = files[path.replace(/^\.\//, "")];
    if (text === undefined) problem("td>", `the file "${path}" is not in the project (upload it with the workflow)`);
    else {
      try {
        query = interpolate(text, variables);
      } catch (error) {
        if (!(error instanceof InterpolationError)) throw error;
        const at = positionOf(text, error.offset);
        problems.push({ file: path, line: at.line, column: at.column, message: `${error.message} (in the query of ${task.name})` });
      }
    }
  } else if (typeof params.query !== "string" || !params.query.trim()) {
    if (!problems.some((p) => p.key === `${task.name}.query`)) problem("query", "must be the SQL text to run");
  } else query = params.query;

  const database = params.database;
  if (typeof database !== "string" || !database.trim()) problem("database", "is required (on the task, or as _export: td: database:)", lineOf("database"));
  const engine = params.engine ?? "presto";
  if (!(ENGINES as readonly unknown[]).includes(engine)) problem("engine", `must be one of ${ENGINES.join(", ")}`);
  const priority = params.priority ?? 0;
  if (!Number.isInteger(Number(priority)) || Number(priority) < -2 || Number(priority) > 2 || priority === "") problem("priority", "must be an integer from -2 to 2");
  const jobRetry = params.job_retry ?? 0;
  if (!Number.isInteger(Number(jobRetry)) || Number(jobRetry) < 0 || Number(jobRetry) > 10 || jobRetry === "") problem("job_retry", "must be an integer from 0 to 10");

  const connection = params.result_connection;
  let resultSettings: ExportSettings | null = null;
  if (connection !== undefined && connection !== null && (typeof connection !== "string" || !connection.trim())) problem("result_connection", "must be the name of one of your authentications");
  if (params.result_settings !== undefined && params.result_settings !== null) {
    if (connection === undefined || connection === null) problem("result_settings", "needs result_connection (the authentication to export through)");
    if (!isPlainObject(params.result_settings)) problem("result_settings", "must be a map (type, data_source, ad_account_id, mode, file_name, action)");
    else {
      // The Export Results schema itself; digdag's spellings (type: kakao_moment, data_source:
      // customer_file) are its own field values, so nothing needs renaming.
      const parsed = exportSettingsSchema.safeParse(params.result_settings);
      if (parsed.success) resultSettings = parsed.data;
      else for (const issue of parsed.error.issues) problem(`result_settings.${issue.path.map(String).join(".") || "input"}`, issue.message.replace(/^Unrecognized key/, "unknown key"), lineOf("result_settings"));
    }
  } else if (typeof connection === "string" && connection.trim()) problem("result_connection", "needs result_settings (what to export to Kakao Moment)");

  if (problems.length) return { td: null, problems };
  return {
    td: {
      database: String(database),
      engine: engine as ResolvedTd["engine"],
      priority: Number(priority),
      jobRetry: Number(jobRetry),
      query,
      resultConnection: typeof connection === "string" ? connection : null,
      resultSettings,
      variables,
      params,
    },
    problems,
  };
}

/** Every task of a workflow, depth first (a group, its children, then its _error block). */
export function walkTasks(task: TaskDef, visit: (task: TaskDef) => void): void {
  visit(task);
  for (const child of task.children) walkTasks(child, visit);
  if (task.error) walkTasks(task.error, visit);
}

export interface CheckedProject {
  workflows: WorkflowDef[];
  /** result_connection names its td> tasks use (literal, or as resolved with sample values). */
  connections: { name: string; file: string; line: number; key: string }[];
  problems: Problem[];
}

const SAMPLE_SESSION = { sessionTime: new Date(Date.UTC(2025, 0, 1)), attemptId: 1 };

/**
 * Everything that can be checked without the database, for a whole project: each .dig parsed, and
 * each td> task resolved with sample session values (so unknown variables, missing .sql files and
 * bad result_settings are found at upload).
 */
export function checkProject(files: Record<string, string>): CheckedProject {
  const problems: Problem[] = [];
  const workflows: WorkflowDef[] = [];
  const connections: CheckedProject["connections"] = [];
  const digs = Object.keys(files).filter((f) => f.endsWith(".dig")).sort();
  if (digs.length === 0) problems.push({ file: "(project)", line: 1, message: "a project needs at least one .dig workflow file" });
  const names = new Map<string, string>();
  for (const file of digs) {
    const parsed = parseWorkflow(file, files[file]!);
    problems.push(...parsed.problems);
    if (!parsed.workflow) continue;
    const workflow = parsed.workflow;
    if (names.has(workflow.name)) problems.push({ file, line: 1, message: `another workflow is also named "${workflow.name}" (${names.get(workflow.name)})` });
    names.set(workflow.name, file);
    walkTasks(workflow.root, (task) => {
      if (task.kind !== "td") return;
      const resolved = resolveTd(task, files, { ...SAMPLE_SESSION, timezone: workflow.timezone });
      problems.push(...resolved.problems);
      if (resolved.td?.resultConnection) connections.push({ name: resolved.td.resultConnection, file: task.file, line: task.td!.lines.result_connection ?? task.line, key: `${task.name}.result_connection` });
    });
    workflows.push(workflow);
  }
  return { workflows: problems.length ? [] : workflows, connections, problems };
}
