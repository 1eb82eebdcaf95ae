import "server-only";
/**
 * The one place that decides who is calling and what they may do. Pages call requireUser(),
 * server actions are built with defineAction(), route handlers are wrapped with defineRoute();
 * all three use the same user lookup, role rule and ownership rule. Route handlers also accept
 * `Authorization: TD1 <api key>`, which acts as the key's user (lib/api-keys/keys.ts).
 */
import { cache } from "react";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { z } from "zod";
import { db, type Role } from "@/lib/db";
import { AppError, httpStatus, toErrorValue, type ErrorValue, type Result } from "@/lib/errors";
import { authenticateApiKey, keyFromAuthorization, RateLimited } from "@/lib/api-keys/keys";
import { runAction, type AuditOf } from "@/lib/auth/run-action";
import { crossSiteRefusal } from "@/lib/auth/csrf";
import { hasRole, type SessionUser } from "@/lib/auth/access";

export { assertCanUse, hasRole, type SessionUser } from "@/lib/auth/access";

/** The signed-in, enabled user of this request, or null. Disabled users lose access at once. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  // Loaded on first use, so route handlers import without next-auth (the v3 API's HTTP tests run them outside Next).
  const { auth } = await import("@/lib/auth/config");
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabled: true } });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** For pages and layouts: redirect to sign-in without a session, 403 page without the role. */
export async function requireUser(role?: Role): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (!hasRole(user, role)) forbidden();
  return user;
}

async function callerAddress(): Promise<string> {
  const { clientAddress } = await import("@/lib/auth/config");
  return clientAddress(await headers());
}

/**
 * Build a server action: authenticate, check the role, validate with zod, run, and write the
 * audit entry (third argument) after success. See lib/auth/run-action.ts.
 */
export function defineAction<S extends z.ZodType, T>(
  options: { schema: S; role?: Role },
  handler: (input: z.infer<S>, user: SessionUser) => Promise<T>,
  audit?: AuditOf<z.infer<S>, T>,
): (input: unknown) => Promise<Result<T>> {
  return async (input: unknown) => runAction({ ...options, handler, audit }, { user: await currentUser(), ip: callerAddress }, input);
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * Wrap a route handler: the same user lookup and role rule; errors become JSON `{error, message}`.
 * `Authorization: TD1 <key>` authenticates as the key's user (401 unknown/revoked, 403 disabled user,
 * 429 over the key's rate limit). Without it, the session cookie is used, unless `auth: "api-key"`
 * (the v3 API): such routes take keys only, so a browser's cookies can never drive them (no CSRF).
 * `browser: true` routes (navigated to, not fetched) send a visitor without a session to sign-in.
 * `status` may map an error to another HTTP status (the v3 API's 422 for invalid input).
 * Cookie-authenticated POST/PUT/PATCH/DELETE from another site are refused with 403 (lib/auth/csrf.ts).
 */
export function defineRoute(
  options: { role?: Role; browser?: boolean; auth?: "session" | "api-key"; status?: (error: unknown, value: ErrorValue) => number },
  handler: (request: Request, user: SessionUser, context: RouteContext) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const key = keyFromAuthorization(request.headers.get("authorization"));
      // CSRF: a state-changing request riding on the session cookie must come from this site.
      const refusal = key || options.auth === "api-key" ? null : crossSiteRefusal(request);
      if (refusal) throw new AppError("forbidden", refusal);
      const user = key ? await authenticateApiKey(key) : options.auth === "api-key" ? null : await currentUser();
      if (!user && options.browser) return new Response(null, { status: 303, headers: { location: "/sign-in" } });
      if (!user && options.auth === "api-key") throw new AppError("unauthenticated", "Send an API key: Authorization: TD1 <key>.");
      if (!user) throw new AppError("unauthenticated", "Sign in first.");
      if (!hasRole(user, options.role)) throw new AppError("forbidden", "You do not have permission to do this.");
      return await handler(request, user, context);
    } catch (error) {
      const value = toErrorValue(error);
      const headers: Record<string, string> = { "cache-control": "no-store" };
      if (error instanceof RateLimited) headers["retry-after"] = String(error.retryAfterSeconds);
      const status = options.status?.(error, value) ?? httpStatus(value.code);
      return Response.json({ error: value.code, message: value.message, ...errorDetails(error) }, { status, headers });
    }
  };
}

/** Extra fields an AppError may carry for API clients (`responseFields`, e.g. a reused domain_key's `conflicts_with`). */
function errorDetails(error: unknown): Record<string, unknown> {
  const fields = error instanceof AppError ? (error as AppError & { responseFields?: unknown }).responseFields : undefined;
  return fields && typeof fields === "object" ? (fields as Record<string, unknown>) : {};
}
