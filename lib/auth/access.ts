/**
 * The access rules themselves, free of Next.js so domain modules, the worker and tests can use
 * them: roles (admin ⊇ marketer) and ownership (owners and admins; to anyone else an object does
 * not exist). lib/auth/guard.ts applies them to pages, server actions and route handlers.
 */
import type { Role } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

export function hasRole(user: SessionUser, role: Role | undefined): boolean {
  return !role || role === "marketer" || user.role === "admin";
}

/** Owners and admins may use an object; to anyone else it does not exist (no existence leak). */
export function assertCanUse(user: SessionUser, ownerId: string | null | undefined, what = "Object"): void {
  if (user.role === "admin" || (ownerId && ownerId === user.id)) return;
  throw new AppError("not_found", `${what} not found`);
}
