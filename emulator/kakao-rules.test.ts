/**
 * The emulator refuses what real Kakao refuses (per /work/shared/kakao-api.md, revised), and lets
 * tests flip each still-unknown fact. Everything over real HTTP.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SEED_FILE } from "./config";
import { optionsFromEnv } from "./env";
import { DEFAULT_FACTS, startEmulator, type RunningEmulator } from "./server";
import {
  EMU,
  authorizeLikeBrowser,
  authorizeUrl,
  control,
  emulatorState,
  exchangeParams,
  forceAuthorizeError,
  obtainToken,
  resetFacts,
  setFacts,
  tokenRequest,
  upload,
  uuidLines,
  type AuthorizeParams,
} from "./testing";

// 2026-01-02T03:04:05Z; the clock only moves when a test moves it.
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
let clock = T0;
let emu: RunningEmulator;
let base: string;
let dataDir: string;
let token: string;
const LINGER = 60_000;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "emu-rules-"));
  emu = await startEmulator({ port: 0, dataDir, rateLimitMs: 0, processingDelayMs: 1000, maxFilesPerAccount: 3, now: () => clock });
  base = emu.url;
});

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  clock = T0;
  await control(base, "/__emulator/reset");
  token = (await obtainToken(base)).access_token;
});

const api = (p: string, init: RequestInit & { account?: number | null; bearer?: string } = {}) => {
  const headers: Record<string, string> = { authorization: `Bearer ${init.bearer ?? token}` };
  if (init.account !== null) headers.adAccountId = String(init.account ?? EMU.accounts.brandA);
  return fetch(new URL(`/openapi/v4${p}`, base), { ...init, headers });
};

/** GET authorize without following; returns the response. */
const authorize = (p: AuthorizeParams = {}, at = base) => fetch(authorizeUrl(at, p), { redirect: "manual" });

/** The redirect back to the client, as a URL (asserts a 302 to the registered redirect URI). */
async function redirectedBack(res: Response, redirectUri: string = EMU.redirectUri): Promise<URL> {
  expect(res.status).toBe(302);
  const loc = new URL(res.headers.get("location")!);
  expect(loc.origin + loc.pathname).toBe(redirectUri);
  return loc;
}

