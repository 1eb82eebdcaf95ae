import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { runAction } from "@/lib/auth/run-action";
import { createUser } from "@/lib/users/users";
import type { SessionUser } from "@/lib/auth/access";
import { resetAppTables } from "@/test/db";

const spec = {
  schema: z.object({ name: z.string().min(1, "is required") }),
  role: "admin" as const,
  handler: async (input: { name: string }) => {
    if (input.name === "taken") throw new AppError("conflict", "name: already taken");
    if (input.name === "boom") throw new Error("database exploded with secret details");
    return { id: 7, name: input.name };
  },
  audit: (input: { name: string }, result: { id: number }) => ({ action: "thing.create", targetType: "thing", targetId: String(result.id), details: { name: input.name } }),
};

describe("runAction: the one path every server action takes", () => {
  let admin: SessionUser;
  let marketer: SessionUser;
  const ip = async () => "192.0.2.7";

  beforeEach(async () => {
    await resetAppTables();
    admin = await createUser({ email: "admin@example.com", name: null, role: "admin", password: "password1" });
    marketer = await createUser({ email: "m@example.com", name: null, role: "marketer", password: "password1" });
  });

  it("refuses a caller without a session, and one without the role, before touching input", async () => {
    expect(await runAction(spec, { user: null, ip }, { name: "x" })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    expect(await runAction(spec, { user: marketer, ip }, { name: "x" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await db.auditLog.count()).toBe(0);
  });

  it("names the field for bad input and writes nothing", async () => {
    expect(await runAction(spec, { user: admin, ip }, { name: "" })).toEqual({
      ok: false,
      error: { code: "invalid_input", message: "name: is required", fieldErrors: { name: "is required" } },
    });
    expect(await db.auditLog.count()).toBe(0);
  });

  it("runs the handler and writes the audit entry with who, what and where from", async () => {
    expect(await runAction(spec, { user: admin, ip }, { name: "ok" })).toEqual({ ok: true, data: { id: 7, name: "ok" } });
    const [entry] = await db.auditLog.findMany();
    expect(entry).toMatchObject({ actorId: admin.id, action: "thing.create", targetType: "thing", targetId: "7", details: { name: "ok" }, ip: "192.0.2.7" });
  });

  it("passes an AppError through as a value, hides an unexpected error's details", async () => {
    expect(await runAction(spec, { user: admin, ip }, { name: "taken" })).toMatchObject({ ok: false, error: { code: "conflict", message: "name: already taken" } });
    const hidden = await runAction(spec, { user: admin, ip }, { name: "boom" });
    expect(hidden).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(JSON.stringify(hidden)).not.toContain("secret details");
    expect(await db.auditLog.count()).toBe(0);
  });
});
