import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { EMU, control, emulatorState, followAuthorize, forceAuthorizeError, obtainToken, resetFacts, setFacts, sha256 } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import { resetEnvCache } from "@/lib/env";
import type { SessionUser } from "@/lib/auth/access";
import { ConnectError, completeConnection, completeReconnect, getPending, handleCallback, kakaoWordsOf, startConnection } from "@/lib/authentications/connect";
import { seal } from "@/lib/crypto/token-cipher";
import { CALLBACK_PATH } from "@/lib/kakao/config";
import { deleteAuthentication, getAuthenticationFor, listAuthentications, renameAuthentication } from "@/lib/authentications/authentications";
import { completeConnectionSchema } from "@/lib/authentications/schemas";
import { ReconnectNeeded, withAccessToken } from "@/lib/authentications/token-lifecycle";
import { listAdAccounts } from "@/lib/kakao/account";
import { PUBLIC_URL, connectUpToContinue, kakaoRoundTrip, startKakao, twoMarketers } from "@/lib/authentications/test-support";

let kakao: Awaited<ReturnType<typeof startKakao>>;
let a: SessionUser;
let b: SessionUser;
let clock = Date.now();

beforeAll(async () => {
  kakao = await startKakao({ now: () => clock });
});
afterAll(() => kakao.close());
beforeEach(async () => {
  clock = Date.now();
  ({ a, b } = await twoMarketers());
  await control(kakao.url, "/__emulator/faults", undefined, "DELETE");
  await control(kakao.url, "/__emulator/authorize-error", undefined, "DELETE");
  await resetFacts(kakao.url);
});

