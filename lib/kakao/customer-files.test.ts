/**
 * The customer-file client and the idempotent upload against the real in-process Kakao emulator
 * (faults injected through its control API), plus a tiny scripted server for what the emulator
 * cannot do (it refuses duplicate names, which Kakao may not).
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { EMU, control, emulatorState, obtainToken, upload, uuidLines } from "@/emulator/testing";
import * as assumed from "@/emulator/kakao-assumptions";
import { AppError } from "@/lib/errors";
import {
  MAX_FILE_BYTES,
  MAX_FILES_PER_ACCOUNT,
  assertNamesFree,
  assertRoomFor,
  deleteCustomerFile,
  findFileForEdit,
  getCustomerFile,
  listCustomerFiles,
  parseKakaoDate,
  registerCustomerFile,
  uploadChunkIdempotent,
  type ChunkToUpload,
  type CustomerFile,
  type UploadChunkParams,
  type WithToken,
} from "@/lib/kakao/customer-files";
import { KakaoError } from "@/lib/kakao/http";
import { CUSTOMER_FILES_PATH, DEFAULT_WRITE_INTERVAL_MS, FILE_CONTENT_TYPE, FILE_EXTENSION, kakaoFacts } from "@/lib/kakao/assumptions";
import { WriteRateLimiter } from "@/lib/kakao/rate-limit";

const ACCOUNT = EMU.accounts.brandA;
const FILES = CUSTOMER_FILES_PATH;
const fast = { baseMs: 5, rateLimitBaseMs: 10, maxMs: 50 };

let emu: RunningEmulator;
let dataDir: string;
let spoolDir: string;
let token: string;
const withToken: WithToken = (call) => call(token);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "kakao-cf-emu-"));
  spoolDir = await mkdtemp(path.join(tmpdir(), "kakao-cf-spool-"));
  emu = await startEmulator({ port: 0, dataDir, rateLimitMs: 0, processingDelayMs: 50 });
});
afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(spoolDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await control(emu.url, "/__emulator/reset");
  token = (await obtainToken(emu.url)).access_token;
});

let chunkNo = 0;
/** A spooled chunk on disk: `lines` UUID lines (a few KB). */
async function chunkFile(lines = 100, seed = 1): Promise<ChunkToUpload & { content: string }> {
  const content = uuidLines(lines, seed);
  const file = path.join(spoolDir, `chunk-${String(++chunkNo).padStart(4, "0")}.csv`);
  await writeFile(file, content);
  return { path: file, bytes: Buffer.byteLength(content), lines, sha256: createHash("sha256").update(content).digest("hex"), content };
}

function params(chunk: ChunkToUpload, extra: Partial<UploadChunkParams> = {}): UploadChunkParams {
  return { withToken, adAccountId: ACCOUNT, mode: "register", name: "audience", chunk, retry: fast, api: { baseUrl: emu.url }, ...extra };
}

const faults = (rule: Record<string, unknown>) => control(emu.url, "/__emulator/faults", { paths: [FILES], ...rule });
const requests = async (key: string) => (await emulatorState(emu.url)).requests[key] ?? {};

