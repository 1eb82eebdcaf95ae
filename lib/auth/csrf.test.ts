/**
 * CSRF: route handlers built with defineRoute refuse a cookie-authenticated POST/PUT/PATCH/DELETE
 * from another site (Origin, else Sec-Fetch-Site), and still serve same-origin requests, safe
 * methods, non-browser clients and API-key requests from anywhere. The session is faked (next-auth
 * needs Next's request scope); the user, the API key and the guard are real.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createUser } from "@/lib/users/users";
import { createApiKey } from "@/lib/api-keys/keys";
import { resetAppTables } from "@/test/db";
import { crossSiteRefusal } from "@/lib/auth/csrf";
import { defineRoute } from "@/lib/auth/guard";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/config", () => ({
  auth: async () => (session.userId ? { user: { id: session.userId } } : null),
  clientAddress: () => "local",
}));

const SITE = "http://127.0.0.1:3999";
let key: string;

beforeAll(() => {
  process.env.PUBLIC_URL = SITE;
  resetEnvCache();
});

const changeSomething = defineRoute({}, async (_request, user) => Response.json({ changedBy: user.email }));
const context = { params: Promise.resolve({}) };

function request(method: string, headers: Record<string, string>, url = `${SITE}/api/something`) {
  return new Request(url, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : "{}" });
}

describe("crossSiteRefusal", () => {
  it.each([
    ["POST", { origin: SITE }, null],
    ["POST", { origin: "https://evil.example" }, /origin https:\/\/evil\.example/],
    ["POST", { origin: "null" }, /origin null/],
    ["DELETE", { origin: "http://127.0.0.1:4000" }, /Cross-site/],
    ["PUT", { "sec-fetch-site": "cross-site" }, /cross-site page/],
    ["PATCH", { "sec-fetch-site": "same-site" }, /same-site page/],
    ["POST", { "sec-fetch-site": "same-origin" }, null],
    ["POST", { "sec-fetch-site": "none" }, null],
    ["POST", {}, null],
    ["GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, null],
  ] as const)("%s with %j", (method, headers, expected) => {
    const refusal = crossSiteRefusal(request(method, headers));
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });

  it("accepts the origin a proxy forwarded the request for, and the request URL's own", () => {
    expect(crossSiteRefusal(request("POST", { origin: "https://hub.example.com", "x-forwarded-host": "hub.example.com", "x-forwarded-proto": "https" }, "http://10.0.0.5:3000/api/x"))).toBeNull();
    expect(crossSiteRefusal(request("POST", { origin: "http://10.0.0.5:3000" }, "http://10.0.0.5:3000/api/x"))).toBeNull();
    expect(crossSiteRefusal(request("POST", { origin: "https://evil.example", "x-forwarded-host": "hub.example.com" }, "http://10.0.0.5:3000/api/x"))).toMatch(/evil/);
  });
});

describe("defineRoute", () => {
  beforeEach(async () => {
    await resetAppTables();
    const user = await createUser({ email: "csrf@example.com", name: null, role: "marketer", password: "password-1" });
    session.userId = user.id;
    ({ key } = await createApiKey(user, { name: "csrf" }));
  });

  it("refuses a cross-site POST riding on the session cookie with 403, before the handler runs", async () => {
    for (const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }] as Record<string, string>[]) {
      const response = await changeSomething(request("POST", headers), context);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: "forbidden", message: expect.stringMatching(/^Cross-site request refused/) });
    }
  });

  it("serves the same request from the site itself, and a GET from anywhere", async () => {
    for (const req of [request("POST", { origin: SITE, "sec-fetch-site": "same-origin" }), request("POST", {}), request("GET", { origin: "https://evil.example" })]) {
      const response = await changeSomething(req, context);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ changedBy: "csrf@example.com" });
    }
  });

  it("API-key requests are not CSRF-able and keep working from any origin", async () => {
    session.userId = null; // no cookie at all: the key alone authenticates
    const response = await changeSomething(request("POST", { authorization: `TD1 ${key}`, origin: "https://tooling.example", "sec-fetch-site": "cross-site" }), context);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ changedBy: "csrf@example.com" });
  });
});
