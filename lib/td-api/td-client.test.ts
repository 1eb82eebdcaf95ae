import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { expectedAdidFile } from "@/lib/jobs/test-support";
import { registerSettings, startV3World, tdClient, v3Caller, v3Fetch, waitForJob, type V3Caller, type V3World } from "@/lib/td-api/test-support";

let world: V3World;
let caller: V3Caller;
let td: ReturnType<typeof tdClient>;

beforeAll(async () => {
  world = await startV3World();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  caller = await v3Caller(world);
  td = tdClient(world.server.url, caller.key);
});

const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;

describe("the public td client (td-client-node) against the v3 API over HTTP", () => {
  it("issues a query exported to Kakao Moment (result_connection_id + settings), polls showJob to success, lists jobs", async () => {
    const lookup = await (await v3Fetch(world.server.url, caller.key)("/v3/connections/lookup?name=new_kakao_auth")).json();
    expect(lookup).toMatchObject({ id: caller.authenticationId });

    const issued = await td.prestoQuery("kakao_db", "select adid from customers", {
      result_connection_id: lookup.id,
      result_connection_settings: JSON.stringify(registerSettings("td_client_audience")),
      priority: 1,
      retry_limit: 2,
    });
    expect(issued).toEqual({ job: issued.job_id, database: "kakao_db", job_id: expect.stringMatching(/^\d+$/) });

    const job = await waitForJob(() => td.showJob(issued.job_id));
    expect(job).toMatchObject({
      job_id: issued.job_id,
      status: "success",
      type: "presto",
      database: "kakao_db",
      query: "select adid from customers",
      user_name: "marketer@example.com",
      priority: 1,
      retry_limit: 2,
      result_connection_id: caller.authenticationId,
      num_records: 100_000,
    });
    for (const field of ["created_at", "updated_at", "start_at", "end_at"]) expect(job[field]).toMatch(TIME);
    expect(JSON.parse(job.result_connection_settings as string)).toMatchObject({ mode: "register", file_name: "td_client_audience", ad_account_id: 27429 });
    expect(JSON.parse(job.hive_result_schema as string)).toEqual([["adid", "text"]]);
    expect((job.debug as { cmdout: string }).cmdout).toMatch(/Success/);

    const expected = await expectedAdidFile("select adid from kakao_db.customers");
    const files = (await emulatorState(world.kakaoUrl)).files;
    expect(files).toEqual([expect.objectContaining({ name: "td_client_audience", adAccountId: 27429, sha256: expected.sha256, lines: expected.lines })]);

    const listed = await td.listJobs();
    expect(listed).toMatchObject({ count: 1, from: 0, to: 19 });
    expect(listed.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([issued.job_id]);
    expect(await td.listJobs(0, 10, "error")).toMatchObject({ jobs: [], count: 0 });
  });

  it("runs a query-only job and returns its rows as tsv, csv and json", async () => {
    const sql = "select name, age, null::text as nothing, 'a\tb' as tabbed from (values ('Kim, J', 31), ('Lee \"L\"', 42)) as t(name, age) order by age";
    const issued = await td.trinoQuery("kakao_db", sql);
    const job = await waitForJob(() => td.showJob(issued.job_id));
    expect(job).toMatchObject({ status: "success", type: "trino", num_records: 2 });
    expect(JSON.parse(job.hive_result_schema as string)).toEqual([["name", "text"], ["age", "integer"], ["nothing", "text"], ["tabbed", "text"]]);
    expect(await td.jobResult(issued.job_id)).toBe('Kim, J\t31\t\ta\\tb\nLee "L"\t42\t\ta\\tb\n');
    expect(await td.jobResult(issued.job_id, "csv")).toBe('"Kim, J",31,,a\tb\r\n"Lee ""L""",42,,a\tb\r\n');
    expect(await td.jobResult(issued.job_id, "json")).toBe('["Kim, J",31,null,"a\\tb"]\n["Lee \\"L\\"",42,null,"a\\tb"]\n');
    const stored = await db.job.findUniqueOrThrow({ where: { id: Number(issued.job_id) } });
    expect(Number(stored.resultBytes)).toBeGreaterThan(0);
    expect((await td.showJob(issued.job_id)).result_size).toBe(Number(stored.resultBytes));
  });

  it("creates, lists and deletes a schedule", async () => {
    const created = await td.createSchedule("nightly_audience", {
      cron: "0 3 * * *",
      query: "select adid from customers",
      database: "kakao_db",
      timezone: "Asia/Seoul",
      delay: 60,
      result_connection_id: caller.authenticationId,
      result_connection_settings: JSON.stringify(registerSettings("nightly")),
    });
    expect(created).toMatchObject({ name: "nightly_audience", cron: "0 3 * * *", timezone: "Asia/Seoul", delay: 60, database: "kakao_db", query: "select adid from customers" });
    expect(created.start).toMatch(/ 18:00:00 UTC$/); // 03:00 in Seoul
    expect(created.next_time).toBe(created.start);

    const { schedules } = await td.listSchedules();
    expect(schedules).toEqual([expect.objectContaining({ name: "nightly_audience", cron: "0 3 * * *", next_time: created.start })]);

    const updated = await td.updateSchedule("nightly_audience", { cron: "@hourly", name: "hourly_audience" });
    expect(updated).toMatchObject({ name: "hourly_audience", cron: "@hourly", timezone: "Asia/Seoul" });

    const deleted = await td.deleteSchedule("hourly_audience");
    expect(deleted).toMatchObject({ name: "hourly_audience" });
    expect(await td.listSchedules()).toEqual({ schedules: [] });
    await expect(td.deleteSchedule("hourly_audience")).rejects.toMatchObject({ message: "not_found" });
  });
});