describe("assumptions agree with the emulator", () => {
  it("part names, edit call, CSV, limits, date offset, token and page fields", () => {
    const f = kakaoFacts();
    expect(f.uploadNamePart.value).toBe(assumed.DEFAULT_FACTS.uploadNamePart);
    expect(f.uploadFilePart.value).toBe(assumed.DEFAULT_FACTS.uploadFilePart);
    expect(f.registerAnswer.value).toBe(assumed.DEFAULT_FACTS.registerAnswer);
    expect(`${f.editCall.value!.method} ${f.editCall.value!.path}`).toBe(assumed.DEFAULT_FACTS.editCall);
    expect(f.fileNameMaxChars.value).toBe(assumed.DEFAULT_FACTS.maxFileNameChars);
    expect(f.dateUtcOffsetHours.value).toBe(assumed.DEFAULT_FACTS.dateUtcOffsetHours);
    expect(f.tokenInfoUserIdField.value).toBe(assumed.DEFAULT_FACTS.tokenInfoUserIdField);
    expect(FILE_EXTENSION).toBe(assumed.ALLOWED_FILE_EXTENSION);
    expect(assumed.ALLOWED_FILE_MIME_TYPES).toContain(FILE_CONTENT_TYPE);
    expect(MAX_FILE_BYTES).toBe(assumed.MAX_FILE_BYTES);
    expect(MAX_FILES_PER_ACCOUNT).toBe(assumed.MAX_FILES_PER_ACCOUNT);
    expect(DEFAULT_WRITE_INTERVAL_MS).toBe(assumed.DEFAULT_WRITE_RATE_LIMIT_MS);
  });

  it("reads Kakao dates as KST", () => {
    expect(parseKakaoDate("2026-11-29T09:00:00")).toBe(Date.UTC(2026, 10, 29, 0, 0, 0));
    expect(parseKakaoDate("2026-11-29T00:00:00Z")).toBe(Date.UTC(2026, 10, 29));
    expect(parseKakaoDate("yesterday")).toBeNull();
    expect(parseKakaoDate(null)).toBeNull();
  });
});

describe("the API calls", () => {
  it("register streams the file; list, get and delete see it", async () => {
    const chunk = await chunkFile(120);
    const created = (await registerCustomerFile(token, ACCOUNT, "고객 파일 A", chunk.path, { bytes: chunk.bytes, baseUrl: emu.url }))!;
    expect(created).toMatchObject({ name: "고객 파일 A", adAccountId: ACCOUNT, customerFileStatus: "WAITING" });
    const state = await emulatorState(emu.url);
    expect(state.files).toHaveLength(1);
    expect(state.files[0]).toMatchObject({ id: created.id, bytes: chunk.bytes, lines: 120, sha256: chunk.sha256 });

    const listed = await listCustomerFiles(token, ACCOUNT, { baseUrl: emu.url });
    expect(listed.map((f) => [f.id, f.name])).toEqual([[created.id, "고객 파일 A"]]);
    await new Promise((r) => setTimeout(r, 80));
    expect(await getCustomerFile(token, ACCOUNT, created.id, { baseUrl: emu.url })).toMatchObject({ customerFileStatus: "COMPLETE", populationScore: 96, ready: true });
    await deleteCustomerFile(token, ACCOUNT, created.id, { baseUrl: emu.url });
    expect(await getCustomerFile(token, ACCOUNT, created.id, { baseUrl: emu.url })).toBeNull();
  });

  it("refuses a file whose size is not the one recorded", async () => {
    const chunk = await chunkFile(3);
    await expect(registerCustomerFile(token, ACCOUNT, "x", chunk.path, { bytes: chunk.bytes + 1, baseUrl: emu.url })).rejects.toThrow(/has 111 bytes, expected 112/);
  });

  it("turns Kakao errors into KakaoError kinds", async () => {
    const chunk = await chunkFile(3);
    const bad = await registerCustomerFile(token, ACCOUNT, "a".repeat(51), chunk.path, { bytes: chunk.bytes, baseUrl: emu.url }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: "bad_request", status: 400 });
    expect((bad as Error).message).toMatch(/name must be at most 50 characters/);
    await expect(listCustomerFiles("not-a-token", ACCOUNT, { baseUrl: emu.url })).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    await expect(listCustomerFiles(token, EMU.accounts.other, { baseUrl: emu.url })).rejects.toMatchObject({ kind: "forbidden", status: 403 });
  });
});

