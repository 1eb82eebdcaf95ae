import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { control, emulatorState, sha256 } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import { resetEnvCache } from "@/lib/env";
import type { SessionUser } from "@/lib/auth/access";
import { ConnectError, completeConnection, completeReconnect, getPending, handleCallback } from "@/lib/authentications/connect";
import { deleteAuthentication, getAuthenticationFor, listAuthentications, renameAuthentication } from "@/lib/authentications/authentications";
import { completeConnectionSchema } from "@/lib/authentications/schemas";
import { ReconnectNeeded, withAccessToken } from "@/lib/authentications/token-lifecycle";
import { listAdAccounts } from "@/lib/kakao/account";
import { connectUpToContinue, kakaoRoundTrip, startKakao, twoMarketers } from "@/lib/authentications/test-support";

let kakao: Awaited<ReturnType<typeof startKakao>>;
let a: SessionUser;
let b: SessionUser;
let clock = Date.now();

beforeAll(async () => {
  kakao = await startKakao("business", { now: () => clock });
});
afterAll(() => kakao.close());
beforeEach(async () => {
  clock = Date.now();
  ({ a, b } = await twoMarketers());
  await control(kakao.url, "/__emulator/faults", undefined, "DELETE");
});

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
    const { rows } = await client.query("select access_token_sealed, refresh_token_sealed from authentications where id = $1", [created.id]);
    await client.end();
    const stored = rows[0].access_token_sealed as string;
    const token = open(stored);
    expect(stored).not.toContain(token);
    expect(rows[0].refresh_token_sealed).toBeNull(); // Business Authentication has no refresh token
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
    process.env.KAKAO_CLIENT_SECRET = "wrong-secret";
    resetEnvCache();
    try {
      await expectFailure(handleCallback(a, params, browserValue), "client_rejected");
    } finally {
      process.env.KAKAO_CLIENT_SECRET = "emulator-client-secret";
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
