import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkProject, formatProblem, parseWorkflow, resolveTd, retryDelaySeconds, walkTasks, type Problem, type TaskDef } from "@/lib/workflows/parser";

const SEED = path.join(import.meta.dirname, "fixtures/seed");
const seed = (name: string) => fs.readFileSync(path.join(SEED, name), "utf8");
const SQL = { "upload.sql": seed("upload.sql"), "delete.sql": seed("delete.sql") };
const session = { sessionTime: new Date("2025-03-10T00:00:00Z"), timezone: "Asia/Seoul", attemptId: 42 };

function only(source: string, files: Record<string, string> = {}) {
  return checkProject({ "wf.dig": source, ...files });
}
function problemOf(source: string, files: Record<string, string> = {}): Problem {
  const { problems } = only(source, files);
  expect(problems.length, JSON.stringify(problems)).toBeGreaterThan(0);
  return problems[0]!;
}
function tdTasks(source: string): TaskDef[] {
  const { workflow, problems } = parseWorkflow("wf.dig", source);
  expect(problems).toEqual([]);
  const tasks: TaskDef[] = [];
  walkTasks(workflow!.root, (t) => t.kind === "td" && tasks.push(t));
  return tasks;
}

const td = (extra = "", settings = "") => `
+t:
  td>: q.sql
  database: kakao_db
${extra}${settings ? `  result_connection: new_kakao_auth\n  result_settings:\n${settings}` : ""}`;
const Q = { "q.sql": "select adid from customers" };

describe("the seed's two workflows", () => {
  it("register: parses unchanged and resolves to the Export Results settings", () => {
    const files = { "kakao_register.dig": seed("kakao_register.dig"), ...SQL };
    const checked = checkProject(files);
    expect(checked.problems).toEqual([]);
    expect(checked.connections).toEqual([{ name: "new_kakao_auth", file: "kakao_register.dig", line: 8, key: "+kakao_task.result_connection" }]);
    const [workflow] = checked.workflows;
    expect(workflow).toMatchObject({ name: "kakao_register", timezone: "UTC", schedule: null });
    const task = workflow!.root.children[0]!;
    expect(task).toMatchObject({ name: "+kakao_task", fullName: "+kakao_register+kakao_task", kind: "td", line: 5 });
    const { td, problems } = resolveTd(task, files, session);
    expect(problems).toEqual([]);
    expect(td).toMatchObject({
      database: "kakao_db",
      engine: "presto",
      priority: 0,
      jobRetry: 0,
      query: "select adid from customers\n",
      resultConnection: "new_kakao_auth",
      resultSettings: { type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name: "test" },
    });
    expect(td!.variables).toMatchObject({ td: { database: "kakao_db" }, task_name: "+kakao_register+kakao_task", attempt_id: 42 });
  });

  it("edit: parses unchanged with action stop", () => {
    const files = { "kakao_edit.dig": seed("kakao_edit.dig"), ...SQL };
    const checked = checkProject(files);
    expect(checked.problems).toEqual([]);
    const { td } = resolveTd(checked.workflows[0]!.root.children[0]!, files, session);
    expect(td!.resultSettings).toEqual({ type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "edit", file_name: "test", action: "stop" });
  });

  it("the seed's literal placeholder `ad_account_id: ad_account_id` is refused naming the key and line", () => {
    const text = seed("kakao_register.dig").replace("ad_account_id: 27429", "ad_account_id: ad_account_id");
    const p = problemOf(text, SQL);
    expect(p).toMatchObject({ file: "wf.dig", line: 9, key: "+kakao_task.result_settings.ad_account_id" });
    expect(p.message).toMatch(/numeric Kakao Moment ad account id \(got "ad_account_id"\)/);
  });
});

