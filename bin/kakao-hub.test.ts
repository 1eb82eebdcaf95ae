/** The CLI (bin/kakao-hub.mjs) as a user runs it: a separate Node process against the v3 API over HTTP. */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorState, resetFacts, setFacts } from "@/emulator/testing";
import { expectedAdidFile } from "@/lib/jobs/test-support";
import { registerSettings, startV3World, v3Caller, type V3Caller, type V3World } from "@/lib/td-api/test-support";

const CLI = path.resolve(import.meta.dirname, "kakao-hub.mjs");

let world: V3World;
let caller: V3Caller;

beforeAll(async () => {
  world = await startV3World();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  caller = await v3Caller(world);
});

/** Run the CLI (asynchronously: the server answering it lives in this process). */
function hub(args: string[], options: { stdin?: string; env?: Record<string, string | undefined> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, KAKAO_HUB_ENDPOINT: world.server.url, KAKAO_HUB_APIKEY: caller.key, KAKAO_HUB_POLL_MS: "100", ...options.env } as Record<string, string | undefined>;
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [CLI, ...args], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

const settings = (name: string) => JSON.stringify(registerSettings(name));

describe("kakao-hub query", () => {
  it("-w --result-connection exports to Kakao Moment, with progress on stderr", async () => {
    const run = await hub(["query", "-w", "-d", "kakao_db", "--result-connection", "new_kakao_auth", "--result-settings", settings("cli_audience"), "select adid from customers"]);
    expect(run.stderr).toMatch(/Job (\d+) is queued\.\n/);
    expect(run.stderr).toMatch(/Job \d+: success/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Status\s+: success/);
    expect(run.stdout).toMatch(/Export\s+: Kakao Moment register "cli_audience" \(ad account 27429\)/);
    const expected = await expectedAdidFile("select adid from kakao_db.customers");
    expect((await emulatorState(world.kakaoUrl)).files).toEqual([expect.objectContaining({ name: "cli_audience", sha256: expected.sha256 })]);
  });

  it("reads SQL from stdin or -q PATH and writes the rows as a table, csv with header, or a file", async () => {
    const sql = "select name, age from (values ('kim', 31), ('lee', 42), ('park', 27)) as t(name, age) order by age";
    const shown = await hub(["query", "-w", "-d", "kakao_db", "-"], { stdin: sql });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(["+------+-----+", "| name | age |", "+------+-----+", "| park | 27  |", "| kim  | 31  |", "| lee  | 42  |", "+------+-----+", ""].join("\n"));
    const csv = await hub(["query", "-w", "-d", "kakao_db", "-f", "csv", "-c", "-l", "2", "-T", "trino", sql]);
    expect(csv.stdout).toBe("name,age\r\npark,27\r\nkim,31\r\n");
    const file = path.join(world.dataDir, "query.sql");
    const out = path.join(world.dataDir, "out.tsv");
    fs.writeFileSync(file, sql);
    const written = await hub(["query", "-w", "-d", "kakao_db", "-q", file, "-o", out]);
    expect(written.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).toBe("park\t27\nkim\t31\nlee\t42\n");
  });

  it("exits 1 when the job fails, with the reason on stderr", async () => {
    const run = await hub(["query", "-w", "-d", "kakao_db", "select * from no_such_table"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Job \d+ error: .*no_such_table/);
  });
});

describe("kakao-hub job:*", () => {
  it("show, status, list and kill", async () => {
    const issued = await hub(["query", "-d", "kakao_db", "-P", "1", "select 1 as one"]);
    expect(issued.code).toBe(0);
    const id = issued.stdout.trim();
    expect(id).toMatch(/^\d+$/);
    const shown = await hub(["job:show", "-w", id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`JobID\\s+: ${id}\\n`));
    expect(shown.stdout).toMatch(/Priority\s+: 1/);
    expect(shown.stdout).toContain("| one |");
    expect((await hub(["job:status", id])).stdout).toBe("success\n");

    const slow = (await hub(["query", "-d", "kakao_db", "select pg_sleep(20)"])).stdout.trim();
    const kill = await hub(["job:kill", slow]);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toMatch(new RegExp(`Job ${slow} is being killed \\(was (queued|running)\\)`));
    const killed = await hub(["job:show", "-w", slow]);
    expect(killed.code).toBe(1);
    expect(killed.stdout).toMatch(/Status\s+: killed/);

    const list = await hub(["job:list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`\\| ${slow}\\s+\\| killed`));
    expect(list.stdout).toMatch(new RegExp(`\\| ${id}\\s+\\| success`));
    expect(list.stdout).toMatch(/2 jobs\n$/);
    const onlyKilled = await hub(["job:list", "5", "-K"]);
    expect(onlyKilled.stdout).not.toContain(`| ${id} `);
    expect(onlyKilled.stdout).toMatch(/1 jobs\n$/);
  });
});

describe("kakao-hub sched:*", () => {
  it("create, list, update, run, history, delete", async () => {
    const created = await hub(["sched:create", "nightly", "0 0 * * *", "select adid from customers where age < 30", "-d", "kakao_db", "-t", "Asia/Seoul", "-D", "60", "--result-connection", "new_kakao_auth", "--result-settings", settings("nightly")]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Schedule 'nightly' is created\. It starts at \d{4}-\d{2}-\d{2} 15:00:00 UTC\./);
    const list = await hub(["sched:list"]);
    expect(list.stdout).toMatch(/\| nightly \| 0 0 \* \* \* \| Asia\/Seoul \| 60\s+\|/);
    const updated = await hub(["sched:update", "nightly", "-s", "@hourly", "-n", "hourly"]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/Cron\s+: @hourly/);
    const run = await hub(["sched:run", "hourly", "2024-01-01 05:00:00"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| \d+\s+\| 2024-01-01 05:00:00 UTC \|/);
    const history = await hub(["sched:history", "hourly"]);
    expect(history.stdout).toMatch(/\| \d+\s+\| 2024-01-01 05:00:00 UTC \| (queued|running|success)/);
    const deleted = await hub(["sched:delete", "hourly"]);
    expect(deleted.stdout).toBe("Schedule 'hourly' is deleted.\n");
    const again = await hub(["sched:delete", "hourly"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Schedule "hourly" not found \(HTTP 404\)/);
  });
});

describe("kakao-hub configuration and usage", () => {
  it("exits 2 on usage errors, before calling the API", async () => {
    for (const args of [[], ["nope"], ["query", "select 1"], ["query", "-d", "kakao_db"], ["query", "-d", "kakao_db", "--result-settings", "{}", "select 1"], ["query", "-d", "kakao_db", "--result-connection", "x", "--result-settings", "{oops", "select 1"], ["job:show"], ["job:show", "abc"], ["query", "--bogus"], ["sched:run", "x", "not a time"]]) {
      const run = await hub(args);
      expect(run.code, args.join(" ")).toBe(2);
    }
    const noKey = await hub(["job:list"], { env: { KAKAO_HUB_APIKEY: undefined } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/no API key/);
  });

  it("takes --endpoint/--apikey or the toolbelt's TD_API_SERVER/TD_API_KEY; a bad key is exit 1", async () => {
    const flags = await hub(["job:list", "--endpoint", world.server.url, "--apikey", caller.key], { env: { KAKAO_HUB_ENDPOINT: undefined, KAKAO_HUB_APIKEY: undefined } });
    expect(flags.code).toBe(0);
    const td = await hub(["sched:list"], { env: { KAKAO_HUB_ENDPOINT: undefined, KAKAO_HUB_APIKEY: undefined, TD_API_SERVER: world.server.url, TD_API_KEY: caller.key } });
    expect(td.code).toBe(0);
    const bad = await hub(["job:list"], { env: { KAKAO_HUB_APIKEY: "kmh_wrong" } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown or revoked\. \(HTTP 401\)/);
  });
});

describe("kakao-hub kakao:doctor", () => {
  it("prints fact / assumed / seen / verdict / setting and exits 0 when every fact is as assumed", async () => {
    const run = await hub(["kakao:doctor", "--authentication", "new_kakao_auth"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Authentication: new_kakao_auth\nAuthorize URL : http:\/\/127\.0\.0\.1:\d+\/oauth\/business\/authorize\?/);
    expect(run.stdout).toMatch(/\| Fact +\| Assumed +\| Seen +\| Verdict +\| Setting +\|/);
    expect(run.stdout).toMatch(/\| token info: field with the Kakao user id +\| token_user_id: number +\| token_user_id: number .*\| as assumed +\| KAKAO_TOKENINFO_USER_ID_FIELD/);
    expect(run.stdout).toMatch(/Every checked fact is as assumed \(\d+ not checked: --write --ad-account ID checks the write calls\)\.\n$/);
  });

  it("exits 1 and names the setting when Kakao answers otherwise; --write registers and deletes a test file", async () => {
    await setFacts(world.kakaoUrl, { tokenInfoUserIdField: "user_id" });
    try {
      const run = await hub(["kakao:doctor", "-a", "new_kakao_auth", "--write", "--ad-account", "27429"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/\| token info: field with the Kakao user id +\| token_user_id: number +\| no token_user_id .*\| differs +\| KAKAO_TOKENINFO_USER_ID_FIELD +\|/);
      expect(run.stdout).toMatch(/\| register: multipart part names .*\| as assumed /);
      expect(run.stdout).toMatch(/1 fact\(s\) differ: set KAKAO_TOKENINFO_USER_ID_FIELD as the Seen column says/);
      expect(run.stderr).toMatch(/^Registering, editing and deleting a one-line test file in ad account 27429/);
      expect((await emulatorState(world.kakaoUrl)).files.map((f) => [f.name.replace(/\d+$/, ""), f.customerFileStatus])).toEqual([["kmh_doctor_", "DELETE"]]);
    } finally {
      await resetFacts(world.kakaoUrl);
    }
  });

  it("usage errors exit 2; an unknown authentication exits 1 with the API's message", async () => {
    const missing = await hub(["kakao:doctor"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--authentication NAME is required/);
    const noAccount = await hub(["kakao:doctor", "-a", "new_kakao_auth", "--write"]);
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toMatch(/--write needs --ad-account ID/);
    const unknown = await hub(["kakao:doctor", "-a", "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Authentication "nobody" not found/);
  });
});
