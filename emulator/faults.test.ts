import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./server";
import { EMU, control, emulatorState, obtainToken, sha256, upload, uuidLines } from "./testing";

let emu: RunningEmulator;
let base: string;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "emu-faults-"));
  emu = await startEmulator({ port: 0, dataDir, rateLimitMs: 0, processingDelayMs: 50 });
  base = emu.url;
});

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await control(base, "/__emulator/reset");
  token = (await obtainToken(base)).access_token;
});

const list = () =>
  fetch(new URL("/openapi/v4/customerFiles", base), { headers: { authorization: `Bearer ${token}`, adAccountId: String(EMU.accounts.brandA) } });

describe("fault injection", () => {
  it("fails exactly the next N matching requests before storing", async () => {
    const set = await control(base, "/__emulator/faults", { rate: 1, count: 2, statuses: [503], paths: ["/openapi/v4/customerFiles"], phase: "before" });
    expect(set.status).toBe(200);
    // Not matching: ad accounts listing.
    const other = await fetch(new URL("/openapi/v4/adAccounts/pages", base), { headers: { authorization: `Bearer ${token}` } });
    expect(other.status).toBe(200);
    const a = await upload(base, token, { name: "x" });
    const b = await upload(base, token, { name: "x" });
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.headers.get("x-emulator-fault")).toBe("1");
    expect(await a.json()).toMatchObject({ code: expect.any(Number), msg: expect.any(String) });
    expect((await emulatorState(base)).files).toEqual([]);
    expect((await upload(base, token, { name: "x" })).status).toBe(200);
    const faults = (await (await fetch(new URL("/__emulator/faults", base))).json()) as { rules: Array<{ remaining: number; triggered: number }> };
    expect(faults.rules[0]).toMatchObject({ remaining: 0, triggered: 2 });
  });

  it("can fail after the upload is stored (the client sees an error, the file exists)", async () => {
    await control(base, "/__emulator/faults", { count: 1, statuses: [500], methods: ["POST"], paths: ["/openapi/v4/customerFiles"], phase: "after" });
    const content = uuidLines(4);
    const res = await upload(base, token, { name: "after", content });
    expect(res.status).toBe(500);
    const st = await emulatorState(base);
    expect(st.files).toEqual([expect.objectContaining({ name: "after", sha256: sha256(content) })]);
    // A naive retry hits the duplicate-name check.
    const retry = await upload(base, token, { name: "after", content });
    expect(retry.status).toBe(400);
  });

  it("drops the connection after storing, or before", async () => {
    await control(base, "/__emulator/faults", { count: 1, resetConnection: true, methods: ["POST"], phase: "after" });
    await expect(upload(base, token, { name: "dropped-after" })).rejects.toThrow();
    expect((await emulatorState(base)).files.map((f) => f.name)).toEqual(["dropped-after"]);

    await control(base, "/__emulator/faults", { count: 1, resetConnection: true, methods: ["POST"], phase: "before" });
    await expect(upload(base, token, { name: "dropped-before" })).rejects.toThrow();
    expect((await emulatorState(base)).files.map((f) => f.name)).toEqual(["dropped-after"]);
    expect((await emulatorState(base)).requests["POST /openapi/v4/customerFiles"]).toMatchObject({ reset: 2 });
  });

  it("phase both: each fault strikes before or after storing (seeded)", async () => {
    await control(base, "/__emulator/faults", { count: 10, statuses: [500], phase: "both", methods: ["POST"], seed: 3 });
    for (let i = 0; i < 10; i++) expect((await upload(base, token, { name: `both-${i}` })).status).toBe(500);
    const stored = (await emulatorState(base)).files.length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(10);
  });

  it("adds latency", async () => {
    await control(base, "/__emulator/faults", { latencyMs: [150, 200], paths: ["/openapi/v4/customerFiles"] });
    const t = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("is reproducible with a seed, and DELETE clears the faults", async () => {
    const run = async () => {
      await control(base, "/__emulator/faults", { rate: 0.5, statuses: [500, 502, 503, 429], seed: 42, phase: "before" });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await list()).status);
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.some((s) => s === 200)).toBe(true);
    expect(first.some((s) => s !== 200)).toBe(true);
    expect((await control(base, "/__emulator/faults", undefined, "DELETE")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await list()).status).toBe(200);
  });

  it("uses Kakao's shapes: 429 with -813 on the Moment API, OAuth errors on the auth host", async () => {
    await control(base, "/__emulator/faults", { statuses: [429], count: 1 });
    const r = await list();
    expect(r.status).toBe(429);
    expect(await r.json()).toMatchObject({ code: -813, msg: "KakaoMomentException" });
    await control(base, "/__emulator/faults", { statuses: [503], count: 1, paths: ["/oauth/business/token"] });
    const t = await fetch(new URL("/oauth/business/token", base), { method: "POST", body: new URLSearchParams({ grant_type: "authorization_code" }) });
    expect(t.status).toBe(503);
    expect(await t.json()).toMatchObject({ error: "server_error", error_code: expect.any(String) });
  });

  it("rejects a malformed fault rule", async () => {
    expect((await control(base, "/__emulator/faults", { rate: 2, statuses: [500] })).status).toBe(400);
    expect((await control(base, "/__emulator/faults", { rate: 1 })).status).toBe(400);
    expect((await control(base, "/__emulator/faults", { statuses: [500], phase: "later" })).status).toBe(400);
    const multi = await control(base, "/__emulator/faults", { rules: [{ statuses: [500], count: 1 }, { latencyMs: 1 }], seed: 7 });
    expect(multi.status).toBe(200);
    expect(await multi.json()).toMatchObject({ seed: 7, rules: [{ count: 1 }, { latencyMs: 1 }] });
  });
});