describe("constructs", () => {
  it("+tasks run in order; nested groups; full names", () => {
    const { workflow } = parseWorkflow("main.dig", `+a:\n  +a1:\n    td>:\n    query: select 1\n    database: d\n  +a2:\n    td>:\n    query: select 2\n    database: d\n+b:\n  td>:\n  query: select 3\n  database: d\n`);
    const names: string[] = [];
    walkTasks(workflow!.root, (t) => names.push(`${t.fullName}:${t.kind}`));
    expect(names).toEqual(["+main:group", "+main+a:group", "+main+a+a1:td", "+main+a+a2:td", "+main+b:td"]);
  });

  it("_export: variables flow down, inner exports override, the td: map merges key by key", () => {
    const [outer, inner] = tdTasks(`
_export:
  td:
    database: outer_db
    engine: hive
  name: outer
+g:
  _export:
    td:
      database: inner_db
    name: inner
  +x:
    td>:
    query: select '\${name}'
+y:
  td>:
  query: select '\${name}'
`).sort((a, b) => b.fullName.length - a.fullName.length);
    const a = resolveTd(outer!, {}, session).td!;
    expect(a).toMatchObject({ database: "inner_db", engine: "hive", query: "select 'inner'" });
    const b = resolveTd(inner!, {}, session).td!;
    expect(b).toMatchObject({ database: "outer_db", engine: "hive", query: "select 'outer'" });
  });

  it("interpolates exported variables and every built-in in parameters and in the .sql file", () => {
    const files = {
      "q.sql": "select '${session_time}' a, '${session_date}' b, '${session_date_compact}' c, ${session_unixtime} d, '${timezone}' e, '${task_name}' f, ${attempt_id} g, '${prefix}' h",
    };
    const [task] = tdTasks(`
timezone: Asia/Seoul
_export:
  prefix: aud_\${session_date_compact}
+t:
  td>: q.sql
  database: kakao_db
  result_connection: new_kakao_auth
  result_settings:
    ad_account_id: 27429
    mode: register
    file_name: \${prefix}_\${attempt_id}
`);
    const { td } = resolveTd(task!, files, session);
    expect(td!.query).toBe("select '2025-03-10T09:00:00+09:00' a, '2025-03-10' b, '20250310' c, 1741564800 d, 'Asia/Seoul' e, '+wf+t' f, 42 g, 'aud_20250310' h");
    expect(td!.resultSettings).toMatchObject({ file_name: "aud_20250310_42", type: "kakao_moment", data_source: "customer_file" });
    expect(td!.params.result_settings).toMatchObject({ file_name: "aud_20250310_42" });
  });

  it("td> parameters: database, engine, priority, job_retry, query inline", () => {
    const [task] = tdTasks(`+t:\n  td>:\n  query: select 1\n  database: db1\n  engine: trino\n  priority: 2\n  job_retry: 3\n`);
    expect(resolveTd(task!, {}, session).td).toMatchObject({ database: "db1", engine: "trino", priority: 2, jobRetry: 3, query: "select 1", resultConnection: null, resultSettings: null });
  });

  it("_retry as a count or a map; constant and exponential intervals", () => {
    const { workflow } = parseWorkflow("wf.dig", `_retry: 2\n+a:\n  _retry:\n    limit: 3\n    interval: 10\n    interval_type: exponential\n  td>:\n  query: select 1\n  database: d\n+b:\n  _retry:\n    limit: 1\n    interval: 5\n  td>:\n  query: select 1\n  database: d\n`);
    expect(workflow!.root.retry).toEqual({ limit: 2, interval: 0, intervalType: "constant" });
    const [a, b] = workflow!.root.children;
    expect(a!.retry).toEqual({ limit: 3, interval: 10, intervalType: "exponential" });
    expect([1, 2, 3].map((n) => retryDelaySeconds(a!.retry!, n))).toEqual([10, 20, 40]);
    expect(b!.retry).toEqual({ limit: 1, interval: 5, intervalType: "constant" });
    expect([1, 2].map((n) => retryDelaySeconds(b!.retry!, n))).toEqual([5, 5]);
  });

  it("_error: at the top level and in groups, as ^error tasks", () => {
    const { workflow, problems } = parseWorkflow("wf.dig", `+g:\n  _error:\n    +cleanup:\n      td>:\n      query: select 1\n      database: d\n  +x:\n    td>:\n    query: select 1\n    database: d\n_error:\n  +notify:\n    td>:\n    query: select 2\n    database: d\n`);
    expect(problems).toEqual([]);
    expect(workflow!.root.error!.children[0]!.fullName).toBe("+wf^error+notify");
    expect(workflow!.root.children[0]!.error!.children[0]!.fullName).toBe("+wf+g^error+cleanup");
  });

  it.each([
    ["hourly>", "30:00", { kind: "hourly", minute: 30, second: 0 }],
    ["daily>", "07:00:00", { kind: "daily", hour: 7, minute: 0, second: 0 }],
    ["weekly>", "Sun,09:00:00", { kind: "weekly", weekday: 0, hour: 9, minute: 0, second: 0 }],
    ["monthly>", "1,09:00:00", { kind: "monthly", day: 1, hour: 9, minute: 0, second: 0 }],
    ["minutes_interval>", "30", { kind: "minutes_interval", minutes: 30 }],
    ["cron>", '"42 4 1 * *"', { kind: "cron", expression: "42 4 1 * *" }],
  ])("schedule: %s %s with the top-level timezone", (operator, value, spec) => {
    const { workflow, problems } = parseWorkflow("wf.dig", `timezone: Asia/Tokyo\nschedule:\n  ${operator}: ${value}\n+t:\n  td>:\n  query: select 1\n  database: d\n`);
    expect(problems).toEqual([]);
    expect(workflow!.timezone).toBe("Asia/Tokyo");
    expect(workflow!.schedule).toMatchObject({ operator, spec, line: 3 });
  });
});

