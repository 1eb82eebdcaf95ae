/**
 * The body of every server action, free of Next.js so it can be tested directly:
 * who is calling → role → zod input → handler → audit entry → a Result value.
 */
import type { z } from "zod";
import type { Role } from "@/lib/db";
import { AppError, fromZodIssues, toErrorValue, type Result } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/log";
import { hasRole, type SessionUser } from "@/lib/auth/access";

export type AuditOf<I, T> = (input: I, result: T) => { action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> };

export interface ActionSpec<S extends z.ZodType, T> {
  schema: S;
  role?: Role;
  handler: (input: z.infer<S>, user: SessionUser) => Promise<T>;
  audit?: AuditOf<z.infer<S>, T>;
}

export async function runAction<S extends z.ZodType, T>(
  spec: ActionSpec<S, T>,
  caller: { user: SessionUser | null; ip: () => Promise<string | null> },
  input: unknown,
): Promise<Result<T>> {
  try {
    const { user } = caller;
    if (!user) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
    if (!hasRole(user, spec.role)) throw new AppError("forbidden", "You do not have permission to do this.");
    const parsed = spec.schema.safeParse(input);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues);
    const data = await spec.handler(parsed.data, user);
    if (spec.audit) await writeAudit({ actorId: user.id, ip: await caller.ip(), ...spec.audit(parsed.data, data) });
    return { ok: true, data };
  } catch (error) {
    return { ok: false, error: toErrorValue(error) };
  }
}
