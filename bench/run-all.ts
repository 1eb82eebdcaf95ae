/**
 * `npm run bench`: the Performance issue's six benchmarks, one after another on this machine, then
 * every bar as met / not met with its figure. Each benchmark writes bench/results/<name>.json; this
 * script reads them back for the summary (bench/results/summary.json). `--quick` runs small sizes
 * (a smoke test of the benchmarks themselves, not figures to quote).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { resultsDir, root, writeResult } from "./harness";

const quick = process.argv.includes("--quick");
if (quick) process.env.BENCH_RESULTS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-bench-quick-"));
const RUNS: [string, string[]][] = [
  ["export.ts", quick ? ["--rows", "1000000", "--memory-rows", "200000,1000000", "--runs", "1"] : []],
  ["csv-import.ts", quick ? ["--size-mb", "64", "--runs", "1"] : []],
  ["growth.ts", quick ? ["--sizes", "1000,20000"] : []],
  ["concurrency.ts", quick ? ["--jobs", "10", "--rows", "5000"] : []],
];

const started = Date.now();
const failures: string[] = [];
for (const [script, args] of RUNS) {
  console.log(`\n=== bench/${script} ${args.join(" ")}`);
  const t = Date.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "bench", script), ...args], { cwd: root, stdio: "inherit" });
  console.log(`=== bench/${script}: ${((Date.now() - t) / 1000).toFixed(0)} s, exit ${run.status}`);
  if (run.status !== 0) failures.push(script);
}

const read = (name: string) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(resultsDir(), `${name}.json`), "utf8"));
  } catch {
    return null;
  }
};
const exp = read("export");
const csv = read("csv-import");
const growth = read("growth");
const conc = read("concurrency");
const fmt = (n: number | undefined, digits = 2) => (typeof n === "number" ? n.toFixed(digits) : "—");
const rows = [
  { bench: "1. export vs psql|split|curl", figure: `A/B ${fmt(exp?.throughput?.ratio)} (${fmt(exp?.throughput?.product?.medianSeconds, 1)} s vs ${fmt(exp?.throughput?.tools?.medianSeconds, 1)} s)`, bar: "≤ 1.15", met: exp?.throughput?.met },
  { bench: "2. worker memory, flat", figure: `peak ${fmt(exp?.memory?.maxPeakRssMb, 0)} MB; largest/smallest ${fmt(exp?.memory?.growth)}`, bar: "≤ 200 MB, ≤ 1.10", met: exp?.memory?.met },
  { bench: "3. CSV import vs psql \\copy", figure: `A/B ${fmt(csv?.ratio)}; peak ${csv?.product?.peakRssMb ?? "—"} MB`, bar: "≤ 1.5", met: csv?.pass },
  { bench: "4. preview latency vs psql", figure: `A/B ${fmt(exp?.preview?.ratio)} (${fmt(exp?.preview?.productMs, 0)} ms vs ${fmt(exp?.preview?.psqlMs, 0)} ms)`, bar: "≤ 2", met: exp?.preview?.met },
  { bench: "5a. jobs list 1 M vs 1 k", figure: `×${fmt(growth?.jobsList?.ratio)}`, bar: "≤ 2", met: growth?.jobsList?.met },
  { bench: "5b. scheduler tick, 10 k schedules", figure: `${fmt(Math.max(growth?.schedulerTick?.idleCpuMs ?? 0, growth?.schedulerTick?.tenDueCpuMs ?? 0), 1)} ms CPU`, bar: "≤ 100 ms", met: growth?.schedulerTick?.met },
  { bench: "6. 50 exports on 2 workers", figure: conc ? `${conc.succeeded}/${conc.jobs} ok, once each; ${fmt(conc.togetherSeconds, 1)} s vs ${fmt(conc.sequentialSeconds, 1)} s one at a time` : "—", bar: "all succeed, none twice", met: conc?.met },
];
console.log(`\nAll benchmarks in ${((Date.now() - started) / 60000).toFixed(1)} min${quick ? " (--quick: smoke sizes, not figures to quote)" : ""}:`);
console.table(rows.map((r) => ({ ...r, met: r.met === undefined ? "—" : r.met ? "met" : "NOT met" })));
if (!quick) writeResult("summary", { minutes: (Date.now() - started) / 60000, rows });
if (failures.length) {
  console.error(`failed: ${failures.join(", ")}`);
  process.exit(1);
}
