/**
 * The one way anything gets a usable Kakao access token for a stored authentication.
 * - Kakao Login: refresh shortly before expiry and on a 401, store a rotated refresh token;
 *   `invalid_grant` (KOE322) marks the authentication "reconnect needed".
 * - Business Authentication: no refresh token; a 401 marks it "reconnect needed".
 * Concurrent refreshes of one authentication happen once: in-process they share one promise,
 * across processes a row lock plus the token version decide who refreshes.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { open, seal } from "@/lib/crypto/token-cipher";
import { refreshTokens } from "@/lib/kakao/oauth";
import { KakaoError } from "@/lib/kakao/http";

/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export class ReconnectNeeded extends AppError {
  constructor(readonly authenticationId: number, name: string, reason: string) {
    super("reconnect_needed", `The Kakao authentication "${name}" needs to be reconnected (${reason}). Open Integrations Hub → Authentications and choose Reconnect.`);
  }
}

interface TokenRow {
  id: number;
  name: string;
  flow: "business" | "login";
  status: "healthy" | "reconnect_needed";
  statusReason: string | null;
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  tokenVersion: number;
}

const tokenSelect = { id: true, name: true, flow: true, status: true, statusReason: true, accessToken: true, refreshToken: true, accessTokenExpiresAt: true, tokenVersion: true } as const;

async function load(id: number): Promise<TokenRow> {
  const row = await db.authentication.findUnique({ where: { id }, select: tokenSelect });
  if (!row) throw new AppError("not_found", "Authentication not found");
  return row;
}

export async function markReconnectNeeded(id: number, reason: string): Promise<void> {
  await db.authentication.update({ where: { id }, data: { status: "reconnect_needed", statusReason: reason } });
}

const inFlight = new Map<number, Promise<string>>();

/** Refresh once, whoever else is trying: returns a fresh access token. */
export function refreshAccessToken(id: number, seenVersion: number): Promise<string> {
  const running = inFlight.get(id);
  if (running) return running;
  const attempt = refreshLocked(id, seenVersion).finally(() => inFlight.delete(id));
  inFlight.set(id, attempt);
  return attempt;
}

async function refreshLocked(id: number, seenVersion: number): Promise<string> {
  const outcome = await db.$transaction(
    async (tx) => {
      await tx.$queryRaw`select id from authentications where id = ${id} for update`;
      const row = await tx.authentication.findUniqueOrThrow({ where: { id }, select: tokenSelect });
      // Another process refreshed while we waited for the lock: use its token.
      if (row.tokenVersion !== seenVersion) return { token: open(row.accessToken) };
      if (row.status === "reconnect_needed") return { dead: row.statusReason ?? "reconnect needed", name: row.name };
      if (!row.refreshToken) return { dead: "Kakao rejected the token and there is no refresh token", name: row.name };
      try {
        const fresh = await refreshTokens(open(row.refreshToken));
        await tx.authentication.update({
          where: { id },
          data: {
            accessToken: seal(fresh.accessToken),
            accessTokenExpiresAt: fresh.accessTokenExpiresAt,
            // Kakao sends a new refresh token only when the old one is near its end.
            ...(fresh.refreshToken && fresh.refreshToken !== open(row.refreshToken)
              ? { refreshToken: seal(fresh.refreshToken), refreshTokenExpiresAt: fresh.refreshTokenExpiresAt }
              : {}),
            tokenVersion: { increment: 1 },
          },
        });
        return { token: fresh.accessToken };
      } catch (error) {
        if (error instanceof KakaoError && (error.kind === "invalid_grant" || error.kind === "unauthorized")) {
          const reason = "Kakao refused the refresh token (expired or revoked)";
          await tx.authentication.update({ where: { id }, data: { status: "reconnect_needed", statusReason: reason } });
          return { dead: reason, name: row.name };
        }
        throw error;
      }
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
  if ("dead" in outcome) throw new ReconnectNeeded(id, outcome.name ?? String(id), outcome.dead ?? "reconnect needed");
  return outcome.token;
}

/**
 * Run `call` with a valid access token of authentication `id`. A 401 from Kakao refreshes and
 * retries once (Login flow) or marks the authentication "reconnect needed" (Business flow).
 */
export async function withAccessToken<T>(id: number, call: (accessToken: string) => Promise<T>, now: () => number = Date.now): Promise<T> {
  let row = await load(id);
  if (row.status === "reconnect_needed") throw new ReconnectNeeded(id, row.name, row.statusReason ?? "Kakao refused its token");
  let token = open(row.accessToken);
  if (row.flow === "login" && row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - now() < REFRESH_MARGIN_MS) {
    token = await refreshAccessToken(id, row.tokenVersion);
    row = await load(id);
  }
  try {
    const result = await call(token);
    await db.authentication.update({ where: { id }, data: { lastUsedAt: new Date() } });
    return result;
  } catch (error) {
    if (!(error instanceof KakaoError && error.kind === "unauthorized")) throw error;
    if (row.flow === "business") {
      const reason = "Kakao refused the token (revoked or expired)";
      await markReconnectNeeded(id, reason);
      throw new ReconnectNeeded(id, row.name, reason);
    }
    const retried = await refreshAccessToken(id, row.tokenVersion);
    try {
      const result = await call(retried);
      await db.authentication.update({ where: { id }, data: { lastUsedAt: new Date() } });
      return result;
    } catch (again) {
      if (again instanceof KakaoError && again.kind === "unauthorized") {
        const reason = "Kakao refused a freshly refreshed token";
        await markReconnectNeeded(id, reason);
        throw new ReconnectNeeded(id, row.name, reason);
      }
      throw again;
    }
  }
}
