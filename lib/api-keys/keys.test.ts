import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { resetAppTables } from "@/test/db";
import { createUser, ensureAdmin } from "@/lib/users/users";
import type { SessionUser } from "@/lib/auth/access";
import { authenticateApiKey, createApiKey, ensureSeedApiKey, hashKey, keyFromAuthorization, listApiKeys, RateLimited, revokeApiKey } from "@/lib/api-keys/keys";

let a: SessionUser;
let b: SessionUser;
let admin: SessionUser;

beforeEach(async () => {
  await resetAppTables();
  a = await createUser({ email: "a@example.com", name: "A", role: "marketer", password: "password-a" });
  b = await createUser({ email: "b@example.com", name: "B", role: "marketer", password: "password-b" });
  admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password-c" });
});
afterEach(() => {
  delete process.env.API_RATE_LIMIT;
  resetEnvCache();
});

describe("API keys", () => {
  it("are shown once and stored only as their SHA-256", async () => {
    const { key, apiKey } = await createApiKey(a, { name: "  laptop  " });
    expect(key).toMatch(/^kmh_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: "laptop", prefix: key.slice(0, 10), lastUsedAt: null, revokedAt: null });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.keyHash).toBe(hashKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    const audit = await db.auditLog.findMany({ where: { action: "api_key.create" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(key);
    await expect(createApiKey(a, { name: "" })).rejects.toMatchObject({ code: "invalid_input", message: "name: is required" });
  });

  it("authenticate as their user, stamp last use, and stop at once when revoked", async () => {
    const { key, apiKey } = await createApiKey(a, { name: "ci" });
    expect(await authenticateApiKey(key)).toEqual({ id: a.id, email: "a@example.com", name: "A", role: "marketer" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();
    await expect(authenticateApiKey(`${key}x`)).rejects.toMatchObject({ code: "unauthenticated" });
    await revokeApiKey(a, apiKey.id);
    await expect(authenticateApiKey(key)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("are the owner's to list and revoke; admins see and revoke anyone's; others get not_found", async () => {
    const { apiKey } = await createApiKey(a, { name: "a-key" });
    await createApiKey(b, { name: "b-key" });
    expect((await listApiKeys(a)).map((k) => k.name)).toEqual(["a-key"]);
    expect((await listApiKeys(admin)).map((k) => k.name).sort()).toEqual(["a-key", "b-key"]);
    await expect(revokeApiKey(b, apiKey.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(b, 99999)).rejects.toMatchObject({ code: "not_found" });
    const revoked = await revokeApiKey(admin, apiKey.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).revokedById).toBe(admin.id);
    expect(await db.auditLog.count({ where: { action: "api_key.revoke", actorId: admin.id } })).toBe(1);
  });

  it("rate-limit per key in a shared window", async () => {
    process.env.API_RATE_LIMIT = "2";
    resetEnvCache();
    const one = await createApiKey(a, { name: "one" });
    const two = await createApiKey(a, { name: "two" });
    await authenticateApiKey(one.key);
    await authenticateApiKey(one.key);
    const error = await authenticateApiKey(one.key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((error as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(authenticateApiKey(two.key)).resolves.toMatchObject({ id: a.id });
    // A new window starts once the old one has passed.
    await db.apiKey.update({ where: { id: one.apiKey.id }, data: { rateWindowStart: new Date(Date.now() - 61_000) } });
    await expect(authenticateApiKey(one.key)).resolves.toMatchObject({ id: a.id });
  });

  it("SEED_API_KEY becomes the admin's key, idempotently, active again if it was revoked", async () => {
    await resetAppTables();
    await ensureAdmin("root@example.com", "password-root");
    const seed = "seed-key-for-automation-0123456789";
    await ensureSeedApiKey("root@example.com", seed);
    await ensureSeedApiKey("root@example.com", seed);
    const rows = await db.apiKey.findMany();
    expect(rows).toHaveLength(1);
    expect(await authenticateApiKey(seed)).toMatchObject({ email: "root@example.com", role: "admin" });
    await db.apiKey.update({ where: { id: rows[0]!.id }, data: { revokedAt: new Date() } });
    await ensureSeedApiKey("root@example.com", seed);
    await expect(authenticateApiKey(seed)).resolves.toMatchObject({ email: "root@example.com" });
  });

  it("reads TD1 authorization headers only", () => {
    expect(keyFromAuthorization("TD1 abc/def")).toBe("abc/def");
    expect(keyFromAuthorization("td1   abc ")).toBe("abc");
    expect(keyFromAuthorization("Bearer abc")).toBeNull();
    expect(keyFromAuthorization("TD1")).toBeNull();
    expect(keyFromAuthorization(null)).toBeNull();
  });
});

describe("SEED_API_KEY configuration", () => {
  it("is validated without ever echoing the value", async () => {
    const { parseEnv } = await import("@/lib/env");
    expect(() => parseEnv({ SEED_API_KEY: "short secret" })).toThrow(/^Invalid configuration: SEED_API_KEY must be 20-200 printable characters without spaces$/);
    expect(parseEnv({ SEED_API_KEY: "a-long-enough-automation-key-42" }).SEED_API_KEY).toBe("a-long-enough-automation-key-42");
  });
});
