import { beforeEach, describe, expect, it } from "vitest";
import { checkCredentials, FREE_FAILURES, waitSeconds } from "@/lib/auth/sign-in";
import { createUser, setDisabled, ensureAdmin } from "@/lib/users/users";
import { resetAppTables } from "@/test/db";
import { db } from "@/lib/db";

describe("checkCredentials (real PostgreSQL)", () => {
  beforeEach(async () => {
    await resetAppTables();
    await createUser({ email: "mia@example.com", name: "Mia", role: "marketer", password: "correct-horse" });
  });

  it("accepts the right password, case-insensitive e-mail", async () => {
    const outcome = await checkCredentials("MIA@example.com", "correct-horse", "10.0.0.1");
    expect(outcome).toMatchObject({ ok: true, user: { email: "mia@example.com", role: "marketer" } });
  });

  it("rejects a wrong password and an unknown e-mail the same way", async () => {
    expect(await checkCredentials("mia@example.com", "wrong", "10.0.0.1")).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials("nobody@example.com", "wrong", "10.0.0.1")).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a disabled user even with the right password", async () => {
    const admin = await ensureAdmin("root@example.com", "admin-pass-123");
    expect(admin.created).toBe(true);
    const mia = await db.user.findUniqueOrThrow({ where: { email: "mia@example.com" } });
    const rootUser = await db.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    await setDisabled(rootUser.id, mia.id, true);
    expect(await checkCredentials("mia@example.com", "correct-horse", "10.0.0.1")).toEqual({ ok: false, reason: "invalid" });
  });

  it("slows an address after five failures in a row, even for the right password, and not other addresses", async () => {
    const t0 = new Date("2026-01-01T00:00:00Z");
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await checkCredentials("mia@example.com", `bad-${i}`, "10.0.0.9", t0)).ok).toBe(false);
    }
    const throttled = await checkCredentials("mia@example.com", "correct-horse", "10.0.0.9", new Date(t0.getTime() + 1000));
    expect(throttled).toMatchObject({ ok: false, reason: "throttled", retryAfterSeconds: 4 });
    expect((await checkCredentials("mia@example.com", "correct-horse", "10.0.0.10", t0)).ok).toBe(true);
    // After the wait the right password works again and clears the count.
    const later = new Date(t0.getTime() + 5_000);
    expect((await checkCredentials("mia@example.com", "correct-horse", "10.0.0.9", later)).ok).toBe(true);
    expect(await db.signInAttempt.count()).toBe(0);
  });

  it("grows the wait with each further failure, capped", () => {
    expect([4, 5, 6, 7, 20].map(waitSeconds)).toEqual([0, 5, 10, 20, 300]);
  });
});
