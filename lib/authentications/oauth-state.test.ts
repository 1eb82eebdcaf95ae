/**
 * The OAuth `state` beyond connect.test.ts (missing, unknown, reused, another user, another
 * browser): an expired state is refused; two callbacks racing with one state yield exactly one
 * connection; a state refused for the wrong session is spent, so it cannot be retried by its owner
 * after it leaked; and the browser binding cookie is HttpOnly, SameSite=Lax, scoped to the callback.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { sha256 } from "@/emulator/testing";
import type { SessionUser } from "@/lib/auth/access";
import { ConnectError, handleCallback } from "@/lib/authentications/connect";
import { PUBLIC_URL, kakaoRoundTrip, startKakao, twoMarketers } from "@/lib/authentications/test-support";
import { GET as connectRoute } from "@/app/api/integrations/kakao/connect/route";

// The connect route's session (next-auth needs Next's request scope; the rest is real).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null), clientAddress: () => "local" }));

let kakao: Awaited<ReturnType<typeof startKakao>>;
let a: SessionUser;
let b: SessionUser;

beforeAll(async () => {
  kakao = await startKakao();
});
afterAll(() => kakao.close());
beforeEach(async () => {
  ({ a, b } = await twoMarketers());
  session.userId = a.id;
});

async function reason(promise: Promise<unknown>): Promise<string | null> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (error === null) return null;
  expect(error).toBeInstanceOf(ConnectError);
  return (error as ConnectError).reason;
}

describe("OAuth state", () => {
  it("an expired state is refused, nothing saved", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    await db.oAuthState.update({ where: { id: sha256(params.state!) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await reason(handleCallback(a, params, browserValue))).toBe("state_invalid");
    expect(await db.pendingAuthentication.count()).toBe(0);
  });

  it("two callbacks racing with the same state: exactly one gets it", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => reason(handleCallback(a, params, browserValue))));
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    expect(outcomes.filter((o) => o === "state_invalid")).toHaveLength(4);
    expect(await db.pendingAuthentication.count()).toBe(1);
  });

  it("a state presented by another session is spent: its owner cannot use it afterwards either", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    expect(await reason(handleCallback(b, params, browserValue))).toBe("state_invalid");
    expect(await reason(handleCallback(a, params, browserValue))).toBe("state_invalid");
    expect(await db.pendingAuthentication.count()).toBe(0);
  });

  it("the state is stored only as a hash, bound to the user and a browser value stored as a hash", async () => {
    const { params, browserValue } = await kakaoRoundTrip(a);
    const row = await db.oAuthState.findUniqueOrThrow({ where: { id: sha256(params.state!) } });
    expect(row.userId).toBe(a.id);
    expect(row.browserBinding).toBe(sha256(browserValue));
    expect(JSON.stringify(row)).not.toContain(params.state!);
    expect(JSON.stringify(row)).not.toContain(browserValue);
  });

  it("Click here sets the browser binding cookie HttpOnly, SameSite=Lax, only for the callback path; Secure behind TLS", async () => {
    const context = { params: Promise.resolve({}) };
    const plain = await connectRoute(new Request(`${PUBLIC_URL}/api/integrations/kakao/connect`), context);
    expect(plain.status).toBe(303);
    const cookie = plain.headers.get("set-cookie")!;
    expect(cookie).toMatch(/; Path=\/api\/integrations\/kakao;/);
    expect(cookie).toMatch(/; HttpOnly;/);
    expect(cookie).toMatch(/; SameSite=Lax;/);
    expect(cookie).not.toMatch(/Secure/);
    process.env.PUBLIC_URL = "https://hub.example.com";
    resetEnvCache();
    try {
      const tls = await connectRoute(new Request("https://hub.example.com/api/integrations/kakao/connect"), context);
      expect(tls.headers.get("set-cookie")).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
    } finally {
      process.env.PUBLIC_URL = PUBLIC_URL;
      resetEnvCache();
    }
  });
});
