/**
 * Credential checks with throttling: after five failed sign-ins in a row from one address,
 * further tries from it are refused for a growing wait (5 s, 10 s, … up to 5 min).
 */
import { db } from "@/lib/db";
import { verifyAgainstNothing, verifyPassword } from "@/lib/auth/password";

export const FREE_FAILURES = 5;
const MAX_WAIT_SECONDS = 300;

export type SignInOutcome =
  | { ok: true; user: { id: string; email: string; name: string | null; role: "admin" | "marketer" } }
  | { ok: false; reason: "invalid" | "throttled"; retryAfterSeconds?: number };

export function waitSeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_SECONDS, 5 * 2 ** (failures - FREE_FAILURES));
}

export async function checkCredentials(email: string, password: string, address: string, now = new Date()): Promise<SignInOutcome> {
  const key = `ip:${address}`;
  const attempt = await db.signInAttempt.findUnique({ where: { key } });
  if (attempt) {
    const readyAt = attempt.lastFailure.getTime() + waitSeconds(attempt.failures) * 1000;
    if (readyAt > now.getTime()) {
      return { ok: false, reason: "throttled", retryAfterSeconds: Math.ceil((readyAt - now.getTime()) / 1000) };
    }
  }
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const valid = user && !user.disabled ? await verifyPassword(password, user.passwordHash) : await verifyAgainstNothing(password);
  if (!valid || !user) {
    await db.signInAttempt.upsert({
      where: { key },
      create: { key, failures: 1, lastFailure: now },
      update: { failures: { increment: 1 }, lastFailure: now },
    });
    return { ok: false, reason: "invalid" };
  }
  if (attempt) await db.signInAttempt.delete({ where: { key } }).catch(() => {});
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
