/**
 * Bench 5, growth of cost (issue: Performance):
 *  - the jobs list at 1 k, 100 k and 1 M job rows: what the v3/console jobs API runs (listJobs: a
 *    user's newest page, filtered by status, and a deep keyset page) and what the Jobs page adds
 *    (the exports-per-day chart). Median of 15 calls each. Bar: 1 M within 2× of 1 k.
 *  - the scheduler tick with 10 k active schedules: CPU per tick when nothing is due and when 10
 *    slots are due (of which this worker starts all). Bar: ≤ 100 ms CPU per tick.
 *
 *   npx tsx bench/growth.ts [--sizes 1000,100000,1000000]
 */
import { arg, fail, median, startBench, writeResult } from "./harness";

const SIZES = arg("sizes", "1000,100000,1000000").split(",").map(Number);
const LIST_BAR = 2;
const TICK_BAR_MS = 100;

async function timed<T>(fn: () => Promise<T>, repeat = 15): Promise<number> {
  await fn(); // warm (plans, connections)
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function cpuOf<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

async function main() {
  const bench = await startBench("growth");
  try {
    const { db } = await import("../lib/db");
    const { listJobs } = await import("../lib/jobs/jobs");
    const { exportsPerDay } = await import("../lib/jobs/stats");
    const other = await db.user.create({ data: { email: "other@example.com", passwordHash: "x", role: "marketer" } });
    const settings = JSON.stringify({ type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name: "f" });

    // Jobs: two owners, statuses mixed, spread over 90 days; rows added up to each size.
    let have = 0;
    const list: { size: number; apiMs: number; filteredMs: number; deepMs: number; pageMs: number }[] = [];
    for (const size of SIZES) {
      const add = size - have;
      await db.$executeRawUnsafe(
        `insert into jobs (owner_id, database, query, authentication_id, export_settings, status, created_at, updated_at, finished_at, rows_exported, files_done)
         select case when i % 2 = 0 then $1 else $2 end, 'kakao_db', 'select adid from customers', $3, $4::jsonb,
           (array['success','success','success','error','killed','queued'])[1 + i % 6]::"JobStatus",
           now() - make_interval(secs => (i % (90 * 86400))), now(), now() - make_interval(secs => (i % (90 * 86400))), 1000 + i % 5000, 1
         from generate_series($5::int, $6::int) i`,
        bench.user.id,
        other.id,
        bench.authenticationId,
        settings,
        have + 1,
        size,
      );
      have = size;
      // The chart's per-day counts, as the runner keeps them when jobs succeed (lib/jobs/stats.ts).
      await db.$executeRawUnsafe("delete from export_days");
      await db.$executeRawUnsafe(
        `insert into export_days (owner_id, day, jobs, rows_exported, files)
         select owner_id, finished_at::date, count(*), sum(rows_exported), sum(files_done) from jobs where status = 'success' and finished_at is not null group by 1, 2`,
      );
      await db.$executeRawUnsafe("analyze jobs");
      const newest = await listJobs(bench.user, { limit: 20 });
      const deepBefore = (await db.job.findFirst({ where: { ownerId: bench.user.id }, orderBy: { id: "asc" }, skip: Math.floor(size / 4), select: { id: true } }))?.id ?? newest.nextBefore ?? 1;
      const apiMs = await timed(() => listJobs(bench.user, { limit: 20 }));
      const filteredMs = await timed(() => listJobs(bench.user, { status: "error", limit: 20 }));
      const deepMs = await timed(() => listJobs(bench.user, { before: deepBefore, limit: 20 }));
      const pageMs = await timed(() => Promise.all([listJobs(bench.user, { limit: 20 }), exportsPerDay(bench.user, 30)]));
      list.push({ size, apiMs, filteredMs, deepMs, pageMs });
      console.log(`jobs ${size.toLocaleString()}: newest page ${apiMs.toFixed(1)} ms, status filter ${filteredMs.toFixed(1)} ms, deep page ${deepMs.toFixed(1)} ms, page (list + chart) ${pageMs.toFixed(1)} ms`);
    }
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const listRatio = Math.max(last.apiMs / first.apiMs, last.filteredMs / first.filteredMs, last.deepMs / first.deepMs, last.pageMs / first.pageMs);

    // Scheduler: 10,000 active schedules (9,990 daily, not due; 10 every minute, due).
    const { tick } = await import("../lib/schedule/scheduler");
    const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      ownerId: bench.user.id,
      name: `q${i}`,
      database: "bench_db",
      sql: "select adid from audience",
      exportAuthenticationId: bench.authenticationId,
      exportSettings: { type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name: `f${i}` },
      scheduleCron: i < 10 ? "* * * * *" : "0 3 * * *",
      scheduleTimezone: "UTC",
      scheduleNextAt: i < 10 ? at(1) : new Date(Date.UTC(2030, 0, 1, 3)),
    }));
    for (let i = 0; i < rows.length; i += 2000) await db.savedQuery.createMany({ data: rows.slice(i, i + 2000) });
    await db.$executeRawUnsafe("analyze saved_queries");
    await tick(at(0)); // warm
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) idle.push((await cpuOf(() => tick(new Date(at(0).getTime() + i * 1000)))).cpuMs);
    const busy: number[] = [];
    for (let minute = 1; minute <= 3; minute++) {
      const measured = await cpuOf(() => tick(at(minute)));
      if (measured.value.started.length !== 10) throw new Error(`expected 10 started runs at minute ${minute}, got ${measured.value.started.length}`);
      busy.push(measured.cpuMs);
    }
    const tickIdle = median(idle);
    const tickBusy = median(busy);
    console.log(`scheduler, 10,000 active schedules: idle tick ${tickIdle.toFixed(1)} ms CPU; tick starting 10 runs ${tickBusy.toFixed(1)} ms CPU`);

    const result = {
      jobsList: { sizes: list, ratio: listRatio, bar: LIST_BAR, met: listRatio <= LIST_BAR },
      schedulerTick: { activeSchedules: 10_000, idleCpuMs: tickIdle, tenDueCpuMs: tickBusy, bar: TICK_BAR_MS, met: Math.max(tickIdle, tickBusy) <= TICK_BAR_MS },
    };
    console.table(list.map((r) => ({ jobs: r.size.toLocaleString(), "API ms": r.apiMs.toFixed(1), "status ms": r.filteredMs.toFixed(1), "deep page ms": r.deepMs.toFixed(1), "page ms": r.pageMs.toFixed(1) })));
    console.log(`jobs list 1M/1k = ${listRatio.toFixed(2)} (bar ≤ ${LIST_BAR}: ${result.jobsList.met ? "met" : "NOT met"})`);
    console.log(`scheduler tick ${Math.max(tickIdle, tickBusy).toFixed(1)} ms CPU (bar ≤ ${TICK_BAR_MS}: ${result.schedulerTick.met ? "met" : "NOT met"})`);
    writeResult("growth", result);
  } finally {
    await bench.close();
  }
}

main().then(() => process.exit(0), fail);