async function create(name: string, account: number = EMU.accounts.brandA) {
  const res = await upload(base, token, { name, content: uuidLines(3), adAccountId: account });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { id: number } & Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------

describe("1. Business Authentication has its own secret and redirect list", () => {
  const LOGIN_ONLY = "http://127.0.0.1:3000/login-only/callback";
  let custom: RunningEmulator;
  let customDir: string;

  beforeAll(async () => {
    customDir = await mkdtemp(path.join(tmpdir(), "emu-seed-"));
    const seed = JSON.parse(await readFile(DEFAULT_SEED_FILE, "utf8")) as { apps: Array<{ redirectUris: string[]; businessRedirectUris: string[] }> };
    seed.apps[0]!.redirectUris.push(LOGIN_ONLY);
    const seedFile = path.join(customDir, "seed.json");
    await writeFile(seedFile, JSON.stringify(seed));
    custom = await startEmulator({ port: 0, dataDir: path.join(customDir, "data"), rateLimitMs: 0, seedFile, redirectUris: ["http://127.0.0.1:4999/both"] });
  });

  afterAll(async () => {
    await custom?.close();
    await rm(customDir, { recursive: true, force: true });
  });

  it("shows KOE028 (HTTP 400, no redirect) for a URI registered only for Kakao Login", async () => {
    const res = await authorize({ redirectUri: LOGIN_ONLY }, custom.url);
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).toContain("KOE028");
    expect(page).not.toContain("KOE006");
    // The same URI is fine for Kakao Login.
    const login = await authorize({ flow: "login", redirectUri: LOGIN_ONLY }, custom.url);
    expect(login.status).toBe(200);
    const back = await authorizeLikeBrowser(custom.url, { flow: "login", redirectUri: LOGIN_ONLY });
    expect(back.searchParams.get("code")).toBeTruthy();
  });

  it("refuses a business token exchange with an unregistered business redirect_uri (400 invalid_grant KOE028)", async () => {
    const back = await authorizeLikeBrowser(custom.url, {});
    const res = await tokenRequest(custom.url, "business", exchangeParams(back.searchParams.get("code")!, { redirect_uri: LOGIN_ONLY }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE028", error_description: expect.stringContaining("KOE028") });
  });

  it("adds the redirectUris option to both lists", async () => {
    for (const flow of ["business", "login"] as const) {
      const t = await obtainToken(custom.url, { flow, redirectUri: "http://127.0.0.1:4999/both" });
      expect(typeof t.access_token).toBe("string");
    }
  });

  it("checks the business secret at /oauth/business/token and the Login secret at /oauth/token", async () => {
    const bcode = (await authorizeLikeBrowser(base, {})).searchParams.get("code")!;
    for (const secret of [EMU.clientSecret, "", "nope"]) {
      const r = await tokenRequest(base, "business", { ...exchangeParams(bcode), client_secret: secret });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: "invalid_client", error_code: "KOE010" });
    }
    const noSecret = exchangeParams(bcode);
    delete noSecret.client_secret;
    expect(await (await tokenRequest(base, "business", noSecret)).json()).toMatchObject({ error_code: "KOE010" });
    expect((await tokenRequest(base, "business", { ...exchangeParams(bcode), client_secret: EMU.businessClientSecret })).status).toBe(200);

    const lcode = (await authorizeLikeBrowser(base, { flow: "login" })).searchParams.get("code")!;
    const wrong = await tokenRequest(base, "login", { ...exchangeParams(lcode, {}, "login"), client_secret: EMU.businessClientSecret });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client", error_code: "KOE010" });
    expect((await tokenRequest(base, "login", exchangeParams(lcode, {}, "login"))).status).toBe(200);
  });
});

describe("2. resource_ids", () => {
  it("redirects KOE233 when scope holds moment_create and resource_ids is missing (comma or space separated)", async () => {
    for (const scope of ["moment_management,moment_create", "moment_management moment_create", "moment_create"]) {
      const loc = await redirectedBack(await authorize({ scope, resourceIds: null, state: "s-233" }));
      expect(loc.searchParams.get("error")).toBe("invalid_request");
      expect(loc.searchParams.get("error_code")).toBe("KOE233");
      const desc = loc.searchParams.get("error_description")!;
      expect(desc).toContain("KOE233");
      expect(desc).toContain("resource_ids");
      expect(loc.searchParams.get("state")).toBe("s-233");
      expect(loc.searchParams.get("code")).toBeNull();
    }
    // An empty resource_ids is a missing one.
    const empty = await redirectedBack(await authorize({ scope: "moment_create", resourceIds: "" }));
    expect(empty.searchParams.get("error_code")).toBe("KOE233");
  });

  it("redirects KOE233 for a malformed entry", async () => {
    for (const resourceIds of ["moment", "Moment:*", "moment:abc", "moment:*,", ":*", "moment:1:2", "moment_create:27429x"]) {
      const loc = await redirectedBack(await authorize({ scope: "moment_management,moment_create", resourceIds }));
      expect(loc.searchParams.get("error"), resourceIds).toBe("invalid_request");
      expect(loc.searchParams.get("error_code")).toBe("KOE233");
      expect(loc.searchParams.get("error_description")).toContain("KOE233");
    }
  });

  it("succeeds with moment:* or moment:27429; without moment_create resource_ids is not needed", async () => {
    for (const resourceIds of ["moment:*", "moment:27429", "moment:27429,moment:615466", "moment_create:27429"]) {
      const t = await obtainToken(base, { scope: "moment_management,moment_create", resourceIds });
      expect(t.scope).toBe("moment_management moment_create");
      const st = await emulatorState(base);
      expect(st.tokens.at(-1)!.resourceIds).toEqual(resourceIds.split(","));
    }
    expect((await authorize({ scope: "moment_management,moment_delete", resourceIds: null })).status).toBe(200);
    const t = await obtainToken(base, { scope: "moment_management", resourceIds: null });
    expect(t.scope).toBe("moment_management");
  });
});

