import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, emulatorState, sha256 } from "@/emulator/testing";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/token-cipher";
import type { SessionUser } from "@/lib/auth/access";
import { completeConnection } from "@/lib/authentications/connect";
import { ReconnectNeeded, withAccessToken } from "@/lib/authentications/token-lifecycle";
import { listAdAccounts } from "@/lib/kakao/account";
import { connectUpToContinue, startKakao, twoMarketers } from "@/lib/authentications/test-support";

// Kakao Login: access tokens live 1 hour here; refresh tokens 20 days, so (being under a month)
// every refresh also rotates the refresh token, as Kakao does near the end of its life.
let kakao: Awaited<ReturnType<typeof startKakao>>;
let a: SessionUser;
let clock = Date.now();

beforeAll(async () => {
  kakao = await startKakao("login", { now: () => clock, accessTokenTtlSec: 3600, refreshTokenTtlSec: 20 * 86400 });
});
afterAll(() => kakao.close());
beforeEach(async () => {
  clock = Date.now();
  ({ a } = await twoMarketers());
});

async function connected() {
  const created = await completeConnection(a, await connectUpToContinue(a), "login-auth");
  return db.authentication.findUniqueOrThrow({ where: { id: created.id } });
}

const tokenCalls = async () => Object.values((await emulatorState(kakao.url)).requests["POST /oauth/token"] ?? {}).reduce((s, n) => s + n, 0);

describe("token lifecycle (Kakao Login flow, real emulator and PostgreSQL)", () => {
  it("stores the refresh token and its expiry at connect time", async () => {
    const row = await connected();
    expect(row.flow).toBe("login");
    expect(row.refreshToken).not.toBeNull();
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it("refreshes shortly before expiry, storing the new access token and the rotated refresh token", async () => {
    const before = await connected();
    const calls = await tokenCalls();
    const fiftySeven = Date.now() + 57 * 60_000; // 3 minutes left: inside the 5-minute margin
    clock = fiftySeven;
    const accounts = await withAccessToken(before.id, listAdAccounts, () => fiftySeven);
    expect(accounts.map((x) => x.id)).toEqual([27429, 615466]);
    const after = await db.authentication.findUniqueOrThrow({ where: { id: before.id } });
    expect(await tokenCalls()).toBe(calls + 1);
    expect(open(after.accessToken)).not.toBe(open(before.accessToken));
    expect(open(after.refreshToken!)).not.toBe(open(before.refreshToken!)); // rotated
    expect(after.tokenVersion).toBe(before.tokenVersion + 1);
    expect(after.status).toBe("healthy");
  });

  it("does not refresh a token with time left", async () => {
    const row = await connected();
    const calls = await tokenCalls();
    await withAccessToken(row.id, listAdAccounts);
    expect(await tokenCalls()).toBe(calls);
  });

  it("on a 401 refreshes and retries once", async () => {
    const row = await connected();
    await control(kakao.url, "/__emulator/tokens/revoke", { accessTokenSha256: sha256(open(row.accessToken)) });
    const accounts = await withAccessToken(row.id, listAdAccounts);
    expect(accounts).toHaveLength(2);
    const after = await db.authentication.findUniqueOrThrow({ where: { id: row.id } });
    expect(open(after.accessToken)).not.toBe(open(row.accessToken));
  });

  it("concurrent callers needing a refresh cause exactly one refresh", async () => {
    const row = await connected();
    await control(kakao.url, "/__emulator/tokens/expire", { accessTokenSha256: sha256(open(row.accessToken)) });
    const calls = await tokenCalls();
    const results = await Promise.all(Array.from({ length: 6 }, () => withAccessToken(row.id, listAdAccounts)));
    expect(results.every((r) => r.length === 2)).toBe(true);
    expect(await tokenCalls()).toBe(calls + 1);
  });

  it("invalid_grant (KOE322) on refresh marks the authentication reconnect needed", async () => {
    const row = await connected();
    await control(kakao.url, "/__emulator/tokens/expire", { refreshTokenSha256: sha256(open(row.refreshToken!)) });
    await control(kakao.url, "/__emulator/tokens/expire", { accessTokenSha256: sha256(open(row.accessToken)) });
    const error = await withAccessToken(row.id, listAdAccounts).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(ReconnectNeeded);
    expect((error as ReconnectNeeded).message).toContain("login-auth");
    const after = await db.authentication.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("reconnect_needed");
    expect(after.statusReason).toMatch(/refresh token/);
    // Later callers are refused at once, without calling Kakao.
    const calls = await tokenCalls();
    await expect(withAccessToken(row.id, listAdAccounts)).rejects.toBeInstanceOf(ReconnectNeeded);
    expect(await tokenCalls()).toBe(calls);
  });
});