describe("uploadChunkIdempotent — register", () => {
  it("uploads a few-KB chunk; the emulator holds it with the right SHA-256", async () => {
    const chunk = await chunkFile(100);
    const r = await uploadChunkIdempotent(params(chunk));
    expect(r).toMatchObject({ name: "audience", bytes: 3700, lines: 100, sha256: chunk.sha256, status: "WAITING", attempts: 1, outcome: "uploaded" });
    const { files } = await emulatorState(emu.url);
    expect(files).toEqual([expect.objectContaining({ id: r.id, name: "audience", bytes: 3700, lines: 100, sha256: chunk.sha256, versions: 1 })]);
  });

  it("stored, then HTTP 500: finds the stored file and does not upload a duplicate", async () => {
    await faults({ methods: ["POST"], statuses: [500], phase: "after", count: 1 });
    const chunk = await chunkFile(50, 2);
    const log: string[] = [];
    const r = await uploadChunkIdempotent(params(chunk, { log: (m) => log.push(m) }));
    expect(r).toMatchObject({ outcome: "recovered", attempts: 1, sha256: chunk.sha256 });
    const state = await emulatorState(emu.url);
    expect(state.files).toHaveLength(1);
    expect(state.files[0]).toMatchObject({ id: r.id, sha256: chunk.sha256 });
    expect(state.requests["POST /openapi/v4/customerFiles"]).toEqual({ "500": 1 });
    expect(log.join("\n")).toMatch(/attempt 1 failed .*HTTP 500[\s\S]*stored by Kakao despite the failed request/);
  });

  it("stored, then the connection dropped: no duplicate either", async () => {
    await faults({ methods: ["POST"], resetConnection: true, phase: "after", count: 1 });
    const chunk = await chunkFile(50, 3);
    const r = await uploadChunkIdempotent(params(chunk));
    expect(r.outcome).toBe("recovered");
    const state = await emulatorState(emu.url);
    expect(state.files.map((f) => f.sha256)).toEqual([chunk.sha256]);
    expect(state.requests["POST /openapi/v4/customerFiles"]).toEqual({ reset: 1 });
  });

  it("failed before storing (500, 503, dropped): retried and stored once", async () => {
    await faults({ methods: ["POST"], statuses: [500, 503], resetConnection: true, phase: "before", count: 3 });
    const chunk = await chunkFile(50, 4);
    const retries: number[] = [];
    const r = await uploadChunkIdempotent(params(chunk, { retry: { ...fast, onRetry: (a) => retries.push(a) } }));
    expect(r).toMatchObject({ outcome: "uploaded", attempts: 4 });
    expect(retries).toEqual([1, 2, 3]);
    const state = await emulatorState(emu.url);
    expect(state.files.map((f) => f.sha256)).toEqual([chunk.sha256]);
    const posts = state.requests["POST /openapi/v4/customerFiles"]!;
    expect(Object.values(posts).reduce((a, b) => a + b, 0)).toBe(4);
    expect(posts["200"]).toBe(1);
  });

  it("429: backs off and retries", async () => {
    await faults({ methods: ["POST"], statuses: [429], phase: "before", count: 2 });
    const chunk = await chunkFile(20, 5);
    const delays: number[] = [];
    const r = await uploadChunkIdempotent(params(chunk, { retry: { ...fast, random: () => 1, onRetry: (_a, e, d) => (expect(e).toMatchObject({ kind: "rate_limited" }), delays.push(d)) } }));
    expect(r).toMatchObject({ outcome: "uploaded", attempts: 3 });
    expect(delays).toEqual([10, 20]);
    expect((await emulatorState(emu.url)).files).toHaveLength(1);
  });

  it("gives up after the configured attempts with a clear error", async () => {
    await faults({ methods: ["POST"], statuses: [503], phase: "before" });
    const chunk = await chunkFile(5, 6);
    const error = await uploadChunkIdempotent(params(chunk, { retry: { ...fast, tries: 3 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KakaoError);
    expect((error as Error).message).toMatch(/Registering the customer file "audience" failed: Kakao answered HTTP 503.*\(gave up after 3 attempts\)/);
    expect((await emulatorState(emu.url)).files).toHaveLength(0);
  });

  it("403 (another user's ad account): no retry, a clear error, nothing sent", async () => {
    const chunk = await chunkFile(5, 7);
    const error = await uploadChunkIdempotent(params(chunk, { adAccountId: EMU.accounts.other })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "forbidden", status: 403 });
    expect((error as Error).message).toBe("Listing the customer files of ad account 99001 failed: Kakao answered HTTP 403 (code -5) — no permission for this ad account");
    expect(await requests("GET /openapi/v4/customerFiles")).toEqual({ "403": 1 });
    expect(await requests("POST /openapi/v4/customerFiles")).toEqual({});
  });

  it("400 from Kakao (e.g. a bad line) is not retried", async () => {
    const file = path.join(spoolDir, "bad.csv");
    await writeFile(file, "not-an-adid\n");
    const error = await uploadChunkIdempotent(params({ path: file, bytes: 12, lines: 1, sha256: "x" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "bad_request" });
    expect(await requests("POST /openapi/v4/customerFiles")).toEqual({ "400": 1 });
  });

  it("a file with the name that is not this export's: a clear error before any upload", async () => {
    const res = await upload(emu.url, token, { name: "audience", content: uuidLines(3, 9) });
    expect(res.status).toBe(200);
    const chunk = await chunkFile(5, 8);
    const error = await uploadChunkIdempotent(params(chunk, { ownedSince: Date.now() + 5_000, clockSkewMs: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("conflict");
    expect((error as Error).message).toMatch(/^A customer file named "audience" \(id \d+, created \d{4}-\d\d-\d\dT[\d:]{8} KST\) already exists in ad account 27429\. Register creates new files/);
    expect(await requests("POST /openapi/v4/customerFiles")).toEqual({ "200": 1 });
    // Without ownedSince nothing existing is ours either.
    await expect(uploadChunkIdempotent(params(chunk))).rejects.toThrow(/already exists/);
  });

  describe("resuming a job (the file exists from an earlier attempt)", () => {
    async function earlierAttempt(chunk: ChunkToUpload) {
      return (await registerCustomerFile(token, ACCOUNT, "audience", chunk.path, { bytes: chunk.bytes, baseUrl: emu.url }))!;
    }
    const ownedSince = () => Date.now() - 60_000;

    it("unrecorded: kept, not sent again (default)", async () => {
      const chunk = await chunkFile(30, 10);
      const earlier = await earlierAttempt(chunk);
      const r = await uploadChunkIdempotent(params(chunk, { ownedSince: ownedSince() }));
      expect(r).toMatchObject({ id: earlier.id, outcome: "reused", attempts: 0 });
      expect(await requests("POST /openapi/v4/customerFiles")).toEqual({ "200": 1 });
    });

    it("recorded with the same SHA-256: reused", async () => {
      const chunk = await chunkFile(30, 11);
      const earlier = await earlierAttempt(chunk);
      const r = await uploadChunkIdempotent(params(chunk, { ownedSince: ownedSince(), previous: { id: earlier.id, sha256: chunk.sha256 } }));
      expect(r).toMatchObject({ id: earlier.id, outcome: "reused", attempts: 0 });
    });

    it("recorded with other contents, or unverified: 'replace' → contents replaced, still one file", async () => {
      const old = await chunkFile(30, 12);
      const earlier = await earlierAttempt(old);
      const chunk = await chunkFile(40, 13);
      const r = await uploadChunkIdempotent(params(chunk, { ownedSince: ownedSince(), previous: { id: earlier.id, sha256: old.sha256 } }));
      expect(r).toMatchObject({ id: earlier.id, outcome: "replaced", attempts: 1 });
      let { files } = await emulatorState(emu.url);
      expect(files).toEqual([expect.objectContaining({ id: earlier.id, sha256: chunk.sha256, lines: 40, versions: 2 })]);

      const third = await chunkFile(45, 14);
      const again = await uploadChunkIdempotent(params(third, { ownedSince: ownedSince(), unverified: "replace" }));
      expect(again).toMatchObject({ id: earlier.id, outcome: "replaced" });
      ({ files } = await emulatorState(emu.url));
      expect(files).toEqual([expect.objectContaining({ id: earlier.id, sha256: third.sha256, versions: 3 })]);
    });
  });
});

describe("uploadChunkIdempotent — edit", () => {
  it("replaces the contents of the one file with the name", async () => {
    const first = await chunkFile(10, 20);
    const created = (await registerCustomerFile(token, ACCOUNT, "weekly", first.path, { bytes: first.bytes, baseUrl: emu.url }))!;
    const chunk = await chunkFile(25, 21);
    const r = await uploadChunkIdempotent(params(chunk, { mode: "edit", name: "weekly" }));
    expect(r).toMatchObject({ id: created.id, name: "weekly", outcome: "replaced", status: "MODIFYING", attempts: 1, lines: 25 });
    const { files } = await emulatorState(emu.url);
    expect(files).toEqual([expect.objectContaining({ id: created.id, name: "weekly", sha256: chunk.sha256, lines: 25, versions: 2 })]);
  });

  it("a replayed PUT (stored, then 500) is harmless: same contents, one file", async () => {
    const first = await chunkFile(10, 22);
    const created = (await registerCustomerFile(token, ACCOUNT, "weekly", first.path, { bytes: first.bytes, baseUrl: emu.url }))!;
    await faults({ methods: ["PUT"], statuses: [500], phase: "after", count: 1 });
    const chunk = await chunkFile(12, 23);
    const r = await uploadChunkIdempotent(params(chunk, { mode: "edit", name: "weekly", targetId: created.id }));
    expect(r).toMatchObject({ id: created.id, outcome: "replaced", attempts: 2 });
    const { files } = await emulatorState(emu.url);
    expect(files).toEqual([expect.objectContaining({ id: created.id, sha256: chunk.sha256, versions: 3 })]);
  });

  it("no file with the name: a clear error, nothing sent", async () => {
    const chunk = await chunkFile(5, 24);
    const error = await uploadChunkIdempotent(params(chunk, { mode: "edit", name: "missing" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("not_found");
    expect((error as Error).message).toBe(
      'No customer file named "missing" in ad account 27429. Edit replaces the contents of an existing customer file: check the name (it must match exactly), or create the file with Register mode.',
    );
    expect(await requests("PUT /openapi/v4/customerFiles/{id}")).toEqual({});
  });

  it("a target deleted since the job started: a clear error", async () => {
    const chunk = await chunkFile(5, 25);
    await expect(uploadChunkIdempotent(params(chunk, { mode: "edit", name: "weekly", targetId: 424242 }))).rejects.toThrow(/Customer file 424242 \("weekly"\) is no longer in ad account 27429/);
  });
});

describe("rate limiting", () => {
  let limited: RunningEmulator;
  let limitedDir: string;
  beforeAll(async () => {
    limitedDir = await mkdtemp(path.join(tmpdir(), "kakao-cf-emu-rl-"));
    limited = await startEmulator({ port: 0, dataDir: limitedDir, rateLimitMs: 300, processingDelayMs: 50 });
  });
  afterAll(async () => {
    await limited?.close();
    await rm(limitedDir, { recursive: true, force: true });
  });

  it("the limiter spaces writes so Kakao never answers 429", async () => {
    const t = (await obtainToken(limited.url)).access_token;
    const limiter = new WriteRateLimiter({ intervalMs: 400 });
    const started = Date.now();
    for (let i = 1; i <= 3; i++) {
      const chunk = await chunkFile(5, 30 + i);
      await uploadChunkIdempotent({ ...params(chunk), name: `spaced_${i}`, withToken: (call) => call(t), limiter, api: { baseUrl: limited.url } });
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    const state = await emulatorState(limited.url);
    expect(state.files).toHaveLength(3);
    expect(state.requests["POST /openapi/v4/customerFiles"]).toEqual({ "200": 3 });
  });

  it("without it, Kakao's 429 and the backoff still get every file through once", async () => {
    await control(limited.url, "/__emulator/reset");
    const t = (await obtainToken(limited.url)).access_token;
    const results = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const chunk = await chunkFile(5, 40 + i);
        return uploadChunkIdempotent({ ...params(chunk), name: `burst_${i}`, withToken: (call) => call(t), retry: { rateLimitBaseMs: 150, maxMs: 600 }, api: { baseUrl: limited.url } });
      }),
    );
    expect(results.map((r) => r.outcome)).toEqual(["uploaded", "uploaded", "uploaded"]);
    const state = await emulatorState(limited.url);
    expect(state.files).toHaveLength(3);
    expect(state.requests["POST /openapi/v4/customerFiles"]?.["429"]).toBeGreaterThan(0);
  });
});

// --- what the emulator cannot show ------------------------------------------------------------

interface FakeFile {
  id: number;
  name: string;
  bytes: number;
  createdDate: string;
}

/** A scripted Moment API: allows duplicate names; `onPost` decides each POST's fate. */
async function fakeMoment(opts: { onPost?: (n: number) => "ok" | "store-then-500" | "store-then-empty-200"; hideNextLists?: number } = {}) {
  const files: FakeFile[] = [];
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; bodyBytes: number }[] = [];
  let nextId = 1;
  let posts = 0;
  let hide = opts.hideNextLists ?? 0;
  const kst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 19);
  const view = (f: FakeFile) => ({ id: f.id, adAccountId: ACCOUNT, name: f.name, customerFileStatus: "WAITING", populationScore: 0, ready: false, createdDate: f.createdDate, originalCreatedDate: f.createdDate });
  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    let body = "";
    req.on("data", (d: Buffer) => {
      bodyBytes += d.length;
      if (body.length < 2000) body += d.toString("latin1");
    });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, bodyBytes });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET") {
        if (hide > 0) {
          hide--;
          return send(200, []);
        }
        return send(200, files.map(view));
      }
      if (req.method === "POST") {
        const name = /name="name"\r\n[^\r]*\r\n\r\n([^\r]*)\r\n/.exec(body)?.[1] ?? "?";
        const f = { id: nextId++, name, bytes: bodyBytes, createdDate: kst() };
        files.push(f);
        const fate = opts.onPost?.(++posts) ?? "ok";
        if (fate === "store-then-empty-200") {
          res.writeHead(200);
          return res.end();
        }
        return fate === "ok" ? send(200, view(f)) : send(500, { code: -1, msg: "Internal server error" });
      }
      if (req.method === "DELETE") {
        const id = Number(req.url!.split("/").pop());
        files.splice(
          files.findIndex((f) => f.id === id),
          1,
        );
        res.writeHead(200);
        return res.end();
      }
      send(404, { code: -3, msg: "unsupported" });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, files, seen, add: (name: string) => files.push({ id: nextId++, name, bytes: 0, createdDate: kst() }), close: () => new Promise((r) => server.close(r)) };
}

describe("against a Kakao that allows duplicate names", () => {
  it("sends an exact Content-Length (not chunked) with the name and a .csv text/csv file part", async () => {
    const fake = await fakeMoment();
    try {
      const chunk = await chunkFile(10, 50);
      await registerCustomerFile("tok", ACCOUNT, "audience", chunk.path, { bytes: chunk.bytes, baseUrl: fake.url });
      const post = fake.seen.find((s) => s.method === "POST")!;
      expect(post.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(post.headers["content-length"])).toBe(post.bodyBytes);
      expect(post.headers.adaccountid).toBe(String(ACCOUNT));
      expect(post.headers.authorization).toBe("Bearer tok");
      expect(post.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    } finally {
      await fake.close();
    }
  });

  it("a 'failed' upload that landed late is deleted, keeping exactly one file", async () => {
    // POST 1 is stored but answers 500; the list right after does not show it yet; POST 2 succeeds.
    const fake = await fakeMoment({ onPost: (n) => (n === 1 ? "store-then-500" : "ok"), hideNextLists: 2 });
    try {
      const chunk = await chunkFile(10, 51);
      const log: string[] = [];
      const r = await uploadChunkIdempotent(params(chunk, { api: { baseUrl: fake.url }, log: (m) => log.push(m) }));
      expect(r).toMatchObject({ id: 2, outcome: "uploaded" });
      expect(fake.files.map((f) => f.id)).toEqual([2]);
      expect(fake.seen.filter((s) => s.method === "DELETE").map((s) => s.url)).toEqual([`${FILES}/1`]);
      expect(log.join("\n")).toMatch(/exists twice \(ids 2 and 1\).*deleting the duplicate 1/);
    } finally {
      await fake.close();
    }
  });

  it("a 200 without the file object: looked up by name, not sent again", async () => {
    const fake = await fakeMoment({ onPost: () => "store-then-empty-200" });
    try {
      const chunk = await chunkFile(10, 54);
      const r = await uploadChunkIdempotent(params(chunk, { api: { baseUrl: fake.url } }));
      expect(r).toMatchObject({ id: 1, outcome: "recovered", attempts: 1 });
      expect(fake.seen.map((s) => s.method)).toEqual(["GET", "POST", "GET", "GET"]);
    } finally {
      await fake.close();
    }
  });

  it("duplicates left by an earlier attempt: the recorded one is kept, the others deleted", async () => {
    const fake = await fakeMoment();
    try {
      fake.add("audience");
      fake.add("audience");
      fake.add("other");
      const chunk = await chunkFile(10, 52);
      const r = await uploadChunkIdempotent(params(chunk, { api: { baseUrl: fake.url }, ownedSince: Date.now() - 60_000, previous: { id: 2, sha256: chunk.sha256 } }));
      expect(r).toMatchObject({ id: 2, outcome: "reused" });
      expect(fake.files.map((f) => [f.id, f.name])).toEqual([
        [2, "audience"],
        [3, "other"],
      ]);
    } finally {
      await fake.close();
    }
  });

  it("edit with two files of the name: a clear error, nothing sent", async () => {
    const fake = await fakeMoment();
    try {
      fake.add("weekly");
      fake.add("weekly");
      const chunk = await chunkFile(10, 53);
      const error = await uploadChunkIdempotent(params(chunk, { mode: "edit", name: "weekly", api: { baseUrl: fake.url } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("conflict");
      expect((error as Error).message).toMatch(/^2 customer files are named "weekly" in ad account 27429 \(id 1, created .* KST; id 2, created .* KST\)\. Edit needs exactly one: rename or delete the others in Kakao Moment\.$/);
      expect(fake.seen.map((s) => s.method)).toEqual(["GET"]);
    } finally {
      await fake.close();
    }
  });
});

describe("checks before uploading (pure)", () => {
  const file = (id: number, name: string, created = "2026-11-29T09:00:00"): CustomerFile => ({
    id,
    adAccountId: ACCOUNT,
    name,
    adidListKey: null,
    customerFileStatus: "COMPLETE",
    populationScore: 0,
    ready: true,
    createdDate: created,
    lastModifiedDate: created,
    originalCreatedDate: created,
    populationUpdateDate: null,
  });

  it("assertNamesFree lists every clash; this export's own files do not clash", () => {
    const files = [file(1, "aud"), file(2, "aud_2"), file(3, "other"), file(4, "aud_3", "2026-11-29T10:30:00")];
    expect(() => assertNamesFree(files, ["x", "y"])).not.toThrow();
    expect(() => assertNamesFree(files, ["aud", "aud_2", "aud_3"], { adAccountId: ACCOUNT })).toThrow(
      'Customer files named "aud" (id 1, created 2026-11-29T09:00:00 KST), "aud_2" (id 2, created 2026-11-29T09:00:00 KST), "aud_3" (id 4, created 2026-11-29T10:30:00 KST) already exist in ad account 27429.',
    );
    // The job started at 01:00 UTC = 10:00 KST: aud_3 (10:30 KST) is its own.
    const since = Date.UTC(2026, 10, 29, 1, 0, 0);
    expect(() => assertNamesFree(files, ["aud_3"], { ownedSince: since, clockSkewMs: 0 })).not.toThrow();
    expect(() => assertNamesFree(files, ["aud", "aud_3"], { ownedSince: new Date(since), clockSkewMs: 0 })).toThrow(/^A customer file named "aud" \(id 1/);
  });

  it("assertRoomFor: at most 50 files per ad account", () => {
    const files = Array.from({ length: 48 }, (_, i) => file(i, `f${i}`));
    expect(() => assertRoomFor(files, 2)).not.toThrow();
    expect(() => assertRoomFor(files, 3, ACCOUNT)).toThrow("Ad account 27429 already has 48 customer files; Kakao allows 50, and this export needs 3 more.");
  });

  it("findFileForEdit: exactly one", () => {
    expect(findFileForEdit([file(1, "a"), file(2, "b")], "b").id).toBe(2);
    expect(() => findFileForEdit([file(1, "a")], "b")).toThrow(/No customer file named "b"/);
    expect(() => findFileForEdit([file(1, "b"), file(2, "b")], "b")).toThrow(/2 customer files are named "b"/);
  });
});