describe("3. scopes", () => {
  it("redirects invalid_scope KOE232 for a consent item the app has not configured", async () => {
    for (const scope of ["moment_management,keyword_create", "moment_bizform_result_read", "talk_message", "profile_nickname"]) {
      const loc = await redirectedBack(await authorize({ scope, state: "s-232" }));
      expect(loc.searchParams.get("error"), scope).toBe("invalid_scope");
      expect(loc.searchParams.get("error_code")).toBe("KOE232");
      expect(loc.searchParams.get("error_description")).toContain("KOE232");
      expect(loc.searchParams.get("state")).toBe("s-232");
    }
  });

  it("keeps the default for an empty scope (all the app's business consent items)", async () => {
    expect((await obtainToken(base, {})).scope).toBe("moment_management moment_create moment_delete");
  });
});

describe("4. PKCE on business authorize", () => {
  it("accepts requests with and without code_challenge", async () => {
    expect((await authorize({ codeChallenge: "a".repeat(43), codeChallengeMethod: "S256" })).status).toBe(200);
    expect((await authorize({})).status).toBe(200);
  });
});

describe("5. forced authorize errors", () => {
  const CASES: Array<[string, string]> = [
    ["KOE025", "access_denied"],
    ["KOE026", "access_denied"],
    ["KOE027", "access_denied"],
    ["KOE028", "invalid_request"],
    ["KOE123", "unauthorized_client"],
    ["KOE124", "unauthorized_client"],
    ["KOE232", "invalid_scope"],
    ["KOE233", "invalid_request"],
    ["KOE003", "temporarily_unavailable"],
  ];

  for (const [code, error] of CASES) {
    it(`${code} → redirect back with error=${error}`, async () => {
      await forceAuthorizeError(base, code);
      const loc = await redirectedBack(await authorize({ state: `st-${code}` }));
      expect(loc.searchParams.get("error")).toBe(error);
      expect(loc.searchParams.get("error_code")).toBe(code);
      const desc = loc.searchParams.get("error_description")!;
      expect(desc).toContain(code);
      expect(desc.length).toBeGreaterThan(code.length + 5);
      expect(loc.searchParams.get("state")).toBe(`st-${code}`);
      expect(loc.searchParams.get("code")).toBeNull();
      // Only the next one.
      expect((await authorize()).status).toBe(200);
    });
  }

  it("KOE123 reads like Kakao", async () => {
    await forceAuthorizeError(base, "KOE123");
    const loc = await redirectedBack(await authorize());
    expect(loc.searchParams.get("error_description")).toBe("KOE123: this app is not a Biz app");
  });

  it("access_denied has no error_code", async () => {
    await forceAuthorizeError(base, "access_denied");
    const loc = await redirectedBack(await authorize({ state: "s-ad" }));
    expect(loc.searchParams.get("error")).toBe("access_denied");
    expect(loc.searchParams.has("error_code")).toBe(false);
    expect(loc.searchParams.get("error_description")).toBeTruthy();
    expect(loc.searchParams.get("state")).toBe("s-ad");
  });

  it("strikes the next `count` valid requests of either flow; invalid client_id/redirect_uri do not consume it", async () => {
    await forceAuthorizeError(base, "KOE003", 2);
    expect((await authorize({ clientId: "nope" })).status).toBe(400);
    expect((await authorize({ redirectUri: "http://evil.example/cb" })).status).toBe(400);
    expect((await authorize({ flow: "login" })).status).toBe(302);
    // Even before other checks (a bad response_type would otherwise be reported).
    const u = new URL(authorizeUrl(base));
    u.searchParams.set("response_type", "token");
    const second = await redirectedBack(await fetch(u, { redirect: "manual" }));
    expect(second.searchParams.get("error_code")).toBe("KOE003");
    expect((await authorize()).status).toBe(200);
  });

  it("DELETE and reset clear it; GET shows it; bad bodies are 400", async () => {
    await forceAuthorizeError(base, "KOE124", 5);
    expect(await (await fetch(new URL("/__emulator/authorize-error", base))).json()).toEqual({ forced: { error_code: "KOE124", remaining: 5 } });
    expect((await control(base, "/__emulator/authorize-error", undefined, "DELETE")).status).toBe(200);
    expect((await authorize()).status).toBe(200);
    await forceAuthorizeError(base, "KOE124", 5);
    await control(base, "/__emulator/reset");
    expect((await authorize()).status).toBe(200);
    for (const body of [{}, { error_code: "KOE999" }, { error_code: "KOE123", count: 0 }, { error_code: "KOE123", count: 1.5 }, { error_code: "KOE123", extra: 1 }]) {
      expect((await control(base, "/__emulator/authorize-error", body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("6. Moment refuses Kakao Login tokens", () => {
  const REFUSED = { code: -401, msg: "target biz token is not supplied.", extras: {} };

  it("answers 401 -401 'target biz token is not supplied.' on every Moment call and on business tokeninfo", async () => {
    const login = await obtainToken(base, { flow: "login" });
    const t = login.access_token;
    const f = await create("biz only");
    const calls: Array<Promise<Response>> = [
      api("/adAccounts/pages", { bearer: t, account: null }),
      api("/customerFiles", { bearer: t }),
      upload(base, t, { name: "login upload" }),
      upload(base, t, { method: "PUT", id: f.id }),
      api(`/customerFiles/${f.id}`, { method: "DELETE", bearer: t }),
      api(`/customerFiles/usages/${f.id}`, { bearer: t }),
      fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${t}` } }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status, res.url).toBe(401);
      expect(await res.json()).toEqual(REFUSED);
    }
    expect((await emulatorState(base)).files.map((x) => x.name)).toEqual(["biz only"]);
    // Kakao Login's own endpoints still work.
    const info = await fetch(new URL("/v1/user/access_token_info", base), { headers: { authorization: `Bearer ${t}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ id: EMU.userId, app_id: EMU.appId });
    const r = await tokenRequest(base, "login", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: EMU.clientSecret, refresh_token: login.refresh_token! });
    expect(r.status).toBe(200);
  });
});

describe("7. token info", () => {
  it("answers snake_case with a token id beside the user id", async () => {
    const a = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${token}` } });
    const other = (await obtainToken(base, { ...EMU.otherUser })).access_token;
    const b = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${other}` } });
    const ia = (await a.json()) as Record<string, unknown>;
    const ib = (await b.json()) as Record<string, unknown>;
    expect(ia).toMatchObject({ token_user_id: EMU.userId, app_id: EMU.appId, expires_in: null, kakao_account: { email: EMU.user.email } });
    expect(ib).toMatchObject({ token_user_id: 3000002, biz_agreements: [{ scope_group: "MOMENT", ad_account_ids: [99001] }] });
    expect(typeof ia.id).toBe("number");
    expect(ia.id).not.toBe(ia.token_user_id);
    expect(ia.id).not.toBe(ib.id);
    expect([3000001, 3000002]).not.toContain(ia.id);
    expect(ia.id as number).toBeGreaterThanOrEqual(8_000_000_000);
  });
});

describe("8. Kakao's error bodies from fault injection", () => {
  const EXPECTED: Array<[Record<string, unknown>, number, unknown]> = [
    [{ status: 400, code: -10 }, 400, { code: -10, msg: "API limit has been exceeded.", extras: {} }],
    [{ status: 400, code: -813 }, 400, { code: -813, msg: "KakaoMomentException", extras: { detailMsg: "internal error, try again later" } }],
    [{ status: 403, code: -813 }, 403, { code: -813, msg: "KakaoMomentException", extras: { detailCode: 9004, detailMsg: "권한이 없습니다." } }],
    [{ status: 403, code: -813, detailCode: 6003, msg: "ad account does not exist" }, 403, { code: -813, msg: "KakaoMomentException", extras: { detailCode: 6003, detailMsg: "ad account does not exist" } }],
    [{ status: 500, code: -1, msg: "boom" }, 500, { code: -1, msg: "boom", extras: {} }],
  ];

  for (const [error, status, body] of EXPECTED) {
    it(`before storing: ${JSON.stringify(error)}`, async () => {
      await control(base, "/__emulator/faults", { errors: [error], count: 1, methods: ["POST"], paths: ["/openapi/v4/customerFiles"], phase: "before" });
      const res = await upload(base, token, { name: "faulted" });
      expect(res.status).toBe(status);
      expect(res.headers.get("x-emulator-fault")).toBe("1");
      const got = (await res.json()) as Record<string, unknown>;
      expect(got).toEqual(body);
      if (error.code === -813 && status === 400) expect(got.extras).not.toHaveProperty("detailCode");
      expect((await emulatorState(base)).files).toEqual([]);
      expect((await upload(base, token, { name: "faulted" })).status).toBe(200);
    });
  }

  it("after storing: the client gets the body, the file IS stored", async () => {
    await control(base, "/__emulator/faults", { errors: [{ status: 400, code: -813 }], count: 1, methods: ["POST"], phase: "after" });
    const res = await upload(base, token, { name: "stored anyway" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-emulator-fault")).toBe("1");
    expect(await res.json()).toEqual({ code: -813, msg: "KakaoMomentException", extras: { detailMsg: "internal error, try again later" } });
    expect((await emulatorState(base)).files.map((f) => f.name)).toEqual(["stored anyway"]);
    expect((await emulatorState(base)).requests["POST /openapi/v4/customerFiles"]).toEqual({ "400": 1 });
  });

  it("draws among statuses + errors (+ reset) at the given rate, seeded", async () => {
    await control(base, "/__emulator/faults", { statuses: [503], errors: [{ status: 400, code: -10 }], rate: 1, seed: 5, paths: ["/openapi/v4/customerFiles"], methods: ["GET"] });
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await api("/customerFiles");
      const b = (await r.json()) as { code: number };
      seen.add(`${r.status}:${b.code}`);
    }
    expect([...seen].sort()).toEqual(["400:-10", "503:-1"]);
  });

  it("validates errors entries", async () => {
    for (const errors of [[{ status: 400, code: 10 }], [{ status: 399, code: -10 }], [{ status: 400 }], [{ status: 400, code: -813, extra: 1 }], [{ status: 400, code: -813, detailCode: "x" }]]) {
      expect((await control(base, "/__emulator/faults", { errors })).status, JSON.stringify(errors)).toBe(400);
    }
    expect((await control(base, "/__emulator/faults", { errors: [] })).status).toBe(400);
    const ok = await control(base, "/__emulator/faults", { errors: [{ status: 403, code: -813, detailCode: 9004 }] });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ rules: [{ errors: [{ status: 403, code: -813, detailCode: 9004 }] }] });
  });
});

describe("9. ad-account pages", () => {
  it("answers the page number as `page`", async () => {
    const body = (await (await api("/adAccounts/pages?page=1&size=1", { account: null })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ page: 1, size: 1, totalElements: 2, totalPages: 2 });
    expect(body).not.toHaveProperty("number");
  });
});

describe("10. unknown customer-file id", () => {
  it("answers 400 -813 with the notFound detailCode (not 404)", async () => {
    for (const [method, p] of [["GET", "/customerFiles/usages/123"], ["DELETE", "/customerFiles/123"]] as const) {
      const r = await api(p, { method });
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ code: -813, msg: "KakaoMomentException", extras: { detailCode: 80009, detailMsg: expect.any(String) } });
    }
    const e = await upload(base, token, { method: "PUT", id: 123 });
    expect(e.status).toBe(400);
    expect(await e.json()).toMatchObject({ code: -813, extras: { detailCode: 80009 } });
  });
});

