import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./server";
import {
  EMU,
  authorizeLikeBrowser,
  authorizeUrl,
  control,
  emulatorState,
  exchangeParams,
  hiddenRequestId,
  obtainToken,
  pkcePair,
  sha256,
  tokenRequest,
} from "./testing";

let emu: RunningEmulator;
let base: string;
let dataDir: string;
let clockOffset = 0;
const EXTRA_REDIRECT = "http://127.0.0.1:4555/cb";

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "emu-oauth-"));
  emu = await startEmulator({
    port: 0,
    dataDir,
    rateLimitMs: 0,
    redirectUris: [EXTRA_REDIRECT],
    now: () => Date.now() + clockOffset,
  });
  base = emu.url;
});

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const form = (o: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(o).toString(),
  redirect: "manual" as const,
});

async function codeFor(flow: "business" | "login", extra: Parameters<typeof authorizeLikeBrowser>[1] = {}) {
  const back = await authorizeLikeBrowser(base, { flow, ...extra });
  return back.searchParams.get("code")!;
}

describe("login and consent pages", () => {
  it("shows an accessible login page, then a consent page listing the scopes", async () => {
    const page = await fetch(authorizeUrl(base, { scope: "moment_management,moment_create" }), { redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain('<label for="email">');
    expect(html).toContain('name="email"');
    expect(html).toContain('<label for="password">');
    expect(html).toContain('name="password"');
    expect(html).toMatch(/<button[^>]*>Log In<\/button>/);

    const login = await fetch(new URL("/oauth/login", base), form({ request: hiddenRequestId(html), ...EMU.user }));
    expect(login.status).toBe(303);
    const consent = await fetch(new URL(login.headers.get("location")!, base));
    const chtml = await consent.text();
    expect(chtml).toContain("moment_management");
    expect(chtml).toContain("moment_create");
    expect(chtml).not.toContain("moment_delete");
    expect(chtml).toMatch(/<button[^>]*>Agree<\/button>/);
    expect(chtml).toMatch(/<button[^>]*>Cancel<\/button>/);
  });

  it("re-shows the login page with an error on a wrong password, escaping what it echoes", async () => {
    const page = await fetch(authorizeUrl(base), { redirect: "manual" });
    const id = hiddenRequestId(await page.text());
    const res = await fetch(new URL("/oauth/login", base), form({ request: id, email: '"><script>x</script>', password: "nope" }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Incorrect e-mail or password");
    expect(html).not.toContain("<script>x");
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("rejects an unknown client_id and an unregistered redirect_uri without redirecting", async () => {
    const badClient = await fetch(authorizeUrl(base, { clientId: "nope" }), { redirect: "manual" });
    expect(badClient.status).toBe(400);
    expect(badClient.headers.get("location")).toBeNull();
    expect(await badClient.text()).toContain("KOE101");

    // Business Authentication: its own redirect list, KOE028.
    const badRedirect = await fetch(authorizeUrl(base, { redirectUri: "http://evil.example/cb" }), { redirect: "manual" });
    expect(badRedirect.status).toBe(400);
    expect(badRedirect.headers.get("location")).toBeNull();
    const page = await badRedirect.text();
    expect(page).toContain("KOE028");
    expect(page).not.toContain("KOE006");

    // Kakao Login keeps KOE006.
    const badLogin = await fetch(authorizeUrl(base, { flow: "login", redirectUri: "http://evil.example/cb" }), { redirect: "manual" });
    expect(badLogin.status).toBe(400);
    expect(badLogin.headers.get("location")).toBeNull();
    expect(await badLogin.text()).toContain("KOE006");
  });

  it("redirects with access_denied and the state when the user cancels", async () => {
    const back = await authorizeLikeBrowser(base, { decision: "cancel", state: "s-cancel" });
    expect(back.origin + back.pathname).toBe(EMU.redirectUri);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toBeTruthy();
    expect(back.searchParams.get("state")).toBe("s-cancel");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("redirects invalid_scope for scopes the app does not have", async () => {
    const res = await fetch(authorizeUrl(base, { scope: "moment_management,talk_message" }), { redirect: "manual" });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get("location")!);
    expect(loc.searchParams.get("error")).toBe("invalid_scope");
  });

  it("accepts redirect URIs added by the redirectUris option", async () => {
    const back = await authorizeLikeBrowser(base, { redirectUri: EXTRA_REDIRECT });
    expect(back.toString().startsWith(`${EXTRA_REDIRECT}?`)).toBe(true);
    const res = await tokenRequest(base, "business", exchangeParams(back.searchParams.get("code")!, { redirect_uri: EXTRA_REDIRECT }));
    expect(res.status).toBe(200);
  });
});

describe("Business Authentication tokens", () => {
  it("issues a long-lived token without refresh token; tokeninfo describes it; state hashes it", async () => {
    const back = await authorizeLikeBrowser(base, { state: "xyz" });
    expect(back.searchParams.get("state")).toBe("xyz");
    const res = await tokenRequest(base, "business", exchangeParams(back.searchParams.get("code")!));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token_type).toBe("bearer");
    expect(typeof body.access_token).toBe("string");
    expect(body.scope).toBe("moment_management moment_create moment_delete");
    expect(body).not.toHaveProperty("refresh_token");
    expect(body).not.toHaveProperty("expires_in");

    const info = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(info.status).toBe(200);
    const ti = (await info.json()) as Record<string, unknown>;
    expect(ti).toEqual({
      id: expect.any(Number),
      token_user_id: 3000001,
      app_id: 1000001,
      expires_in: null,
      scopes: ["moment_management", "moment_create", "moment_delete"],
      biz_agreements: [{ scope_group: "MOMENT", ad_account_ids: [27429, 615466] }],
      kakao_account: { email: "moment@example.com" },
    });
    // The token id is not the user id (a client reading `id` as the user gets a wrong value).
    expect(ti.id).not.toBe(ti.token_user_id);
    expect(ti.token_user_id).toBe(EMU.userId);

    const st = await emulatorState(base);
    const t = st.tokens.find((x) => x.sha256 === sha256(String(body.access_token)));
    expect(t).toMatchObject({ tokenId: ti.id, kind: "access", flow: "business", revoked: false, expiresAt: null, resourceIds: ["moment:*"], user: { email: "moment@example.com" } });
    expect(JSON.stringify(st)).not.toContain(String(body.access_token));
  });

  it("never expires a business token with time", async () => {
    const { access_token } = await obtainToken(base);
    clockOffset += 400 * 24 * 3600 * 1000;
    try {
      const info = await fetch(new URL("/v1/business/tokeninfo", base), { headers: { authorization: `Bearer ${access_token}` } });
      expect(info.status).toBe(200);
    } finally {
      clockOffset -= 400 * 24 * 3600 * 1000;
    }
  });

  it("answers token errors in Kakao's shape", async () => {
    const code = await codeFor("business");
    const cases: Array<[Record<string, string>, number, string, string]> = [
      [{ client_secret: "wrong" }, 401, "invalid_client", "KOE010"],
      [{ client_secret: EMU.clientSecret }, 401, "invalid_client", "KOE010"], // the Kakao Login secret
      [{ client_id: "unknown" }, 401, "invalid_client", "KOE101"],
      [{ redirect_uri: "http://evil.example/cb" }, 400, "invalid_grant", "KOE028"],
      [{ redirect_uri: EXTRA_REDIRECT }, 400, "invalid_grant", "KOE303"],
      [{ code: "made-up" }, 400, "invalid_grant", "KOE320"],
      [{ grant_type: "password" }, 400, "unsupported_grant_type", "KOE004"],
    ];
    for (const [override, status, error, errorCode] of cases) {
      const res = await tokenRequest(base, "business", { ...exchangeParams(code), ...override });
      expect(res.status, JSON.stringify(override)).toBe(status);
      const body = (await res.json()) as Record<string, string>;
      expect(body).toMatchObject({ error, error_code: errorCode });
      expect(typeof body.error_description).toBe("string");
    }
    // None of the failures consumed the code.
    expect((await tokenRequest(base, "business", exchangeParams(code))).status).toBe(200);
  });

  it("refuses a replayed code (KOE320)", async () => {
    const code = await codeFor("business");
    expect((await tokenRequest(base, "business", exchangeParams(code))).status).toBe(200);
    const again = await tokenRequest(base, "business", exchangeParams(code));
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE320" });
  });

  it("refuses an expired code (5 minutes)", async () => {
    const code = await codeFor("business");
    clockOffset += 301_000;
    try {
      const res = await tokenRequest(base, "business", exchangeParams(code));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE320", error_description: "authorization code expired" });
    } finally {
      clockOffset -= 301_000;
    }
  });

  it("does not accept a business code at the Kakao Login token endpoint, nor refresh_token grants", async () => {
    const code = await codeFor("business");
    const res = await tokenRequest(base, "login", exchangeParams(code, {}, "login"));
    expect(await res.json()).toMatchObject({ error_code: "KOE320" });
    const refresh = await tokenRequest(base, "business", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: EMU.businessClientSecret, refresh_token: "x" });
    expect(await refresh.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("requires a form-encoded token request", async () => {
    const res = await fetch(new URL("/oauth/business/token", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(exchangeParams("x")),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("PKCE", () => {
  for (const flow of ["business", "login"] as const) {
    it(`checks code_verifier against an S256 code_challenge (${flow})`, async () => {
      const { verifier, challenge } = pkcePair();
      const opts = { codeChallenge: challenge, codeChallengeMethod: "S256" };
      const missing = await tokenRequest(base, flow, exchangeParams(await codeFor(flow, opts), {}, flow));
      expect(await missing.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE320" });
      const wrong = await tokenRequest(base, flow, exchangeParams(await codeFor(flow, opts), { code_verifier: pkcePair().verifier }, flow));
      expect(await wrong.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE320" });
      const ok = await tokenRequest(base, flow, exchangeParams(await codeFor(flow, opts), { code_verifier: verifier }, flow));
      expect(ok.status).toBe(200);
    });
  }

  it("rejects an unknown code_challenge_method at authorize", async () => {
    const res = await fetch(authorizeUrl(base, { codeChallenge: pkcePair().challenge, codeChallengeMethod: "S512" }), { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });
});

describe("Kakao Login tokens", () => {
  it("issues access + refresh tokens with lifetimes; the access token expires; refresh keeps the refresh token", async () => {
    const t = await obtainToken(base, { flow: "login" });
    expect(t.expires_in).toBe(21599);
    expect(typeof t.refresh_token).toBe("string");
    expect(t.refresh_token_expires_in).toBe(5183999);
    const info = () => fetch(new URL("/v1/user/access_token_info", base), { headers: { authorization: `Bearer ${t.access_token}` } });
    const ok = await info();
    expect(await ok.json()).toMatchObject({ id: 3000001, app_id: 1000001 });

    clockOffset += 21_600_000;
    try {
      const expired = await info();
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ code: -401 });
      const r = await tokenRequest(base, "login", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: EMU.clientSecret, refresh_token: t.refresh_token! });
      expect(r.status).toBe(200);
      const body = (await r.json()) as Record<string, unknown>;
      expect(body.expires_in).toBe(21599);
      expect(body).not.toHaveProperty("refresh_token"); // more than a month left: no rotation
      const again = await fetch(new URL("/v1/user/access_token_info", base), { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(again.status).toBe(200);
    } finally {
      clockOffset -= 21_600_000;
    }
  });

  it("answers KOE322 for an unknown, expired or revoked refresh token", async () => {
    const t = await obtainToken(base, { flow: "login" });
    const refresh = (rt: string) =>
      tokenRequest(base, "login", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: EMU.clientSecret, refresh_token: rt });
    expect(await (await refresh("garbage")).json()).toMatchObject({ error: "invalid_grant", error_code: "KOE322" });
    expect(await (await refresh(t.access_token)).json()).toMatchObject({ error_code: "KOE322" });
    expect((await control(base, "/__emulator/tokens/expire", { refreshTokenSha256: sha256(t.refresh_token!) })).status).toBe(200);
    const r = await refresh(t.refresh_token!);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: "invalid_grant", error_code: "KOE322" });

    const t2 = await obtainToken(base, { flow: "login" });
    await control(base, "/__emulator/tokens/revoke", { token: t2.refresh_token });
    expect(await (await refresh(t2.refresh_token!)).json()).toMatchObject({ error_code: "KOE322" });
  });
});

describe("refresh-token rotation", () => {
  it("returns a new refresh token when the old one has under a month left; the old one then fails", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "emu-rot-"));
    const short = await startEmulator({ port: 0, dataDir: dir, refreshTokenTtlSec: 1000, accessTokenTtlSec: 60 });
    try {
      const t = await obtainToken(short.url, { flow: "login" });
      expect(t.expires_in).toBe(60);
      expect(t.refresh_token_expires_in).toBe(1000);
      const refresh = (rt: string) =>
        tokenRequest(short.url, "login", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: EMU.clientSecret, refresh_token: rt });
      const r = await refresh(t.refresh_token!);
      const body = (await r.json()) as Record<string, unknown>;
      expect(typeof body.refresh_token).toBe("string");
      expect(body.refresh_token).not.toBe(t.refresh_token);
      expect(body.refresh_token_expires_in).toBe(1000);
      expect(await (await refresh(t.refresh_token!)).json()).toMatchObject({ error_code: "KOE322" });
      expect((await refresh(String(body.refresh_token))).status).toBe(200);
      const wrongSecret = await tokenRequest(short.url, "login", { grant_type: "refresh_token", client_id: EMU.clientId, client_secret: "x", refresh_token: "y" });
      expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client", error_code: "KOE010" });
    } finally {
      await short.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