/** Run `body` with some environment variables set (undefined = unset), then put them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) if (value === undefined) delete process.env[k];
    else process.env[k] = value;
    resetEnvCache();
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

async function expectFailure(promise: Promise<unknown>, reason: string) {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(ConnectError);
  expect((error as ConnectError).reason).toBe(reason);
}

async function nothingSaved() {
  expect(await db.authentication.count()).toBe(0);
  expect(await db.pendingAuthentication.count()).toBe(0);
}

describe("connecting Kakao Moment (Business Authentication, real emulator and PostgreSQL)", () => {
  it("walks Click here → Kakao → Continue → name → Done, storing only sealed tokens", async () => {
    const pendingId = await connectUpToContinue(a);
    const pending = await getPending(a, pendingId);
    expect(pending.kakaoAccountEmail).toBe("moment@example.com");
    expect(pending.adAccounts.map((x) => x.id)).toEqual([27429, 615466]);
    expect(await db.authentication.count()).toBe(0); // nothing is an authentication before Done

    const created = await completeConnection(a, pendingId, "new_kakao_auth");
    expect(created).toMatchObject({ name: "new_kakao_auth", flow: "business", status: "healthy", kakaoAccountEmail: "moment@example.com" });
    expect(await db.pendingAuthentication.count()).toBe(0);

    // The stored bytes are not the token: read the raw column with plain SQL.
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query("select access_token_sealed from authentications where id = $1", [created.id]);
    await client.end();
    const stored = rows[0].access_token_sealed as string;
    const token = open(stored);
    expect(stored).not.toContain(token);
    const state = await emulatorState(kakao.url);
    expect(state.tokens.map((t) => t.sha256)).toContain(sha256(token));
    // The view the browser gets never carries a token.
    expect(JSON.stringify(await listAuthentications(a))).not.toContain(token);
    expect(JSON.stringify(await listAuthentications(a))).not.toContain(stored);
  });

  it("consent cancelled (access_denied): a clear failure, nothing saved", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a, { decision: "cancel" });
    expect(params.error).toBe("access_denied");
    await expectFailure(handleCallback(a, params, browserValue), "access_denied");
    await nothingSaved();
  });

  it("state missing, unknown, reused, from another user or another browser: refused, nothing saved", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    await expectFailure(handleCallback(a, { ...params, state: null }, browserValue), "state_invalid");
    await expectFailure(handleCallback(a, { ...params, state: "made-up-state" }, browserValue), "state_invalid");
    await expectFailure(handleCallback(b, params, browserValue), "state_invalid"); // another user's session
    await nothingSaved();

    const second = await kakaoRoundTrip(a);
    await expectFailure(handleCallback(a, second.params, "another-browser-cookie"), "state_invalid");
    await expectFailure(handleCallback(a, second.params, undefined), "state_invalid");

    const third = await kakaoRoundTrip(a);
    await handleCallback(a, third.params, third.browserValue);
    await expectFailure(handleCallback(a, third.params, third.browserValue), "state_invalid"); // reused
    expect(await db.pendingAuthentication.count()).toBe(1);
    expect(await db.authentication.count()).toBe(0);
  });

  it("a replayed code is refused by Kakao and reported as such", async () => {
    const first = await kakaoRoundTrip(a);
    await handleCallback(a, first.params, first.browserValue);
    const second = await kakaoRoundTrip(a);
    await expectFailure(handleCallback(a, { ...second.params, code: first.params.code }, second.browserValue), "code_rejected");
    expect(await db.authentication.count()).toBe(0);
  });

  it("an expired code (over 5 minutes) is refused", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    clock += 6 * 60_000;
    await expectFailure(handleCallback(a, params, browserValue), "code_rejected");
    await nothingSaved();
  });

  it("token endpoint down (emulator fault): a clear failure, nothing saved", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    await control(kakao.url, "/__emulator/faults", { rate: 1, statuses: [503], paths: ["/oauth/business/token"] });
    await expectFailure(handleCallback(a, params, browserValue), "kakao_unreachable");
    await nothingSaved();
  });

  it("a wrong client secret is reported as rejected app credentials", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    process.env.KAKAO_BUSINESS_CLIENT_SECRET = "wrong-secret";
    resetEnvCache();
    try {
      await expectFailure(handleCallback(a, params, browserValue), "client_rejected");
    } finally {
      process.env.KAKAO_BUSINESS_CLIENT_SECRET = EMU.businessClientSecret;
      resetEnvCache();
    }
    await nothingSaved();
  });

  it("names: empty, too long and duplicate are refused with the field named; the attempt stays usable", async () => {
    const first = await connectUpToContinue(a);
    await completeConnection(a, first, "main");
    const pendingId = await connectUpToContinue(a);
    for (const [name, message] of [
      ["   ", "is required"],
      ["x".repeat(101), "must be at most 100 characters"],
      ["bad\u0007name", "must not contain control characters"],
    ]) {
      const parsed = completeConnectionSchema.safeParse({ pendingId, name });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]).toMatchObject({ path: ["name"], message });
    }
    await expect(completeConnection(a, pendingId, "main")).rejects.toMatchObject({ code: "conflict", fieldErrors: { name: expect.any(String) } });
    expect(await db.authentication.count()).toBe(1);
    expect(await db.pendingAuthentication.count()).toBe(1);
    // The same name is fine for another user.
    const otherPending = await connectUpToContinue(b);
    expect((await completeConnection(b, otherPending, "main")).name).toBe("main");
  });

  it("another marketer cannot see, use, rename or delete it; an admin can see it", async () => {
    const created = await completeConnection(a, await connectUpToContinue(a), "mine");
    await expect(getAuthenticationFor(b, created.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(renameAuthentication(b, created.id, "stolen")).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteAuthentication(b, created.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await listAuthentications(b)).toEqual([]);
    const admin = { ...b, role: "admin" as const };
    expect((await listAuthentications(admin)).map((x) => x.name)).toEqual(["mine"]);
    expect((await renameAuthentication(a, created.id, "renamed")).name).toBe("renamed");
    await deleteAuthentication(a, created.id);
    expect(await db.authentication.count()).toBe(0);
  });

  it("Business flow: a revoked token marks the authentication reconnect needed; Reconnect replaces the token in place", async () => {
    const created = await completeConnection(a, await connectUpToContinue(a), "ads");
    const row = await db.authentication.findUniqueOrThrow({ where: { id: created.id } });
    await control(kakao.url, "/__emulator/tokens/revoke", { token: open(row.accessToken) });

    const error = await withAccessToken(created.id, listAdAccounts).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(ReconnectNeeded);
    expect((await getAuthenticationFor(a, created.id)).status).toBe("reconnect_needed");
    await expect(withAccessToken(created.id, listAdAccounts)).rejects.toBeInstanceOf(ReconnectNeeded);

    // Reconnect with a different Kakao account is refused…
    await expectFailure(connectUpToContinue(a, { reconnectId: created.id, email: "other@example.com" }), "account_mismatch");
    // …with the same account it replaces the token, keeping the id that schedules refer to.
    const pendingId = await connectUpToContinue(a, { reconnectId: created.id });
    await expect(completeConnection(a, pendingId, "x")).rejects.toMatchObject({ code: "invalid_input" });
    const reconnected = await completeReconnect(a, pendingId);
    expect(reconnected).toMatchObject({ id: created.id, name: "ads", status: "healthy" });
    const accounts = await withAccessToken(created.id, listAdAccounts);
    expect(accounts.map((x) => x.id)).toEqual([27429, 615466]);
    expect((await db.authentication.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it("deleting is refused while a schedule exports through it, naming the schedule", async () => {
    const created = await completeConnection(a, await connectUpToContinue(a), "scheduled");
    await db.savedQuery.create({ data: { ownerId: a.id, name: "Nightly", database: "kakao_db", sql: "select adid from customers", exportAuthenticationId: created.id, exportSettings: { ad_account_id: 27429, mode: "register", file_name: "n" }, scheduleCron: "@daily" } });
    await expect(deleteAuthentication(a, created.id)).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining('the schedule of query "Nightly"') });
    expect(await db.authentication.count()).toBe(1);
    await db.savedQuery.updateMany({ data: { scheduleCron: "" } });
    await deleteAuthentication(a, created.id);
    expect(await db.authentication.count()).toBe(0);
  });

  it("another marketer cannot reconnect someone else's authentication", async () => {
    const created = await completeConnection(a, await connectUpToContinue(a), "ads");
    await expect(kakaoRoundTrip(b, { reconnectId: created.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

/** Issue 18: what public evidence says real Kakao does, each point against the strict emulator over HTTP. */
describe("first contact with real Kakao", () => {
  it("1. authorize asks for the three consent items with resource_ids=moment:*; without resource_ids Kakao answers KOE233", async () => {
    const { url } = await startConnection(a);
    const q = new URL(url).searchParams;
    expect(new URL(url).pathname).toBe("/oauth/business/authorize");
    expect(q.get("scope")).toBe("moment_management,moment_create,moment_delete");
    expect(q.get("resource_ids")).toBe("moment:*");
    expect((await followAuthorize(url)).searchParams.get("code")).toMatch(/.+/);

    const { url: second, browserValue } = await startConnection(a);
    const stripped = new URL(second);
    stripped.searchParams.delete("resource_ids");
    const back = await followAuthorize(stripped.toString());
    expect(back.searchParams.get("error_code") ?? back.searchParams.get("error_description")).toMatch(/KOE233/);
    const params = Object.fromEntries(["code", "state", "error", "error_description", "error_code"].map((k) => [k, back.searchParams.get(k)])) as unknown as Parameters<typeof handleCallback>[1];
    const error = (await handleCallback(a, params, browserValue).catch((e) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(await kakaoWordsOf(a, error.attempt)).toMatchObject({ code: "KOE233" });

    // KAKAO_SCOPES / KAKAO_RESOURCE_IDS are what is sent; resource_ids only goes with moment_create.
    await withEnv({ KAKAO_SCOPES: "moment_management,moment_create", KAKAO_RESOURCE_IDS: "moment:27429" }, async () => {
      const sent = new URL((await startConnection(a)).url).searchParams;
      expect([sent.get("scope"), sent.get("resource_ids")]).toEqual(["moment_management,moment_create", "moment:27429"]);
    });
    await withEnv({ KAKAO_SCOPES: "moment_management" }, async () => {
      const only = new URL((await startConnection(a)).url).searchParams;
      expect([only.get("scope"), only.get("resource_ids")]).toEqual(["moment_management", null]);
    });
  });

  it("2. PKCE is off by default (no code_challenge, no verifier stored); KAKAO_PKCE=on sends S256 and still connects", async () => {
    const { url } = await startConnection(a);
    expect(new URL(url).searchParams.has("code_challenge")).toBe(false);
    expect((await db.oAuthState.findMany({ select: { codeVerifier: true } })).map((r) => r.codeVerifier)).toEqual([null]);
    const created = await completeConnection(a, await connectUpToContinue(a), "no_pkce");
    expect(created.status).toBe("healthy");

    await withEnv({ KAKAO_PKCE: "on" }, async () => {
      const on = new URL((await startConnection(b)).url).searchParams;
      expect(on.get("code_challenge_method")).toBe("S256");
      expect(on.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await db.oAuthState.count({ where: { userId: b.id, codeVerifier: { not: null } } })).toBe(1);
      expect((await completeConnection(b, await connectUpToContinue(b), "with_pkce")).status).toBe("healthy");
    });
  });

  it("3. a Kakao Login token gets Moment's 401: the authentication becomes reconnect needed, saying why", async () => {
    const login = await obtainToken(kakao.url, { flow: "login", redirectUri: `${PUBLIC_URL}${CALLBACK_PATH}` });
    const moment = await fetch(`${kakao.url}/openapi/v4/adAccounts/pages?config=ON,OFF&page=0&size=10`, { headers: { authorization: `Bearer ${login.access_token}` } });
    expect(moment.status).toBe(401);
    expect(await moment.json()).toMatchObject({ code: -401, msg: "target biz token is not supplied." });

    const created = await completeConnection(a, await connectUpToContinue(a), "old_login");
    await db.authentication.update({ where: { id: created.id }, data: { flow: "login", accessToken: seal(login.access_token) } });
    await expect(withAccessToken(created.id, listAdAccounts)).rejects.toBeInstanceOf(ReconnectNeeded);
    const after = await getAuthenticationFor(a, created.id);
    expect(after.status).toBe("reconnect_needed");
    expect(after.statusReason).toMatch(/business/i);
    // Reconnect makes it a business authentication again.
    const reconnected = await completeReconnect(a, await connectUpToContinue(a, { reconnectId: created.id }));
    expect(reconnected).toMatchObject({ id: created.id, flow: "business", status: "healthy" });
    await expect(withAccessToken(created.id, listAdAccounts)).resolves.toHaveLength(2);
  });

  it("4. the Business Authentication secret, falling back to KAKAO_CLIENT_SECRET; the Kakao Login secret is refused; an unregistered business redirect URI is KOE028", async () => {
    await withEnv({ KAKAO_BUSINESS_CLIENT_SECRET: undefined, KAKAO_CLIENT_SECRET: EMU.businessClientSecret }, async () => {
      expect((await completeConnection(a, await connectUpToContinue(a), "fallback")).status).toBe("healthy");
    });
    await withEnv({ KAKAO_BUSINESS_CLIENT_SECRET: undefined, KAKAO_CLIENT_SECRET: EMU.clientSecret }, async () => {
      const { params, browserValue } = await kakaoRoundTrip(a);
      await expectFailure(handleCallback(a, params, browserValue), "client_rejected");
    });
    await withEnv({ PUBLIC_URL: "http://127.0.0.1:4999" }, async () => {
      const page = await fetch((await startConnection(a)).url, { redirect: "manual" });
      expect(page.status).toBeGreaterThanOrEqual(400);
      expect(await page.text()).toContain("KOE028");
    });
  });

  it.each(["KOE003", "KOE025", "KOE026", "KOE027", "KOE028", "KOE123", "KOE124", "KOE232", "KOE233"])("5. Kakao sends the user back with %s: its code and words are kept for the failure page", async (code) => {
    await forceAuthorizeError(kakao.url, code, 1);
    const { params, browserValue } = await kakaoRoundTrip(a);
    expect(params.code).toBeNull();
    const error = (await handleCallback(a, params, browserValue).catch((e) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.reason).toBe("kakao_error");
    const words = await kakaoWordsOf(a, error.attempt);
    expect(words?.code).toBe(code);
    expect(words?.description).toBe(params.error_description);
    expect(await kakaoWordsOf(b, error.attempt)).toBeNull(); // another user's attempt says nothing
    await nothingSaved();
  });

  it("5. access_denied (consent cancelled) is kept as such", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a, { decision: "cancel" });
    const error = (await handleCallback(a, params, browserValue).catch((e) => e)) as ConnectError;
    expect(error.reason).toBe("access_denied");
    expect((await kakaoWordsOf(a, error.attempt))?.code).toBe("access_denied");
  });

  it("6. the Kakao user comes from token_user_id, never the token id; without it a reconnect is not refused as another account", async () => {
    const pending = await getPending(a, await connectUpToContinue(a));
    const info = (await (await fetch(`${kakao.url}/v1/business/tokeninfo`, { headers: { authorization: `Bearer ${open((await db.pendingAuthentication.findFirstOrThrow()).accessToken)}` } })).json()) as { id: number; token_user_id: number };
    expect(info.id).not.toBe(info.token_user_id);
    const created = await completeConnection(a, pending.id, "who");
    expect((await db.authentication.findUniqueOrThrow({ where: { id: created.id } })).kakaoUserId).toBe(String(EMU.userId));

    await setFacts(kakao.url, { tokenInfoUserIdField: "user_id" });
    const reconnected = await completeReconnect(a, await connectUpToContinue(a, { reconnectId: created.id, email: "other@example.com" }));
    expect(reconnected.status).toBe("healthy");
    // The known id is kept, so once Kakao names the user again a different account is still caught.
    expect((await db.authentication.findUniqueOrThrow({ where: { id: created.id } })).kakaoUserId).toBe(String(EMU.userId));
    await resetFacts(kakao.url);
    await expectFailure(connectUpToContinue(a, { reconnectId: created.id, email: "other@example.com" }), "account_mismatch");
  });
});
