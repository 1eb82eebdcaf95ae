/**
 * Bench 6, concurrency (issue: Performance): 50 small exports (20,000 ADIDs each) queued at once on
 * two worker processes: all must succeed, none may run twice (one attempt each, 50 distinct files at
 * the emulator, none duplicated). The total time is reported against the same 50 run one at a time
 * (each issued after the previous finished) on one worker.
 *
 *   npx tsx bench/concurrency.ts [--jobs 50] [--rows 20000]
 */
import { adidTable, arg, exportJob, fail, startBench, writeResult } from "./harness";

const JOBS = Number(arg("jobs", "50"));
const ROWS = Number(arg("rows", "20000"));

async function main() {
  const bench = await startBench("concurrency");
  try {
    await adidTable(bench, "audience", ROWS);
    const { db } = await import("../lib/db");
    const { issueJob } = await import("../lib/jobs/jobs");
    const settings = (name: string) => ({ ad_account_id: 27429, mode: "register" as const, file_name: name });
    const emulatorFiles = async () => (await (await fetch(`${bench.emulatorUrl}/__emulator/state`)).json()).files as { name: string }[];

    // Together: 50 issued at once, two workers.
    const workers = [await bench.startWorker(), await bench.startWorker()];
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: JOBS }, (_, i) => issueJob(bench.user, { database: "bench_db", query: "select adid from audience", authenticationId: bench.authenticationId, exportSettings: settings(`c_${i}`) }).then((j) => j.id)));
    for (;;) {
      const open = await db.job.count({ where: { id: { in: ids }, status: { in: ["queued", "running"] } } });
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const together = (performance.now() - started) / 1000;
    for (const w of workers) await bench.stopWorker(w);
    const jobs = await db.job.findMany({ where: { id: { in: ids } }, select: { status: true, attempts: true, workerId: true } });
    const files = (await emulatorFiles()).filter((f) => f.name.startsWith("c_"));
    const check = {
      succeeded: jobs.filter((j) => j.status === "success").length,
      ranOnce: jobs.filter((j) => j.attempts === 1).length,
      files: files.length,
      distinctFiles: new Set(files.map((f) => f.name)).size,
      workersUsed: new Set(jobs.map((j) => j.workerId)).size,
    };
    console.log(`together: ${JOBS} exports on 2 workers in ${together.toFixed(1)} s; ${check.succeeded} succeeded, ${check.ranOnce} ran once, ${check.distinctFiles}/${check.files} distinct files, ${check.workersUsed} workers used`);

    // One at a time, one worker (after clearing: Kakao allows 50 files per ad account).
    await bench.clearFiles();
    const worker = await bench.startWorker();
    const t = performance.now();
    for (let i = 0; i < JOBS; i++) {
      const job = await exportJob(bench, "select adid from audience", `s_${i}`);
      if (job.status !== "success") throw new Error(`sequential export ${i} ended ${job.status}: ${job.error}`);
    }
    const sequential = (performance.now() - t) / 1000;
    await bench.stopWorker(worker);
    console.log(`one at a time: ${JOBS} exports in ${sequential.toFixed(1)} s`);

    const met = check.succeeded === JOBS && check.ranOnce === JOBS && check.files === JOBS && check.distinctFiles === JOBS;
    console.log(`6. concurrency: ${met ? "all succeeded, none twice" : "FAILED"}; together ${together.toFixed(1)} s vs one at a time ${sequential.toFixed(1)} s (${(sequential / together).toFixed(2)}× faster)`);
    writeResult("concurrency", { jobs: JOBS, rowsPerJob: ROWS, togetherSeconds: together, sequentialSeconds: sequential, speedup: sequential / together, ...check, met });
  } finally {
    await bench.close();
  }
}

main().then(() => process.exit(0), fail);
