/**
 * Bench: the product's CSV import (lib/warehouse/csv/import.ts: scan + check + COPY) against
 * `psql \copy … from` of the same file, on an embedded PostgreSQL this script starts itself.
 *
 *   npx tsx bench/csv-import.ts [--size-mb 1024] [--runs 3] [--file existing.csv]
 *
 * - The CSV (customers-like: uuid, text, integer, boolean, timestamp, numeric columns; ~105 bytes a
 *   row, all rows valid so psql can load it too) is streamed to a temp file, never held in memory.
 * - Each run imports into a fresh table (the product creates its own; psql's is created with the
 *   same column types first), after a CHECKPOINT; tables are dropped after each run to save disk.
 *   Runs alternate product / psql; the median of each is compared.
 * - Peak RSS of this process during the product imports: VmHWM after resetting it
 *   (/proc/self/clear_refs), plus VmRSS sampled every 50 ms; the RSS at start is the baseline.
 * - Also timed: the scan + checks alone (no database), to show how much of a core the product's
 *   own work takes next to PostgreSQL's parsing.
 * - Bar: product time ≤ 1.5 × psql time. Writes bench/results/csv-import.json.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort, startEmbeddedPostgres } from "../lib/platform/postgres";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BAR = 1.5;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizeMb = Number(arg("size-mb", "1024"));
const runs = Number(arg("runs", "3"));
const givenFile = arg("file", "");


function status(): { rssKb: number; hwmKb: number } {
  const s = fs.readFileSync("/proc/self/status", "utf8");
  return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0), hwmKb: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) };
}

function resetPeakRss(): void {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux, or not allowed: the sampled maximum still stands
  }
}

/** Stream a deterministic customers CSV of about `bytes` bytes to `file`. */
async function generateCsv(file: string, bytes: number): Promise<{ bytes: number; rows: number }> {
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  const HEX = "0123456789abcdef";
  const genders = ["female", "male", "unknown"];
  const countries = ["KR", "KR", "KR", "KR", "JP", "US", "TW", "VN", "TH"];
  const words = ["loyal", "new", "vip", "churn risk", "app user", "web user", "coupon", "summer sale"];
  let seed = 0x2545f491;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  out.write("adid,gender,age,country,app_installed,last_purchase_at,ltv,note\n");
  let written = 0;
  let rows = 0;
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  while (written < bytes) {
    let chunk = "";
    for (let i = 0; i < 5000; i++) {
      let uuid = "";
      for (let j = 0; j < 32; j++) {
        if (j === 8 || j === 12 || j === 16 || j === 20) uuid += "-";
        uuid += HEX[rnd() & 15];
      }
      const r = rnd();
      const day = 1 + (r % 28);
      const ts = `2025-${pad(1 + (r % 12))}-${pad(day)} ${pad(r % 24)}:${pad((r >>> 5) % 60)}:${pad((r >>> 11) % 60)}`;
      const ltv = `${rnd() % 500000}.${pad(rnd() % 100)}`;
      const note = words[rnd() % words.length]!;
      chunk += `${uuid},${genders[r % 3]},${18 + (r % 53)},${countries[(r >>> 3) % countries.length]},${r & 1 ? "true" : "false"},${ts},${ltv},${note}\n`;
      rows++;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { bytes: fs.statSync(file).size, rows };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const baselineRssMb = status().rssKb / 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-bench-"));
  fs.chmodSync(dir, 0o755);
  const password = crypto.randomBytes(12).toString("hex");
  const port = await freePort();
  console.log(`starting embedded PostgreSQL on port ${port} in ${dir}`);
  const server = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port, password });
  let exitCode = 0;
  try {
    const admin = new pg.Client({ connectionString: server.urlFor("postgres") });
    await admin.connect();
    await admin.query("create database bench_warehouse");
    await admin.end();
    const warehouseUrl = server.urlFor("bench_warehouse");
    process.env.WAREHOUSE_DATABASE_URL = warehouseUrl;
    const { prepareWarehouse } = await import("../lib/warehouse/bootstrap");
    const { createDatabase } = await import("../lib/warehouse/databases");
    const { importCsv, loaderForSample } = await import("../lib/warehouse/csv/import");
    const { closeWarehousePool } = await import("../lib/warehouse/connection");
    await prepareWarehouse({ warehouseUrl, seedSample: false });
    await createDatabase("bench");

    let file = givenFile;
    let rows: number | null = null;
    if (!file) {
      file = path.join(dir, "customers.csv");
      console.log(`generating ${sizeMb} MB of CSV…`);
      const t = Date.now();
      const generated = await generateCsv(file, sizeMb * 1024 * 1024);
      rows = generated.rows;
      console.log(`  ${(generated.bytes / 1e6).toFixed(0)} MB, ${rows.toLocaleString("en-US")} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const fileBytes = fs.statSync(file).size;
    const mb = fileBytes / (1024 * 1024);

    const db = new pg.Client({ connectionString: warehouseUrl });
    await db.connect();
    const productTimes: number[] = [];
    const psqlTimes: number[] = [];
    const productPeakRssMb: number[] = [];
    let columns: { name: string; type: string }[] = [];
    let rowsImported = 0;
    let progressCalls = 0;
    for (let run = 1; run <= runs; run++) {
      // Product: scan, check, COPY (creates the table in the same transaction).
      await db.query("checkpoint");
      resetPeakRss();
      let sampled = status().rssKb;
      const sampler = setInterval(() => (sampled = Math.max(sampled, status().rssKb)), 50);
      let t = performance.now();
      const report = await importCsv(fs.createReadStream(file), {
        database: "bench",
        table: `product_${run}`,
        mode: "create",
        totalBytes: fileBytes,
        onProgress: () => progressCalls++,
      });
      const productMs = performance.now() - t;
      clearInterval(sampler);
      const peakMb = Math.max(sampled, status().hwmKb) / 1024;
      productTimes.push(productMs);
      productPeakRssMb.push(peakMb);
      columns = report.columns;
      rowsImported = report.rowsImported;
      if (report.rowsRejected) throw new Error(`the bench file had ${report.rowsRejected} rejected rows: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      console.log(`run ${run}: product ${(productMs / 1000).toFixed(2)} s (${(mb / (productMs / 1000)).toFixed(1)} MB/s, ${report.rowsImported.toLocaleString("en-US")} rows, peak RSS ${peakMb.toFixed(0)} MB)`);
      await db.query(`drop table bench.product_${run}`);

      // psql \copy into a table of the same types.
      await db.query(`create table bench.psql_${run} (${columns.map((c) => `"${c.name}" ${c.type}`).join(", ")})`);
      await db.query("checkpoint");
      t = performance.now();
      await new Promise<void>((resolve, reject) => {
        const child = spawn("/usr/bin/psql", [warehouseUrl, "-v", "ON_ERROR_STOP=1", "-c", `\\copy bench.psql_${run} from '${file}' with (format csv, header)`], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`psql failed (${code}): ${err}`))));
      });
      const psqlMs = performance.now() - t;
      psqlTimes.push(psqlMs);
      console.log(`run ${run}: psql \\copy ${(psqlMs / 1000).toFixed(2)} s (${(mb / (psqlMs / 1000)).toFixed(1)} MB/s)`);
      await db.query(`drop table bench.psql_${run}`);
    }
    await db.end();
    await closeWarehousePool();

    // The product's own work without PostgreSQL: scan, check, slice (what runs beside the server).
    const head = Buffer.alloc(1024 * 1024);
    const fd = fs.openSync(file, "r");
    const headBytes = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const { loader, start } = loaderForSample(head.subarray(0, headBytes), columns);
    const t = performance.now();
    let carry: Buffer | null = null;
    let first = true;
    for await (const chunk of fs.createReadStream(file)) {
      const data: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const consumed = loader.process(data, first ? start : 0, false);
      first = false;
      loader.takeOutput();
      carry = consumed < data.length ? data.subarray(consumed) : null;
    }
    if (carry) loader.process(carry, 0, true);
    if (loader.rowsRejected) throw new Error(`scan-only pass rejected ${loader.rowsRejected} rows: ${JSON.stringify(loader.rejected.slice(0, 3))}`);
    const scanSeconds = (performance.now() - t) / 1000;
    console.log(`scan + checks alone: ${scanSeconds.toFixed(2)} s (${(mb / scanSeconds).toFixed(1)} MB/s)`);

    const productMedian = median(productTimes);
    const psqlMedian = median(psqlTimes);
    const ratio = productMedian / psqlMedian;
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      file: { bytes: fileBytes, mb: Number(mb.toFixed(1)), rows: rows ?? rowsImported, columns },
      runs,
      product: {
        medianSeconds: productMedian / 1000,
        mbPerSecond: mb / (productMedian / 1000),
        secondsEach: productTimes.map((x) => x / 1000),
        peakRssMb: Math.round(Math.max(...productPeakRssMb)),
        baselineRssMb: Math.round(baselineRssMb),
        progressCalls,
      },
      scanAndChecksOnly: { seconds: scanSeconds, mbPerSecond: mb / scanSeconds },
      psql: { medianSeconds: psqlMedian / 1000, mbPerSecond: mb / (psqlMedian / 1000), secondsEach: psqlTimes.map((x) => x / 1000) },
      ratio: Number(ratio.toFixed(3)),
      bar: BAR,
      pass: ratio <= BAR,
    };
    console.log("");
    console.log(`| import           | median s | MB/s  |`);
    console.log(`| ---------------- | -------- | ----- |`);
    console.log(`| product (COPY)   | ${result.product.medianSeconds.toFixed(2).padStart(8)} | ${result.product.mbPerSecond.toFixed(1).padStart(5)} |`);
    console.log(`| psql \\copy       | ${result.psql.medianSeconds.toFixed(2).padStart(8)} | ${result.psql.mbPerSecond.toFixed(1).padStart(5)} |`);
    console.log(`product / psql = ${result.ratio} (bar ≤ ${BAR}: ${result.pass ? "pass" : "FAIL"}); peak RSS ${result.product.peakRssMb} MB (at start ${result.product.baselineRssMb} MB)`);
    const out = process.env.BENCH_RESULTS_DIR ?? path.join(root, "bench/results");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "csv-import.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.join(out, "csv-import.json")}`);
    if (!result.pass) exitCode = 1;
  } finally {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