describe("inspection and control", () => {
  it("counts requests per path template and status", async () => {
    await list();
    await upload(base, token, { name: "c1" });
    await upload(base, token, { name: "c1" });
    const f = (await emulatorState(base)).files[0]!;
    await fetch(new URL(`/openapi/v4/customerFiles/${f.id}`, base), { method: "DELETE", headers: { authorization: `Bearer ${token}`, adAccountId: "27429" } });
    const { requests } = await emulatorState(base);
    expect(requests["GET /openapi/v4/customerFiles"]).toEqual({ "200": 1 });
    expect(requests["POST /openapi/v4/customerFiles"]).toEqual({ "200": 1, "400": 1 });
    expect(requests["DELETE /openapi/v4/customerFiles/{id}"]).toEqual({ "200": 1 });
    expect(requests["POST /oauth/business/token"]).toEqual({ "200": 1 });
    expect(Object.keys(requests).some((k) => k.includes("__emulator"))).toBe(false);
  });

  it("reset empties files, tokens and counters", async () => {
    await upload(base, token, { name: "r1" });
    expect((await control(base, "/__emulator/reset")).status).toBe(200);
    const st = await emulatorState(base);
    expect(st).toEqual({ files: [], tokens: [], requests: {} });
    expect((await list()).status).toBe(401);
  });

  it("revokes and expires tokens by hash or all at once", async () => {
    const t2 = (await obtainToken(base)).access_token;
    const missing = await control(base, "/__emulator/tokens/revoke", { accessTokenSha256: "0".repeat(64) });
    expect(missing.status).toBe(404);
    expect((await control(base, "/__emulator/tokens/revoke", {})).status).toBe(400);
    const r = await control(base, "/__emulator/tokens/revoke", { accessTokenSha256: sha256(token) });
    expect(await r.json()).toMatchObject({ affected: 1 });
    expect((await list()).status).toBe(401);
    const st = await emulatorState(base);
    expect(st.tokens.find((t) => t.sha256 === sha256(token))).toMatchObject({ revoked: true });
    const ok = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${t2}` } });
    expect(ok.status).toBe(200);
    await control(base, "/__emulator/tokens/expire", { all: true });
    const gone = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${t2}` } });
    expect(gone.status).toBe(401);
    expect((await emulatorState(base)).tokens.every((t) => t.expired)).toBe(true);
  });

  it("streams stored contents and can force a file status", async () => {
    const content = Buffer.from(uuidLines(50, 9));
    await upload(base, token, { name: "bytes", content });
    const f = (await emulatorState(base)).files[0]!;
    const res = await fetch(new URL(`/__emulator/files/${f.id}/content`, base));
    expect(res.headers.get("content-type")).toBe("text/csv");
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    const forced = await control(base, `/__emulator/files/${f.id}/status`, { customerFileStatus: "ERROR" });
    expect(await forced.json()).toMatchObject({ customerFileStatus: "ERROR", ready: false });
    expect((await (await list()).json()) as unknown[]).toEqual([expect.objectContaining({ customerFileStatus: "ERROR" })]);
    expect((await fetch(new URL("/__emulator/health", base))).status).toBe(200);
  });
});
