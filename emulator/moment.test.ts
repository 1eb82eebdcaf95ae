import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./server";
import { EMU, control, emulatorState, obtainToken, sha256, upload, uuidLines } from "./testing";

const MAX = 4096;
let emu: RunningEmulator;
let base: string;
let dataDir: string;
let token: string;
let clockOffset = 0;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "emu-moment-"));
  emu = await startEmulator({ port: 0, dataDir, rateLimitMs: 0, processingDelayMs: 200, maxFileBytes: MAX, now: () => Date.now() + clockOffset });
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

const api = (p: string, init: RequestInit & { account?: number | string | null; bearer?: string | null } = {}) => {
  const headers: Record<string, string> = {};
  const bearer = init.bearer === undefined ? token : init.bearer;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (init.account !== null) headers.adAccountId = String(init.account ?? EMU.accounts.brandA);
  return fetch(new URL(`/openapi/v4${p}`, base), { ...init, headers });
};

async function errorOf(res: Response) {
  return (await res.json()) as { code: number; msg: string; extras?: { detailCode: number; detailMsg: string } };
}

async function create(name: string, content = uuidLines(5), account: number = EMU.accounts.brandA) {
  const res = await upload(base, token, { name, content, adAccountId: account });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown> & { id: number };
}

describe("ad accounts", () => {
  it("lists the user's ad accounts with paging and config filter", async () => {
    const res = await api("/adAccounts/pages?config=ON,OFF&page=0&size=10", { account: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      content: [
        { id: 27429, name: "Emulator Brand A", memberType: "MASTER", config: "ON" },
        { id: 615466, name: "Emulator Brand B", memberType: "MEMBER", config: "ON" },
      ],
      page: 0,
      size: 10,
      totalElements: 2,
      totalPages: 1,
    });
    const p1 = (await (await api("/adAccounts/pages?page=1&size=1", { account: null })).json()) as { content: Array<{ id: number }>; totalPages: number };
    expect(p1.content.map((a) => a.id)).toEqual([615466]);
    expect(p1.totalPages).toBe(2);
    const off = (await (await api("/adAccounts/pages?config=OFF", { account: null })).json()) as { content: unknown[] };
    expect(off.content).toEqual([]);
    const bad = await api("/adAccounts/pages?page=-1", { account: null });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe(-2);
  });

  it("shows another user only their own account", async () => {
    const other = (await obtainToken(base, { ...EMU.otherUser })).access_token;
    const res = await api("/adAccounts/pages", { account: null, bearer: other });
    const body = (await res.json()) as { content: Array<{ id: number }> };
    expect(body.content.map((a) => a.id)).toEqual([99001]);
  });
});

describe("authentication and headers", () => {
  it("answers 401 / -401 for a missing, invalid, revoked or expired bearer", async () => {
    for (const bearer of [null, "not-a-token"]) {
      const res = await api("/customerFiles", { bearer });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe(-401);
    }
    const revoked = (await obtainToken(base)).access_token;
    await control(base, "/__emulator/tokens/revoke", { accessTokenSha256: sha256(revoked) });
    expect((await api("/customerFiles", { bearer: revoked })).status).toBe(401);

    const expiring = (await obtainToken(base)).access_token;
    expect((await api("/customerFiles", { bearer: expiring })).status).toBe(200);
    await control(base, "/__emulator/tokens/expire", { accessTokenSha256: sha256(expiring) });
    const expired = await api("/customerFiles", { bearer: expiring });
    expect(expired.status).toBe(401);
    expect(await errorOf(expired)).toMatchObject({ code: -401, msg: "this access token is already expired" });
    // A Kakao Login refresh token is not an access token.
    const login = await obtainToken(base, { flow: "login" });
    expect(await errorOf(await api("/customerFiles", { bearer: login.refresh_token! }))).toMatchObject({ code: -401, msg: "this access token does not exist" });
  });

  it("needs a numeric adAccountId header on customer-file calls (400 / -2)", async () => {
    for (const account of [null, "abc", ""]) {
      const res = await api("/customerFiles", { account });
      expect(res.status, String(account)).toBe(400);
      expect((await errorOf(res)).code).toBe(-2);
    }
    const up = await upload(base, token, { adAccountId: null });
    expect(up.status).toBe(400);
    expect((await errorOf(up)).code).toBe(-2);
  });

  it("answers 403 / -5 for an ad account the user cannot reach", async () => {
    for (const account of [EMU.accounts.other, 123]) {
      const res = await api("/customerFiles", { account });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe(-5);
    }
    const up = await upload(base, token, { adAccountId: EMU.accounts.other });
    expect(up.status).toBe(403);
    expect((await emulatorState(base)).files).toEqual([]);
    // …and the other user cannot touch this user's files.
    const f = await create("mine");
    const other = (await obtainToken(base, { ...EMU.otherUser })).access_token;
    const del = await api(`/customerFiles/${f.id}`, { method: "DELETE", bearer: other });
    expect(del.status).toBe(403);
  });

  it("answers 403 / -402 when the token lacks the Moment scope", async () => {
    const weak = (await obtainToken(base, { scope: "moment_create" })).access_token;
    const res = await api("/customerFiles", { bearer: weak });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: -402, required_scopes: ["moment_management"] });
  });
});