describe("11. DELETE status", () => {
  it("lists a deleted file as DELETE for deleteLingerMs, not counted toward the cap nor as a name clash; then it is gone", async () => {
    const a = await create("a");
    await create("b");
    await create("c");
    const full = await upload(base, token, { name: "d" });
    expect(full.status).toBe(400); // cap is 3 in this emulator
    expect((await api(`/customerFiles/${a.id}`, { method: "DELETE" })).status).toBe(200);

    clock += LINGER - 1;
    const listed = (await (await api("/customerFiles")).json()) as Array<Record<string, unknown>>;
    expect(listed.map((f) => [f.name, f.customerFileStatus])).toEqual([
      ["a", "DELETE"],
      ["b", "COMPLETE"],
      ["c", "COMPLETE"],
    ]);
    expect(listed[0]).toMatchObject({ id: a.id, ready: false });
    // Not counted toward the cap, and its name is free again.
    const again = await upload(base, token, { name: "a" });
    expect(again.status).toBe(200);
    expect((await upload(base, token, { name: "e" })).status).toBe(400); // a(new), b, c = 3
    const st = await emulatorState(base);
    expect(st.files.filter((f) => f.name === "a").map((f) => f.customerFileStatus)).toEqual(["DELETE", "WAITING"]);
    // Edit / delete / usages on the deleted one: unknown id.
    for (const r of [await upload(base, token, { method: "PUT", id: a.id }), await api(`/customerFiles/${a.id}`, { method: "DELETE" }), await api(`/customerFiles/usages/${a.id}`)]) {
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ code: -813, extras: { detailCode: 80009 } });
    }

    clock += 1;
    const after = (await (await api("/customerFiles")).json()) as Array<{ id: number }>;
    expect(after.map((f) => f.id)).not.toContain(a.id);
    expect((await emulatorState(base)).files.map((f) => f.id)).not.toContain(a.id);
  });

  it("deleteLingerMs: 0 removes at once; EMULATOR_DELETE_LINGER_MS maps to the option", async () => {
    expect(optionsFromEnv({ EMULATOR_DELETE_LINGER_MS: "1500" })).toMatchObject({ deleteLingerMs: 1500 });
    expect(optionsFromEnv({ EMULATOR_DELETE_LINGER_MS: "-1" })).toEqual({ error: expect.stringContaining("EMULATOR_DELETE_LINGER_MS") });
    const dir = await mkdtemp(path.join(tmpdir(), "emu-linger-"));
    const e = await startEmulator({ port: 0, dataDir: dir, rateLimitMs: 0, deleteLingerMs: 0 });
    try {
      const t = (await obtainToken(e.url)).access_token;
      const f = (await (await upload(e.url, t, { name: "x" })).json()) as { id: number };
      const del = await fetch(new URL(`/openapi/v4/customerFiles/${f.id}`, e.url), { method: "DELETE", headers: { authorization: `Bearer ${t}`, adAccountId: "27429" } });
      expect(del.status).toBe(200);
      expect((await emulatorState(e.url)).files).toEqual([]);
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("12. flippable facts", () => {
  it("GET shows the defaults; POST merges; bad keys/types are 400; DELETE and reset restore", async () => {
    const get = async () => (await (await fetch(new URL("/__emulator/facts", base))).json()) as Record<string, unknown>;
    expect(await get()).toEqual({
      uploadNamePart: "name",
      uploadFilePart: "file",
      registerAnswer: "file",
      editCall: "PUT /openapi/v4/customerFiles/{id}",
      maxFileNameChars: 50,
      dateUtcOffsetHours: 9,
      tokenInfoUserIdField: "token_user_id",
      adAccountsPageField: "page",
      writeIntervalMs: null,
    });
    expect(await get()).toEqual({ ...DEFAULT_FACTS });
    const merged = await setFacts(base, { maxFileNameChars: 10 });
    expect(merged).toMatchObject({ maxFileNameChars: 10, uploadNamePart: "name" });
    expect(await setFacts(base, { registerAnswer: "empty" })).toMatchObject({ maxFileNameChars: 10, registerAnswer: "empty" });
    for (const bad of [
      { nope: 1 },
      { maxFileNameChars: "10" },
      { maxFileNameChars: 0 },
      { registerAnswer: "nothing" },
      { editCall: "PUT /openapi/v4/customerFiles" },
      { editCall: "FETCH /x/{id}" },
      { uploadFilePart: "name" },
      { tokenInfoUserIdField: "user id" },
      { writeIntervalMs: -1 },
      [],
    ]) {
      expect((await control(base, "/__emulator/facts", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await get()).toMatchObject({ maxFileNameChars: 10, registerAnswer: "empty" });
    expect((await control(base, "/__emulator/facts", undefined, "DELETE")).status).toBe(200);
    expect(await get()).toEqual({ ...DEFAULT_FACTS });
    await setFacts(base, { adAccountsPageField: "number" });
    await control(base, "/__emulator/reset");
    expect(await get()).toEqual({ ...DEFAULT_FACTS });
  });

  it("uploadNamePart / uploadFilePart: other part names are refused with 400 -813 naming the expected part", async () => {
    await setFacts(base, { uploadNamePart: "title", uploadFilePart: "files" });
    const wrongFile = await upload(base, token, { name: "x" });
    expect(wrongFile.status).toBe(400);
    const e1 = (await wrongFile.json()) as { code: number; extras: { detailMsg: string } };
    expect(e1.code).toBe(-813);
    expect(e1.extras.detailMsg).toContain('"files"');
    const wrongName = await upload(base, token, { name: "x", filePart: "files" });
    expect(wrongName.status).toBe(400);
    const e2 = (await wrongName.json()) as { code: number; extras: { detailMsg: string } };
    expect(e2.code).toBe(-813);
    expect(e2.extras.detailMsg).toContain('"title"');
    expect((await emulatorState(base)).files).toEqual([]);
    const ok = await upload(base, token, { name: "x", namePart: "title", filePart: "files" });
    expect(ok.status).toBe(200);
    const f = (await ok.json()) as { id: number };
    // Edit uses them too.
    expect((await upload(base, token, { method: "PUT", id: f.id, name: null })).status).toBe(400);
    expect((await upload(base, token, { method: "PUT", id: f.id, name: "y", namePart: "title", filePart: "files" })).status).toBe(200);
    expect((await emulatorState(base)).files[0]).toMatchObject({ name: "y", versions: 2 });
    await resetFacts(base);
    expect((await upload(base, token, { name: "z" })).status).toBe(200);
  });

  it("registerAnswer: empty answers 200 {} and still creates the file", async () => {
    await setFacts(base, { registerAnswer: "empty" });
    const res = await upload(base, token, { name: "quiet" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await emulatorState(base)).files.map((f) => f.name)).toEqual(["quiet"]);
  });

  it("editCall: moved to another route (the old one is 404 -3), or null (no edit call)", async () => {
    const f = await create("edit target");
    await setFacts(base, { editCall: "POST /openapi/v4/customerFiles/{id}/file" });
    const old = await upload(base, token, { method: "PUT", id: f.id });
    expect(old.status).toBe(404);
    expect(await old.json()).toMatchObject({ code: -3, msg: "unsupported API" });
    const moved = await upload(base, token, { method: "POST", path: `/openapi/v4/customerFiles/${f.id}/file`, name: null, content: uuidLines(7) });
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(await moved.json()).toMatchObject({ id: f.id, customerFileStatus: "MODIFYING" });
    const st = await emulatorState(base);
    expect(st.files[0]).toMatchObject({ lines: 7, versions: 2 });
    expect(st.requests["POST /openapi/v4/customerFiles/{id}/file"]).toEqual({ "200": 1 });
    // Delete and usages still live on their routes.
    expect((await api(`/customerFiles/usages/${f.id}`)).status).toBe(200);

    await setFacts(base, { editCall: null });
    for (const r of [await upload(base, token, { method: "PUT", id: f.id }), await upload(base, token, { method: "POST", path: `/openapi/v4/customerFiles/${f.id}/file` })]) {
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ code: -3, msg: "unsupported API" });
    }
    expect((await emulatorState(base)).files[0]).toMatchObject({ versions: 2 });
    await resetFacts(base);
    expect((await upload(base, token, { method: "PUT", id: f.id })).status).toBe(200);
  });

  it("maxFileNameChars", async () => {
    await setFacts(base, { maxFileNameChars: 10 });
    const long = await upload(base, token, { name: "a".repeat(11) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { extras: { detailMsg: string } }).extras.detailMsg).toContain("10");
    expect((await upload(base, token, { name: "가".repeat(10) })).status).toBe(200);
    await resetFacts(base);
    expect((await upload(base, token, { name: "a".repeat(50) })).status).toBe(200);
  });

  it("dateUtcOffsetHours", async () => {
    const kst = await create("kst");
    expect(kst.createdDate).toBe("2026-01-02T12:04:05");
    await setFacts(base, { dateUtcOffsetHours: 0 });
    const utc = await create("utc");
    expect(utc.createdDate).toBe("2026-01-02T03:04:05");
    const [k] = (await (await api("/customerFiles")).json()) as Array<{ createdDate: string }>;
    expect(k!.createdDate).toBe("2026-01-02T03:04:05"); // formatting happens at answer time
    await setFacts(base, { dateUtcOffsetHours: -5 });
    expect((await create("est")).createdDate).toBe("2026-01-01T22:04:05");
  });

  it("tokenInfoUserIdField", async () => {
    const info = async () => (await (await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    await setFacts(base, { tokenInfoUserIdField: "user_id" });
    const b = await info();
    expect(b.user_id).toBe(EMU.userId);
    expect(b).not.toHaveProperty("token_user_id");
    expect(b.id).not.toBe(EMU.userId);
    await setFacts(base, { tokenInfoUserIdField: "id" });
    expect((await info()).id).toBe(EMU.userId);
  });

  it("adAccountsPageField", async () => {
    await setFacts(base, { adAccountsPageField: "number" });
    const body = (await (await api("/adAccounts/pages", { account: null })).json()) as Record<string, unknown>;
    expect(body.number).toBe(0);
    expect(body).not.toHaveProperty("page");
  });

  it("writeIntervalMs overrides the rateLimitMs option", async () => {
    await setFacts(base, { writeIntervalMs: 5000 });
    expect((await upload(base, token, { name: "w1" })).status).toBe(200);
    const limited = await upload(base, token, { name: "w2" });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: -813 });
    clock += 5000;
    expect((await upload(base, token, { name: "w2" })).status).toBe(200);
    await setFacts(base, { writeIntervalMs: null });
    expect((await upload(base, token, { name: "w3" })).status).toBe(200);
  });

  it("start values from the facts option and EMULATOR_FACTS; reset returns to them", async () => {
    expect(optionsFromEnv({ EMULATOR_FACTS: '{"uploadFilePart":"files","editCall":null}' })).toMatchObject({ facts: { uploadFilePart: "files", editCall: null } });
    for (const bad of ["not json", '{"nope":1}', '{"maxFileNameChars":"x"}']) {
      expect(optionsFromEnv({ EMULATOR_FACTS: bad })).toEqual({ error: expect.stringContaining("EMULATOR_FACTS") });
    }
    await expect(startEmulator({ port: 0, dataDir, facts: { nope: 1 } as never })).rejects.toThrow(/facts/);
    const dir = await mkdtemp(path.join(tmpdir(), "emu-facts-"));
    const e = await startEmulator({ port: 0, dataDir: dir, rateLimitMs: 0, facts: { adAccountsPageField: "number", maxFileNameChars: 20 } });
    try {
      const get = async () => (await (await fetch(new URL("/__emulator/facts", e.url))).json()) as Record<string, unknown>;
      expect(await get()).toMatchObject({ adAccountsPageField: "number", maxFileNameChars: 20, uploadNamePart: "name" });
      await setFacts(e.url, { maxFileNameChars: 30 });
      await control(e.url, "/__emulator/reset");
      expect(await get()).toMatchObject({ adAccountsPageField: "number", maxFileNameChars: 20 });
    } finally {
      await e.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
