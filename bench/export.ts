/**
 * Benches 1, 2 and 4 of the Performance issue, on one generated table of ADIDs (so it is made once):
 *
 * 1. Export throughput vs standard tools, on the first 12 M ADIDs (~444 MB, three files):
 *    A (product): a job is issued; a worker process started as `npm start` starts it runs it —
 *      COPY → adid checks → spool → three multipart uploads to the emulator, with its bookkeeping.
 *    B (standard tools): psql "\copy (select adid …) to stdout" | split -C 209715200 (line-aligned)
 *      → curl -F for each file, one after another.
 *    Both timed from start to the last file stored; emulator rate limit off; runs alternate B, A;
 *    median of --runs. Bar: A/B ≤ 1.15.
 * 2. Flat memory: the worker's peak RSS (VmHWM, from the OS) for exports of 1 M, 6 M and 24 M rows,
 *    a fresh worker each. Bar: ≤ 200 MB at every size, and 24 M within 10 % of 1 M.
 * 4. Preview latency: the workbench preview (first 1,000 rows, through the sandboxed engine) of
 *    `select adid from` the 24 M-row table vs `psql -c "select adid from … limit 1000"`. Median of 5.
 *    Bar: A/B ≤ 2. The preview is asked not to count the rest (what the console does for huge
 *    tables is shown separately: with the total counted in the same snapshot).
 *
 *   npx tsx bench/export.ts [--rows 12000000] [--memory-rows 1000000,6000000,24000000] [--runs 3]
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { adidTable, arg, cpuSince, cpuSnapshot, exportJob, fail, median, peakRssMb, processCpu, startBench, writeResult } from "./harness";

const ROWS = Number(arg("rows", "12000000"));
const MEMORY_ROWS = arg("memory-rows", "1000000,6000000,24000000").split(",").map(Number);
const RUNS = Number(arg("runs", "3"));
const THROUGHPUT_BAR = 1.15;
const MEMORY_BAR_MB = 200;
const MEMORY_FLAT = 1.1;
const PREVIEW_BAR = 2;
const run$ = promisify(execFile);

type Cpu = Record<string, number>;
function cpuSummary(a: { seconds: number; cpu: Cpu }[], b: { seconds: number; cpu: Cpu }[]) {
  const summarize = (runs: { seconds: number; cpu: Cpu }[]) => {
    const parts = Object.fromEntries(Object.keys(runs[0]!.cpu).map((k) => [k, Number(median(runs.map((r) => r.cpu[k]!)).toFixed(1))]));
    const total = median(runs.map((r) => Object.values(r.cpu).reduce((x, y) => x + y, 0)));
    return { ...parts, total: Number(total.toFixed(1)), coresBusy: Number(median(runs.map((r) => Object.values(r.cpu).reduce((x, y) => x + y, 0) / r.seconds)).toFixed(2)) };
  };
  return { product: summarize(a), tools: summarize(b) };
}

async function main() {
  const bench = await startBench("export");
  try {
    const total = Math.max(ROWS, ...MEMORY_ROWS);
    console.log(`generating ${total.toLocaleString()} ADIDs…`);
    await adidTable(bench, "audience", total);
    const sqlFor = (rows: number) => (rows === total ? "select adid from audience" : `select adid from audience where id <= ${rows}`);
    const clearFiles = () => bench.clearFiles();
    const filesNamed = async (prefix: string) => (await (await fetch(`${bench.emulatorUrl}/__emulator/state`)).json()).files.filter((f: { name: string }) => f.name.startsWith(prefix)).length;

    // 1. Throughput.
    async function product(run: number) {
      const worker = await bench.startWorker();
      const cpu0 = cpuSnapshot();
      const worker0 = processCpu(worker.pid!);
      const job = await exportJob(bench, sqlFor(ROWS), `bench_${run}`);
      const used = cpuSince(cpu0);
      const cpu = { worker: processCpu(worker.pid!) - worker0, postgres: used.postgres, emulator: used.bench };
      const peak = peakRssMb(worker.pid!);
      await bench.stopWorker(worker);
      if (job.status !== "success") throw new Error(`product export ended ${job.status}: ${job.error}`);
      return { seconds: job.seconds, peakRssMb: peak, files: await filesNamed(`bench_${run}`), cpu };
    }
    // Async: the emulator runs in this process and must keep answering while the tools run.
    async function baseline(run: number) {
      const work = fs.mkdtempSync(path.join(bench.dir, "split-"));
      const cpu0 = cpuSnapshot();
      const started = performance.now();
      await run$("bash", ["-c", `set -o pipefail; psql "${bench.warehouseUrl}" -c "\\copy (${sqlFor(ROWS).replace("from audience", "from bench_db.audience")}) to stdout" | split -C 209715200 -d -a 3 --additional-suffix=.csv - "${work}/part_"`]);
      const parts = fs.readdirSync(work).sort();
      for (const [i, part] of parts.entries()) {
        const { stdout } = await run$("curl", ["-s", "-w", "\n%{http_code}", "-H", `Authorization: Bearer ${bench.token}`, "-H", "adAccountId: 27429", "-F", `name=base_${run}${i ? `_${i + 1}` : ""}`, "-F", `file=@${path.join(work, part)};type=text/csv`, `${bench.emulatorUrl}/openapi/v4/customerFiles`]);
        if (!stdout.trimEnd().endsWith("200")) throw new Error(`curl upload of ${part} failed: ${stdout.slice(-500)}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const used = cpuSince(cpu0);
      fs.rmSync(work, { recursive: true, force: true });
      return { seconds, files: parts.length, cpu: { tools: used.tools, postgres: used.postgres, emulator: used.bench } };
    }
    const a: Awaited<ReturnType<typeof product>>[] = [];
    const b: Awaited<ReturnType<typeof baseline>>[] = [];
    for (let run = 1; run <= RUNS; run++) {
      b.push(await baseline(run));
      a.push(await product(run));
      const cpuText = (cpu: Record<string, number>) => Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ");
      console.log(`run ${run}: product ${a[run - 1]!.seconds.toFixed(1)} s (${a[run - 1]!.files} files, worker peak ${a[run - 1]!.peakRssMb.toFixed(0)} MB; CPU s: ${cpuText(a[run - 1]!.cpu)}), tools ${b[run - 1]!.seconds.toFixed(1)} s (${b[run - 1]!.files} files; CPU s: ${cpuText(b[run - 1]!.cpu)})`);
      await clearFiles();
    }
    const bytes = ROWS * 37;
    const A = median(a.map((r) => r.seconds));
    const B = median(b.map((r) => r.seconds));
    const throughput = {
      rows: ROWS,
      bytes,
      runs: RUNS,
      product: { medianSeconds: A, mbPerSec: bytes / 1e6 / A, files: a[0]!.files, all: a },
      tools: { medianSeconds: B, mbPerSec: bytes / 1e6 / B, files: b[0]!.files, all: b },
      ratio: A / B,
      /** Median CPU seconds per part, and the cores they kept busy on average (CPU seconds / wall seconds). */
      cpu: cpuSummary(a, b),
      bar: THROUGHPUT_BAR,
      met: A / B <= THROUGHPUT_BAR,
    };

    // 2. Memory: a fresh worker per size.
    const memory: { rows: number; peakRssMb: number; seconds: number; files: number }[] = [];
    for (const rows of MEMORY_ROWS) {
      const worker = await bench.startWorker();
      const job = await exportJob(bench, sqlFor(rows), `mem_${rows}`);
      const peak = peakRssMb(worker.pid!);
      await bench.stopWorker(worker);
      if (job.status !== "success") throw new Error(`memory export of ${rows} rows ended ${job.status}: ${job.error}`);
      memory.push({ rows, peakRssMb: peak, seconds: job.seconds, files: job.files });
      console.log(`memory: ${rows.toLocaleString()} rows → worker peak ${peak.toFixed(0)} MB (${job.files} files, ${job.seconds.toFixed(1)} s)`);
      await clearFiles();
    }
    const peaks = memory.map((m) => m.peakRssMb);
    const growth = memory[memory.length - 1]!.peakRssMb / memory[0]!.peakRssMb;
    const memoryResult = { sizes: memory, maxPeakRssMb: Math.max(...peaks), growth, bar: { maxMb: MEMORY_BAR_MB, growth: MEMORY_FLAT }, met: Math.max(...peaks) <= MEMORY_BAR_MB && growth <= MEMORY_FLAT };

    // 4. Preview latency on the largest table.
    const { queryEngine } = await import("../lib/engine");
    const engine = queryEngine();
    const previewSql = "select adid from audience";
    const previewA: number[] = [];
    const previewB: number[] = [];
    for (let i = 0; i < 6; i++) {
      let t = performance.now();
      const preview = await engine.preview(previewSql, { database: "bench_db", timeoutMs: 60_000, countTotal: false });
      const a1 = performance.now() - t;
      if (preview.rows.length !== 1000) throw new Error(`preview returned ${preview.rows.length} rows`);
      t = performance.now();
      await run$("psql", [bench.warehouseUrl, "-At", "-c", "select adid from bench_db.audience limit 1000"], { maxBuffer: 1 << 24 });
      const b1 = performance.now() - t;
      if (i > 0) {
        previewA.push(a1);
        previewB.push(b1);
      }
    }
    const t = performance.now();
    const counted = await engine.preview(previewSql, { database: "bench_db", timeoutMs: 60_000 });
    const countedMs = performance.now() - t;
    const pA = median(previewA);
    const pB = median(previewB);
    const previewResult = { tableRows: total, productMs: pA, psqlMs: pB, ratio: pA / pB, bar: PREVIEW_BAR, met: pA / pB <= PREVIEW_BAR, withTotalCountMs: countedMs, totalRows: counted.totalRows };

    console.table([
      { pipeline: "A product (job → worker → Kakao)", seconds: A.toFixed(1), "MB/s": throughput.product.mbPerSec.toFixed(1), files: throughput.product.files },
      { pipeline: "B psql | split | curl", seconds: B.toFixed(1), "MB/s": throughput.tools.mbPerSec.toFixed(1), files: throughput.tools.files },
    ]);
    console.log(`1. export A/B = ${(A / B).toFixed(2)} (bar ≤ ${THROUGHPUT_BAR}: ${throughput.met ? "met" : "NOT met"})`);
    console.log(`   CPU seconds: product ${JSON.stringify(throughput.cpu.product)}; tools ${JSON.stringify(throughput.cpu.tools)}`);
    console.log(`2. worker peak RSS ${peaks.map((p) => p.toFixed(0)).join(" / ")} MB at ${MEMORY_ROWS.map((r) => `${r / 1e6} M`).join(" / ")}; largest/smallest ${growth.toFixed(2)} (bar ≤ ${MEMORY_BAR_MB} MB and ≤ ${MEMORY_FLAT}: ${memoryResult.met ? "met" : "NOT met"})`);
    console.log(`4. preview ${pA.toFixed(0)} ms vs psql limit 1000 ${pB.toFixed(0)} ms: A/B = ${(pA / pB).toFixed(2)} (bar ≤ ${PREVIEW_BAR}: ${previewResult.met ? "met" : "NOT met"}); with the total counted: ${countedMs.toFixed(0)} ms`);
    writeResult("export", { throughput, memory: memoryResult, preview: previewResult });
    await engine.close();
  } finally {
    await bench.close();
  }
}

main().then(() => process.exit(0), fail);