describe("bad input: refused with file, line and key", () => {
  it.each([
    ["sh>", "+t:\n  sh>: rm -rf /\n", 2, "+t"],
    ["py>", "+a:\n  +b:\n    py>: tasks.run\n", 3, "+b"],
  ])("unknown operator %s", (operator, source, line) => {
    const p = problemOf(source);
    expect(p).toMatchObject({ file: "wf.dig", line, key: operator });
    expect(p.message).toMatch(new RegExp(`unknown operator "${operator}"`));
  });

  it("unknown keys: on a td> task, in a group, at the top level, in _retry and in _export: td:", () => {
    expect(problemOf(td("  store_last_results: true\n"), Q)).toMatchObject({ line: 5, key: "store_last_results", message: expect.stringMatching(/unknown key in \+t/) });
    expect(problemOf("+g:\n  _parallel: true\n  +x:\n    td>:\n    query: select 1\n    database: d\n")).toMatchObject({ line: 2, key: "_parallel" });
    expect(problemOf("timezone: UTC\nschedul:\n  daily>: 07:00:00\n+t:\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 2, key: "schedul" });
    expect(problemOf("+t:\n  _retry:\n    limit: 1\n    backoff: 3\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 4, key: "+t._retry.backoff" });
    expect(problemOf("_export:\n  td:\n    databse: x\n+t:\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 3, key: "_export.td.databse" });
  });

  it("YAML syntax errors give line and column", () => {
    const p = problemOf("+t:\n  td>: q.sql\n  database: [kakao_db\n");
    expect(p.file).toBe("wf.dig");
    expect(p.line).toBeGreaterThanOrEqual(3);
    expect(p.column).toBeGreaterThan(0);
    expect(p.message).toMatch(/^YAML syntax error/);
    const tab = problemOf("+t:\n  td>: q.sql\n   database: x\n  engine: presto\n");
    expect(tab).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(formatProblem(tab)).toMatch(/^wf\.dig:\d+:\d+: YAML syntax error/);
  });

  it("a .sql file that is not in the project", () => {
    const p = problemOf(td());
    expect(p).toMatchObject({ file: "wf.dig", line: 3, key: "+t.td>", message: 'the file "q.sql" is not in the project (upload it with the workflow)' });
  });

  it("result_settings without result_connection", () => {
    const p = problemOf(`+t:\n  td>: q.sql\n  database: kakao_db\n  result_settings:\n    ad_account_id: 27429\n    mode: register\n    file_name: test\n`, Q);
    expect(p).toMatchObject({ line: 4, key: "+t.result_settings", message: expect.stringMatching(/needs result_connection/) });
  });

  it("mode: edit without action", () => {
    const p = problemOf(td("", "    ad_account_id: 27429\n    mode: edit\n    file_name: test\n"), Q);
    expect(p).toMatchObject({ line: 6, key: "+t.result_settings.action", message: expect.stringMatching(/is required when mode is "edit"/) });
  });

  it("result_settings fields are checked by the Export Results schema (type, data_source, unknown keys)", () => {
    expect(problemOf(td("", "    type: s3\n    ad_account_id: 27429\n    mode: register\n    file_name: t\n"), Q)).toMatchObject({ key: "+t.result_settings.type" });
    expect(problemOf(td("", "    data_source: audience\n    ad_account_id: 27429\n    mode: register\n    file_name: t\n"), Q)).toMatchObject({ key: "+t.result_settings.data_source" });
    expect(problemOf(td("", "    ad_account_id: 27429\n    mode: register\n    file_name: t\n    extra: 1\n"), Q).message).toMatch(/extra/);
  });

  it("an unknown ${variable} in a parameter, in a .sql file, and an unsupported expression", () => {
    expect(problemOf("+t:\n  td>:\n  query: select 1\n  database: ${td.databse}\n")).toMatchObject({ line: 4, key: "+t.database", message: '${td.databse}: unknown variable "td.databse"' });
    expect(problemOf(td(), { "q.sql": "select adid\nfrom customers\nwhere d = '${sesion_date}'" })).toMatchObject({ file: "q.sql", line: 3, column: 12, message: expect.stringMatching(/unknown variable "sesion_date"/) });
    expect(problemOf("+t:\n  td>:\n  query: select '${moment(session_time).format()}'\n  database: d\n").message).toMatch(/only variable names/);
  });

  it("other bad values: no operator, td> with +subtasks, both td> file and query, database missing, engine, priority, bad timezone, bad schedule", () => {
    expect(problemOf("+t:\n  _export:\n    a: 1\n")).toMatchObject({ line: 1, key: "+t", message: expect.stringMatching(/no operator/) });
    expect(problemOf("+t:\n  td>:\n  query: select 1\n  database: d\n  +x:\n    td>:\n    query: select 1\n    database: d\n")).toMatchObject({ line: 5, key: "+x" });
    expect(problemOf("+t:\n  td>: q.sql\n  query: select 1\n  database: d\n", Q)).toMatchObject({ key: "+t.query" });
    expect(problemOf("+t:\n  td>:\n  query: select 1\n")).toMatchObject({ key: "+t.database", message: expect.stringMatching(/is required/) });
    expect(problemOf("+t:\n  td>:\n  query: select 1\n  database: d\n  engine: spark\n")).toMatchObject({ line: 5, key: "+t.engine" });
    expect(problemOf("+t:\n  td>:\n  query: select 1\n  database: d\n  priority: 9\n")).toMatchObject({ line: 5, key: "+t.priority" });
    expect(problemOf("timezone: Mars/Base\n+t:\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 1, key: "timezone" });
    expect(problemOf("schedule:\n  daily>: 25:00:00\n+t:\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 2, key: "schedule.daily>" });
    expect(problemOf("schedule:\n  yearly>: 1\n+t:\n  td>:\n  query: select 1\n  database: d\n").message).toMatch(/unknown schedule operator/);
    expect(problemOf("+t:\n  _retry: 99\n  td>:\n  query: select 1\n  database: d\n")).toMatchObject({ line: 2, key: "+t._retry" });
    expect(problemOf("timezone: UTC\n")).toMatchObject({ message: expect.stringMatching(/at least one \+task/) });
    expect(checkProject({ "q.sql": "select 1" }).problems[0]!.message).toMatch(/at least one \.dig/);
  });

  it("collects every problem of a file, not just the first", () => {
    const { problems } = only("+a:\n  sh>: x\n+b:\n  py>: y\n+c:\n  td>:\n  query: select 1\n  database: d\n  foo: 1\n");
    expect(problems.map((p) => `${p.line}:${p.key}`)).toEqual(["2:sh>", "4:py>", "9:foo"]);
  });
});