describe("customer files", () => {
  it("registers a file: WAITING, stored with size/lines/sha256, listed, then COMPLETE", async () => {
    const content = uuidLines(10);
    const f = await create("Audience 1", content);
    expect(f).toMatchObject({ adAccountId: 27429, name: "Audience 1", customerFileStatus: "WAITING", ready: false, populationScore: 0, populationUpdateDate: null });
    expect(typeof f.id).toBe("number");
    expect(typeof f.adidListKey).toBe("string");
    for (const k of ["createdDate", "lastModifiedDate", "originalCreatedDate"]) expect(f[k]).toMatch(DATE);

    const st = await emulatorState(base);
    expect(st.files).toEqual([
      expect.objectContaining({ id: f.id, adAccountId: 27429, name: "Audience 1", bytes: content.length, lines: 10, sha256: sha256(content), customerFileStatus: "WAITING", versions: 1 }),
    ]);
    const stored = await fetch(new URL(`/__emulator/files/${f.id}/content`, base));
    expect(await stored.text()).toBe(content);

    const list = await api("/customerFiles");
    expect(list.status).toBe(200);
    const arr = (await list.json()) as Array<Record<string, unknown>>;
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.map((x) => x.id)).toEqual([f.id]);
    expect((await (await api("/customerFiles", { account: EMU.accounts.brandB })).json())).toEqual([]);

    await new Promise((r) => setTimeout(r, 250));
    const [done] = (await (await api("/customerFiles")).json()) as Array<Record<string, unknown>>;
    expect(done).toMatchObject({ customerFileStatus: "COMPLETE", ready: true, populationScore: 8 });
    expect(done!.populationUpdateDate).toMatch(DATE);
  });

  it("edits a file with PUT: contents replaced, MODIFYING then COMPLETE, dates and versions", async () => {
    const f = await create("Edit me", uuidLines(5, 1));
    clockOffset += 60_000;
    try {
      const content2 = uuidLines(20, 2);
      const res = await upload(base, token, { method: "PUT", id: f.id, name: null, content: content2 });
      expect(res.status).toBe(200);
      const e = (await res.json()) as Record<string, unknown>;
      expect(e).toMatchObject({ id: f.id, name: "Edit me", customerFileStatus: "MODIFYING", originalCreatedDate: f.originalCreatedDate });
      expect(e.createdDate).not.toBe(f.createdDate);
      const st = (await emulatorState(base)).files[0]!;
      expect(st).toMatchObject({ versions: 2, lines: 20, bytes: content2.length, sha256: sha256(content2), customerFileStatus: "MODIFYING" });
      expect(await (await fetch(new URL(`/__emulator/files/${f.id}/content`, base))).text()).toBe(content2);

      clockOffset += 1000;
      const [done] = (await (await api("/customerFiles")).json()) as Array<Record<string, unknown>>;
      expect(done).toMatchObject({ customerFileStatus: "COMPLETE", populationScore: 16 });

      const renamed = await upload(base, token, { method: "PUT", id: f.id, name: "Renamed", content: uuidLines(1) });
      expect(await renamed.json()).toMatchObject({ name: "Renamed", originalCreatedDate: f.originalCreatedDate });
      expect((await emulatorState(base)).files[0]!.versions).toBe(3);
    } finally {
      clockOffset -= 61_000;
    }
  });

  it("keeps the old contents when an edit is rejected, and refuses unknown ids with 400 / -813", async () => {
    const content = uuidLines(3);
    const f = await create("Keep", content);
    const bad = await upload(base, token, { method: "PUT", id: f.id, name: null, content: "nope\n" });
    expect(bad.status).toBe(400);
    expect((await emulatorState(base)).files[0]).toMatchObject({ versions: 1, sha256: sha256(content) });
    const missing = await upload(base, token, { method: "PUT", id: 999999, content: uuidLines(1) });
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toEqual({ code: -813, msg: "KakaoMomentException", extras: { detailCode: 80009, detailMsg: expect.any(String) } });
    const otherAccount = await upload(base, token, { method: "PUT", id: f.id, content: uuidLines(1), adAccountId: EMU.accounts.brandB });
    expect(otherAccount.status).toBe(400);
    expect(await errorOf(otherAccount)).toMatchObject({ code: -813, extras: { detailCode: 80009 } });
    for (const [method, p] of [["DELETE", "/customerFiles/999999"], ["GET", "/customerFiles/usages/999999"]] as const) {
      const r = await api(p, { method });
      expect(r.status, `${method} ${p}`).toBe(400);
      expect(await errorOf(r)).toMatchObject({ code: -813, msg: "KakaoMomentException", extras: { detailCode: 80009 } });
    }
  });

  it("deletes a file (status DELETE while it lingers); usages answer an empty list", async () => {
    const f = await create("Delete me");
    const usages = await api(`/customerFiles/usages/${f.id}`);
    expect(usages.status).toBe(200);
    expect(await usages.json()).toEqual([]);
    const del = await api(`/customerFiles/${f.id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await del.text()).toBe("");
    expect(await api("/customerFiles").then((r) => r.json())).toEqual([expect.objectContaining({ id: f.id, customerFileStatus: "DELETE", ready: false })]);
    for (const r of [await api(`/customerFiles/${f.id}`, { method: "DELETE" }), await api(`/customerFiles/usages/${f.id}`), await upload(base, token, { method: "PUT", id: f.id })]) {
      expect(r.status).toBe(400);
      expect(await errorOf(r)).toMatchObject({ code: -813, extras: { detailCode: 80009 } });
    }
    expect((await fetch(new URL(`/__emulator/files/${f.id}/content`, base))).status).toBe(404);
    expect((await emulatorState(base)).files).toEqual([expect.objectContaining({ id: f.id, customerFileStatus: "DELETE" })]);
  });
});

describe("upload validation", () => {
  async function rejected(res: Response, status = 400) {
    expect(res.status).toBe(status);
    const e = await errorOf(res);
    expect(e).toMatchObject({ code: -813, msg: "KakaoMomentException", extras: { detailCode: expect.any(Number), detailMsg: expect.any(String) } });
    return e.extras!;
  }

  it("rejects a file over the size limit, stores nothing and leaves no temp file", async () => {
    const lines = uuidLines(Math.ceil(MAX / 37) + 1);
    expect(lines.length).toBeGreaterThan(MAX);
    const x = await rejected(await upload(base, token, { content: lines }));
    expect(x.detailMsg).toContain(String(MAX));
    // Exactly at the limit is fine.
    const exact = uuidLines(Math.floor(MAX / 37));
    expect((await upload(base, token, { name: "exact", content: exact })).status).toBe(200);
    expect((await emulatorState(base)).files.map((f) => f.name)).toEqual(["exact"]);
    expect(await readdir(path.join(dataDir, "incoming"))).toEqual([]);
  });

  it("answers early on a large streamed upload (does not read it all)", async () => {
    const total = 8 * 1024 * 1024;
    const boundary = "----emu-boundary";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbig\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const line = Buffer.from(uuidLines(1));
    const chunk = Buffer.concat(Array.from({ length: 1000 }, () => line));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(head));
      },
      pull(c) {
        if (sent >= total) {
          c.enqueue(new Uint8Array(Buffer.from(`\r\n--${boundary}--\r\n`)));
          c.close();
          return;
        }
        sent += chunk.length;
        c.enqueue(new Uint8Array(chunk));
      },
    });
    const res = await fetch(new URL("/openapi/v4/customerFiles", base), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, adAccountId: "27429", "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);
    await rejected(res);
    expect(sent).toBeLessThan(total);
    expect((await emulatorState(base)).files).toEqual([]);
  });

  it("rejects empty, too long and duplicate names", async () => {
    await rejected(await upload(base, token, { name: "" }));
    await rejected(await upload(base, token, { name: "   " }));
    const long = await rejected(await upload(base, token, { name: "a".repeat(51) }));
    expect(long.detailMsg).toContain("50");
    expect((await upload(base, token, { name: "가".repeat(50) })).status).toBe(200);
    const dup = await rejected(await upload(base, token, { name: "가".repeat(50) }));
    expect(dup.detailMsg).toContain("already exists");
    // Same name in another ad account is fine.
    expect((await upload(base, token, { name: "가".repeat(50), adAccountId: EMU.accounts.brandB })).status).toBe(200);
    await rejected(await upload(base, token, { name: null }));
  });

  it("rejects lines that are not UUIDs, with a count", async () => {
    const content = `${uuidLines(2)}not-an-adid\n${uuidLines(1).toUpperCase()}\n${uuidLines(1).replace("\n", "\r\n")}`;
    const x = await rejected(await upload(base, token, { content }));
    expect(x.detailMsg).toMatch(/^3 of 6 lines/);
    expect(x.detailMsg).toContain("first bad line: 3");
    await rejected(await upload(base, token, { name: "empty", content: "" }));
    expect((await emulatorState(base)).files).toEqual([]);
  });

  it("rejects a missing or misnamed file part, non-CSV files and non-multipart bodies", async () => {
    await rejected(await upload(base, token, { filePart: null }));
    await rejected(await upload(base, token, { filePart: "upload" }));
    await rejected(await upload(base, token, { filename: "audience.txt" }));
    await rejected(await upload(base, token, { type: "application/json" }));
    const notMultipart = await api("/customerFiles", { method: "POST", body: "x" });
    expect(notMultipart.status).toBe(400);
    expect((await errorOf(notMultipart)).code).toBe(-2);
  });

  it("allows at most 50 files per ad account", async () => {
    for (let i = 1; i <= 50; i++) {
      const r = await upload(base, token, { name: `f${i}`, content: uuidLines(1, i), adAccountId: EMU.accounts.brandB });
      expect(r.status).toBe(200);
    }
    const x = await rejected(await upload(base, token, { name: "f51", adAccountId: EMU.accounts.brandB }));
    expect(x.detailMsg).toContain("50");
    expect((await emulatorState(base)).files.length).toBe(50);
  });
});

describe("rate limit", () => {
  it("allows one customer-file write per 5 s per ad account (429, -813)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "emu-rate-"));
    let offset = 0;
    const limited = await startEmulator({ port: 0, dataDir: dir, now: () => Date.now() + offset });
    try {
      const t = (await obtainToken(limited.url)).access_token;
      expect((await upload(limited.url, t, { name: "a" })).status).toBe(200);
      const second = await upload(limited.url, t, { name: "b" });
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: -813, extras: { detailCode: expect.any(Number) } });
      // Reads are not limited, nor is another ad account.
      const list = await fetch(new URL("/openapi/v4/customerFiles", limited.url), { headers: { authorization: `Bearer ${t}`, adAccountId: "27429" } });
      expect(list.status).toBe(200);
      expect((await upload(limited.url, t, { name: "b", adAccountId: EMU.accounts.brandB })).status).toBe(200);
      const files = (await list.json()) as Array<{ id: number }>;
      const del = await fetch(new URL(`/openapi/v4/customerFiles/${files[0]!.id}`, limited.url), {
        method: "DELETE",
        headers: { authorization: `Bearer ${t}`, adAccountId: "27429" },
      });
      expect(del.status).toBe(429);
      offset += 5000;
      expect((await upload(limited.url, t, { name: "b" })).status).toBe(200);
    } finally {
      await limited.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
