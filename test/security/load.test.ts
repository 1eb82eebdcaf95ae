/**
 * Load: 50 exports issued at once through the v3 API and run by two worker processes, while 200
 * concurrent clients keep calling v3 job/list and job/show and the console's /api/jobs and
 * /api/jobs/:id (route handlers called in this process with A's API key, which the console's
 * routes accept as well as the session cookie). For 10 s
 * by default, 60 s under `npm run test:faults` (FAULTS=full).
 *
 * Asserted: every request answered 200; every export succeeded in exactly one attempt; each
 * customer file is on the emulator exactly once with exactly the expected bytes (SHA-256); the
 * workers' memory stays bounded. Printed, not asserted: requests per second, latency percentiles,
 * the time the exports took and the workers' resident memory (from /proc).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorState } from "@/emulator/testing";
import { db } from "@/lib/db";
import { queue } from "@/lib/jobs/queue";
import { expectedAdidFile } from "@/lib/jobs/test-support";
import { FULL, startWorker, waitFor, type WorkerProcess } from "@/lib/jobs/fault-support";
import { ROOT } from "@/test/security/inventory";
import { exportSettings, startWorld, type World } from "@/test/security/world";


const EXPORTS = 50;
const CLIENTS = 200;
const SECONDS = Number(process.env.LOAD_SECONDS ?? (FULL ? 60 : 10));
const ROWS = 2_000;
const ACCOUNTS = [27429, 615466]; // two ad accounts: Kakao allows 50 customer files per account
const SITE = "http://127.0.0.1:3999";

let world: World;
const workers: WorkerProcess[] = [];

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const handlers = new Map<string, Handler>();
async function handler(file: string, method: string): Promise<Handler> {
  const key = `${method} ${file}`;
  if (!handlers.has(key)) handlers.set(key, ((await import(path.join(ROOT, file))) as Record<string, Handler>)[method]!);
  return handlers.get(key)!;
}

/** Every call carries A's API key: the console's routes take it too (defineRoute), with no next-auth session to fake. */
async function call(file: string, method: string, url: string, init: { params?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `TD1 ${world.keys.A}` };
  if (init.body) headers["content-type"] = "application/json";
  const h = await handler(file, method);
  return h(new Request(`${SITE}${url}`, { method, headers, body: init.body }), { params: Promise.resolve(init.params ?? {}) });
}

const sqlOf = (i: number) => `select md5((g + ${i * 1_000_000})::text)::uuid::text as adid from generate_series(1, ${ROWS}) g`;

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0);

beforeAll(async () => {
  world = await startWorld();
  await queue();
}, 180_000);
afterAll(async () => {
  for (const w of workers) await w.kill();
  await world?.close();
});

