/** Users: data access and rules (the console's Admin → Users page and the start-up seed use it). */
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { z } from "zod";
import type { createUserSchema } from "@/lib/users/schemas";

export const userSummary = { id: true, email: true, name: true, role: true, disabled: true, createdAt: true } as const;

export function listUsers() {
  return db.user.findMany({ select: userSummary, orderBy: { createdAt: "asc" } });
}

export async function createUser(input: z.infer<typeof createUserSchema>) {
  try {
    return await db.user.create({
      data: { email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
      select: userSummary,
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", `A user with the e-mail ${input.email} already exists`, { email: "is already in use" });
    }
    throw error;
  }
}

async function otherActiveAdmins(userId: string): Promise<number> {
  return db.user.count({ where: { role: "admin", disabled: false, id: { not: userId } } });
}

export async function changeRole(actorId: string, userId: string, role: "admin" | "marketer") {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("not_found", "User not found");
  if (role !== "admin" && user.role === "admin" && (await otherActiveAdmins(userId)) === 0) {
    throw new AppError("conflict", "The last active admin cannot lose the admin role", { role: "would leave no admin" });
  }
  if (actorId === userId && role !== "admin") throw new AppError("conflict", "You cannot remove your own admin role", { role: "is your own" });
  return db.user.update({ where: { id: userId }, data: { role }, select: userSummary });
}

export async function setDisabled(actorId: string, userId: string, disabled: boolean) {
  if (actorId === userId && disabled) throw new AppError("conflict", "You cannot disable your own account");
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("not_found", "User not found");
  if (disabled && user.role === "admin" && (await otherActiveAdmins(userId)) === 0) {
    throw new AppError("conflict", "The last active admin cannot be disabled");
  }
  return db.user.update({ where: { id: userId }, data: { disabled }, select: userSummary });
}

/**
 * Make sure the admin account exists. Returns the password only when it was generated now
 * (first start without ADMIN_PASSWORD), so it can be printed once; it is stored hashed.
 */
export async function ensureAdmin(email: string, password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return { created: false };
  const plain = password ?? generatePassword();
  await db.user.create({ data: { email, name: "Admin", role: "admin", passwordHash: await hashPassword(plain) } });
  return { created: true, generatedPassword: password ? undefined : plain };
}
