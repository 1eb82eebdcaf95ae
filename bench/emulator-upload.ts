/**
 * Bench: stream a ~200 MB customer file (just under 209,715,200 bytes of valid UUID lines) to the
 * Kakao emulator running as a child process, and check memory stays flat and bytes arrive intact.
 *
 *   npx tsx bench/emulator-upload.ts            (BENCH_BYTES=… to change the size)
 *
 * - The emulator runs as `node --import tsx emulator/main.ts`, so the child pid IS the server
 *   process (no npx/tsx wrapper in between) and /proc/<pid>/status VmHWM is its peak RSS.
 * - The CSV is generated on the fly and hashed (SHA-256) while it is sent; it is never in memory.
 * - Prints a table and writes bench/results/emulator-upload.json. Bar: peak RSS < 150 MB.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { obtainToken } from "../emulator/testing";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const LIMIT = 209_715_200;
const LINE = 37; // 36 chars + "\n"
const targetBytes = Number(process.env.BENCH_BYTES ?? LIMIT);
const lines = Math.floor(targetBytes / LINE);
const fileBytes = lines * LINE;
const RSS_BAR_MB = 150;

const HEX = Buffer.from("0123456789abcdef");
const LINES_PER_CHUNK = 1771; // 65,527 bytes

/** Fills `out` with `n` random UUID lines. */
function fillLines(out: Buffer, n: number): void {
  const rnd = randomBytes(n * 16);
  let o = 0;
  let r = 0;
  for (let l = 0; l < n; l++) {
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = 0x2d;
      const b = rnd[r++]!;
      out[o++] = HEX[b >> 4]!;
      out[o++] = HEX[b & 15]!;
    }
    out[o++] = 0x0a;
  }
}

async function readStatus(pid: number): Promise<{ rssKb: number; hwmKb: number } | null> {
  try {
    const s = await readFile(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+)/.exec(s);
    const hwm = /VmHWM:\s+(\d+)/.exec(s);
    return rss && hwm ? { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) } : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "emu-bench-"));
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts"], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: "0", EMULATOR_DATA_DIR: dataDir, EMULATOR_RATE_LIMIT_MS: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = child.pid!;
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("emulator did not start in 30 s")), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  child.stdout!.resume();

  try {
    const idle = await readStatus(pid);
    const { access_token } = await obtainToken(url);

    let peakRssKb = 0;
    const sampler = setInterval(() => {
      void readStatus(pid).then((s) => {
        if (s) peakRssKb = Math.max(peakRssKb, s.rssKb);
      });
    }, 100);

    const boundary = `----emubench${randomBytes(8).toString("hex")}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbench-200mb\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const hash = createHash("sha256");
    const started = process.hrtime.bigint();

    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        new URL("/openapi/v4/customerFiles", url),
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${access_token}`,
            adAccountId: "27429",
            "content-type": `multipart/form-data; boundary=${boundary}`,
            "content-length": String(head.length + fileBytes + tail.length),
          },
        },
        (res) => {
          let b = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (b += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: b }));
        },
      );
      req.on("error", reject);
      let remaining = lines;
      const write = (): void => {
        while (remaining > 0) {
          const n = Math.min(LINES_PER_CHUNK, remaining);
          const chunk = Buffer.allocUnsafe(n * LINE);
          fillLines(chunk, n);
          hash.update(chunk);
          remaining -= n;
          if (!req.write(chunk)) {
            req.once("drain", write);
            return;
          }
        }
        req.end(tail);
      };
      req.write(head);
      write();
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const after = await readStatus(pid);
    const sentSha = hash.digest("hex");
    if (status !== 200) throw new Error(`upload answered ${status}: ${body}`);

    const state = (await (await fetch(new URL("/__emulator/state", url))).json()) as {
      files: Array<{ name: string; bytes: number; lines: number; sha256: string }>;
    };
    const stored = state.files.find((f) => f.name === "bench-200mb");
    const peakRssMb = (after?.hwmKb ?? peakRssKb) / 1024;
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      bytes: fileBytes,
      lines,
      seconds: Number(seconds.toFixed(2)),
      mbPerSec: Number((fileBytes / 1_048_576 / seconds).toFixed(1)),
      serverIdleRssMb: Number(((idle?.rssKb ?? 0) / 1024).toFixed(1)),
      serverPeakRssMb: Number(peakRssMb.toFixed(1)),
      serverPeakRssSampledMb: Number((peakRssKb / 1024).toFixed(1)),
      clientPeakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
      sentSha256: sentSha,
      storedSha256: stored?.sha256 ?? null,
      storedBytes: stored?.bytes ?? null,
      storedLines: stored?.lines ?? null,
      shaMatch: stored?.sha256 === sentSha && stored.bytes === fileBytes && stored.lines === lines,
      rssBarMb: RSS_BAR_MB,
      rssUnderBar: peakRssMb < RSS_BAR_MB,
    };

    const rows: Array<[string, string]> = [
      ["bytes", result.bytes.toLocaleString("en-US")],
      ["lines", result.lines.toLocaleString("en-US")],
      ["seconds", result.seconds.toFixed(2)],
      ["MB/s", result.mbPerSec.toFixed(1)],
      ["server idle RSS MB", result.serverIdleRssMb.toFixed(1)],
      ["server peak RSS MB (VmHWM)", `${result.serverPeakRssMb.toFixed(1)} (bar < ${RSS_BAR_MB})`],
      ["client peak RSS MB", result.clientPeakRssMb.toFixed(1)],
      ["sha256 match", String(result.shaMatch)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n"));

    await mkdir(path.join(root, "bench", "results"), { recursive: true });
    await writeFile(path.join(root, "bench", "results", "emulator-upload.json"), `${JSON.stringify(result, null, 2)}\n`);
    if (!result.shaMatch || !result.rssUnderBar) process.exitCode = 1;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