describe(`load: ${EXPORTS} exports on two workers, ${CLIENTS} concurrent clients for ${SECONDS} s`, { timeout: (SECONDS + 240) * 1000 }, () => {
  it("no errors, one attempt per export, each customer file exactly once, memory bounded", async () => {
    workers.push(startWorker(), startWorker());
    for (const w of workers) await waitFor("a worker to start", async () => w.output().includes("[worker] ready"), 120_000, 100);
    const rss: Record<number, number[]> = {};
    const sampler = setInterval(() => {
      for (const w of workers) (rss[w.child.pid!] ??= []).push(rssMb(w.child.pid!, "VmRSS"));
    }, 250);

    // 50 exports at once, over the v3 API.
    const issuedAt = Date.now();
    const issued = await Promise.all(
      Array.from({ length: EXPORTS }, async (_, i) => {
        const response = await call("app/v3/job/issue/[type]/[db]/route.ts", "POST", "/v3/job/issue/presto/kakao_db", {
          params: { type: "presto", db: "kakao_db" },
          body: JSON.stringify({ query: sqlOf(i), result_connection_id: String(world.authentications.A), result_connection_settings: JSON.stringify({ ...exportSettings(`load_${i}`), ad_account_id: ACCOUNTS[i % 2] }) }),
        });
        expect(response.status).toBe(200);
        return Number(((await response.json()) as { job_id: string }).job_id);
      }),
    );

    // 200 clients, each calling the four read routes in turn until the time is up.
    const latencies: number[] = [];
    const failures: string[] = [];
    const requests = [
      () => call("app/v3/job/list/route.ts", "GET", "/v3/job/list?from=0&to=19"),
      () => {
        const id = String(issued[Math.floor(Math.random() * issued.length)]);
        return call("app/v3/job/show/[id]/route.ts", "GET", `/v3/job/show/${id}`, { params: { id } });
      },
      () => call("app/api/jobs/route.ts", "GET", "/api/jobs?limit=20"),
      () => {
        const id = String(issued[Math.floor(Math.random() * issued.length)]);
        return call("app/api/jobs/[id]/route.ts", "GET", `/api/jobs/${id}`, { params: { id } });
      },
    ];
    // One of each first, in turn: vitest's module mocks race when 200 first imports run at once.
    for (const request of requests) expect((await request()).status).toBe(200);
    const loadStarted = Date.now();
    const deadline = loadStarted + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = client; Date.now() < deadline; n++) {
          const started = performance.now();
          try {
            const response = await requests[n % requests.length]!();
            await response.arrayBuffer();
            if (response.status !== 200) failures.push(`${response.status} on request kind ${n % requests.length}`);
          } catch (error) {
            failures.push(String(error));
          }
          latencies.push(performance.now() - started);
        }
      }),
    );
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // Every export ends; then the checks.
    const jobs = await waitFor(
      "the exports to finish",
      async () => {
        const rows = await db.job.findMany({ where: { id: { in: issued } }, select: { id: true, status: true, attempts: true, errorMessage: true, finishedAt: true, createdAt: true } });
        return rows.every((j) => ["success", "error", "killed"].includes(j.status)) ? rows : undefined;
      },
      180_000,
      250,
    );
    const exportSeconds = (Math.max(...jobs.map((j) => j.finishedAt!.getTime())) - issuedAt) / 1000;
    clearInterval(sampler);
    const peaks = workers.map((w) => ({ pid: w.child.pid!, peakRssMb: Math.round(rssMb(w.child.pid!, "VmHWM")), maxSampledRssMb: Math.round(Math.max(0, ...(rss[w.child.pid!] ?? [0]))) }));

    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `[load] ${JSON.stringify(
        {
          exports: EXPORTS,
          exportSeconds,
          clients: CLIENTS,
          seconds: loadSeconds,
          requests: latencies.length,
          requestsPerSecond: Math.round(latencies.length / loadSeconds),
          latencyMs: { p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted.at(-1) ?? 0) },
          failures: failures.length,
          workers: peaks,
        },
        null,
        1,
      )}`,
    );

    expect(failures.slice(0, 5)).toEqual([]);
    expect(latencies.length).toBeGreaterThanOrEqual(CLIENTS); // every client was answered at least once
    expect(jobs.filter((j) => j.status !== "success" || j.attempts !== 1).map((j) => ({ id: j.id, status: j.status, attempts: j.attempts, error: j.errorMessage }))).toEqual([]);

    const files = (await emulatorState(world.kakaoUrl)).files;
    expect(files).toHaveLength(EXPORTS);
    for (let i = 0; i < EXPORTS; i++) {
      const expected = await expectedAdidFile(sqlOf(i));
      const uploaded = files.filter((f) => f.name === `load_${i}` && f.adAccountId === ACCOUNTS[i % 2]);
      expect(uploaded.map((f) => ({ lines: f.lines, bytes: f.bytes, sha256: f.sha256, versions: f.versions }))).toEqual([{ lines: ROWS, bytes: expected.bytes, sha256: expected.sha256, versions: 1 }]);
    }
    // Bounded: a worker exporting 2,000-row files never grows anywhere near the 200 MB files it is built for.
    for (const w of peaks) expect(w.peakRssMb).toBeLessThan(768);
  });
});
