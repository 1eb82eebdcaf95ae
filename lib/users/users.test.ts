import { beforeEach, describe, expect, it } from "vitest";
import { changeRole, createUser, ensureAdmin, listUsers, setDisabled } from "@/lib/users/users";
import { createUserSchema } from "@/lib/users/schemas";
import { verifyPassword } from "@/lib/auth/password";
import { resetAppTables } from "@/test/db";
import { db } from "@/lib/db";

describe("users (real PostgreSQL)", () => {
  beforeEach(resetAppTables);

  it("seeds the admin once: a generated password is returned only on creation and stored hashed", async () => {
    const first = await ensureAdmin("admin@example.com", undefined);
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const stored = await db.user.findUniqueOrThrow({ where: { email: "admin@example.com" } });
    expect(stored.passwordHash).not.toContain(first.generatedPassword!);
    expect(await verifyPassword(first.generatedPassword!, stored.passwordHash)).toBe(true);
    expect(stored.role).toBe("admin");
    expect(await ensureAdmin("admin@example.com", undefined)).toEqual({ created: false });
  });

  it("uses ADMIN_PASSWORD when given and does not echo it back", async () => {
    const result = await ensureAdmin("admin@example.com", "given-password");
    expect(result).toEqual({ created: true, generatedPassword: undefined });
  });

  it("refuses a duplicate e-mail with a field error", async () => {
    await createUser({ email: "a@example.com", name: null, role: "marketer", password: "password1" });
    await expect(createUser({ email: "a@example.com", name: null, role: "admin", password: "password2" })).rejects.toMatchObject({
      code: "conflict",
      fieldErrors: { email: "is already in use" },
    });
    expect(await listUsers()).toHaveLength(1);
  });

  it("keeps at least one active admin", async () => {
    await ensureAdmin("admin@example.com", "admin-pass-1");
    const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@example.com" } });
    const other = await createUser({ email: "b@example.com", name: null, role: "marketer", password: "password1" });
    await expect(changeRole(other.id, admin.id, "marketer")).rejects.toMatchObject({ code: "conflict" });
    await expect(setDisabled(other.id, admin.id, true)).rejects.toMatchObject({ code: "conflict" });
    await expect(setDisabled(admin.id, admin.id, true)).rejects.toMatchObject({ message: "You cannot disable your own account" });
    expect((await changeRole(admin.id, other.id, "admin")).role).toBe("admin");
    expect((await setDisabled(admin.id, other.id, true)).disabled).toBe(true);
  });

  it("validates the create form with messages naming the field", () => {
    const result = createUserSchema.safeParse({ email: "not-an-email", role: "marketer", password: "short" });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(paths).toEqual(["email: must be an e-mail address", "password: must be at least 8 characters"]);
  });
});
