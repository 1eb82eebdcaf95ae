/**
 * Connecting Kakao Moment, as the seed walks it: Click here → Kakao login → back here →
 * Continue → name → Done, with Business Authentication (the only flow whose tokens the Moment API
 * accepts). The OAuth `state` is single-use and bound to both the signed-in user and a random
 * value in an HttpOnly cookie of this browser: that is the CSRF guard. PKCE is sent only with
 * KAKAO_PKCE=on (Kakao does not document it for Business authorize). Nothing becomes an
 * authentication until Done; every failure ends on a clear page with nothing saved, and what
 * Kakao sent back (its KOE code and description) is kept for that page.
 */
import crypto from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { open, seal, sha256 } from "@/lib/crypto/token-cipher";
import { kakaoFacts } from "@/lib/kakao/assumptions";
import { authorizeUrl, exchangeCode, pkcePair } from "@/lib/kakao/oauth";
import { KakaoError } from "@/lib/kakao/http";
import { listAdAccounts, tokenOwner } from "@/lib/kakao/account";
import { authenticationView, getAuthenticationFor, nameTaken, type AuthenticationView } from "@/lib/authentications/authentications";
import type { AdAccountSummary } from "@/lib/authentications/schemas";

export const BROWSER_COOKIE = "kmh_oauth";
const STATE_TTL_MS = 10 * 60_000;
const PENDING_TTL_MS = 30 * 60_000;

/** Why a connection attempt failed; each has its own message in the catalog. */
export type ConnectFailure =
  | "access_denied" // the user pressed Cancel on Kakao's consent page
  | "state_invalid" // state missing, unknown, reused, expired, or from another session/browser
  | "code_rejected" // Kakao refused the code (replayed or expired)
  | "client_rejected" // Kakao refused our app credentials (wrong client secret / redirect URI)
  | "kakao_unreachable" // Kakao's token endpoint is down or failing
  | "kakao_error" // any other error Kakao sent back
  | "account_mismatch"; // a reconnect signed in to a different Kakao account

export class ConnectError extends Error {
  constructor(
    readonly reason: ConnectFailure,
    detail?: string,
    /** The OAuth state's id (its SHA-256) when the failure came after a valid state: its row keeps Kakao's words. */
    readonly attempt?: string,
  ) {
    super(detail ?? reason);
  }
}

export async function startConnection(user: SessionUser, reconnectId?: number): Promise<{ url: string; browserValue: string }> {
  if (reconnectId !== undefined) await getAuthenticationFor(user, reconnectId);
  const state = crypto.randomBytes(24).toString("base64url");
  const browserValue = crypto.randomBytes(24).toString("base64url");
  const pkce = kakaoFacts().pkce.value ? pkcePair() : null;
  await db.oAuthState.create({
    data: {
      id: sha256(state),
      userId: user.id,
      browserBinding: sha256(browserValue),
      flow: "business",
      codeVerifier: pkce ? seal(pkce.verifier) : null,
      reconnectId: reconnectId ?? null,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  return { url: authorizeUrl({ state, codeChallenge: pkce?.challenge }), browserValue };
}

interface CallbackParams {
  code: string | null;
  state: string | null;
  error: string | null;
  error_description?: string | null;
  error_code?: string | null;
}

/** Kakao's code for what it sent back: `error_code`, else a KOE code in the text, else `error` (e.g. access_denied). */
export function kakaoErrorCode(params: Pick<CallbackParams, "error" | "error_description" | "error_code">): string | null {
  const koe = /\bKOE\d{3}\b/;
  const found = [params.error_code, params.error_description, params.error].map((v) => (v ? koe.exec(v)?.[0] : undefined)).find(Boolean);
  return found ?? (params.error ? params.error.slice(0, 64) : null);
}

/** Validate the callback, exchange the code server-side, and hold the tokens for the Continue step. */
export async function handleCallback(user: SessionUser, params: CallbackParams, browserValue: string | undefined): Promise<string> {
  if (!params.state) throw new ConnectError("state_invalid", "no state");
  // Single use: only the first callback to claim the state gets it.
  const claimed = await db.oAuthState.updateMany({
    where: { id: sha256(params.state), consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date() },
  });
  if (claimed.count !== 1) throw new ConnectError("state_invalid", "unknown, reused or expired state");
  const pending = await db.oAuthState.findUniqueOrThrow({ where: { id: sha256(params.state) } });
  if (pending.userId !== user.id || !browserValue || sha256(browserValue) !== pending.browserBinding) {
    throw new ConnectError("state_invalid", "state from another session");
  }
  if (params.error) {
    const code = kakaoErrorCode(params);
    await db.oAuthState.update({ where: { id: pending.id }, data: { kakaoErrorCode: code, kakaoErrorDescription: params.error_description?.slice(0, 500) ?? null } });
    throw new ConnectError(code === "access_denied" ? "access_denied" : "kakao_error", params.error, pending.id);
  }
  if (!params.code) throw new ConnectError("kakao_error", "no code", pending.id);

  let tokens;
  try {
    tokens = await exchangeCode(params.code, pending.codeVerifier ? open(pending.codeVerifier) : null);
  } catch (error) {
    throw await connectFailureFrom(error, pending.id);
  }
  let owner, adAccounts: AdAccountSummary[];
  try {
    [owner, adAccounts] = await Promise.all([tokenOwner(tokens.accessToken), listAdAccounts(tokens.accessToken)]);
  } catch (error) {
    throw await connectFailureFrom(error, pending.id);
  }
  if (pending.reconnectId !== null) {
    const target = await db.authentication.findUnique({ where: { id: pending.reconnectId } });
    if (target?.kakaoUserId && owner.kakaoUserId && target.kakaoUserId !== owner.kakaoUserId) {
      throw new ConnectError("account_mismatch", `expected ${target.kakaoAccountEmail ?? target.kakaoUserId}`, pending.id);
    }
  }
  const created = await db.pendingAuthentication.create({
    data: {
      userId: user.id,
      flow: pending.flow,
      reconnectId: pending.reconnectId,
      kakaoUserId: owner.kakaoUserId,
      kakaoAccountEmail: owner.email,
      adAccounts: adAccounts as unknown as Prisma.InputJsonValue,
      scopes: tokens.scopes,
      accessToken: seal(tokens.accessToken),
      expiresAt: new Date(Date.now() + PENDING_TTL_MS),
    },
  });
  // Housekeeping: forget old round trips of this user.
  await db.oAuthState.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date(Date.now() - STATE_TTL_MS) } } });
  await db.pendingAuthentication.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
  return created.id;
}

/** A failed token exchange or first call, as a ConnectError; Kakao's code and words are kept for the page. */
async function connectFailureFrom(error: unknown, attempt: string): Promise<ConnectError> {
  if (!(error instanceof KakaoError)) throw error;
  const code = typeof error.code === "string" && /^KOE\d{3}$/.test(error.code) ? error.code : (/\bKOE\d{3}\b/.exec(error.message)?.[0] ?? null);
  await db.oAuthState.update({ where: { id: attempt }, data: { kakaoErrorCode: code, kakaoErrorDescription: error.message.slice(0, 500) } });
  if (code === "KOE028") return new ConnectError("client_rejected", error.message, attempt);
  if (error.kind === "invalid_grant") return new ConnectError("code_rejected", error.message, attempt);
  if (error.kind === "network" || error.kind === "server" || error.kind === "rate_limited" || error.kind === "transient") return new ConnectError("kakao_unreachable", error.message, attempt);
  if (error.kind === "oauth" && /invalid_client|KOE010|KOE006|redirect/i.test(error.message)) return new ConnectError("client_rejected", error.message, attempt);
  return new ConnectError("kakao_error", error.message, attempt);
}

/** What Kakao said on a failed attempt of this user (for the failure page), or null. */
export async function kakaoWordsOf(user: SessionUser, attempt: string | undefined): Promise<{ code: string | null; description: string | null } | null> {
  if (!attempt || !/^[0-9a-f]{64}$/.test(attempt)) return null;
  const row = await db.oAuthState.findFirst({ where: { id: attempt, userId: user.id }, select: { kakaoErrorCode: true, kakaoErrorDescription: true } });
  if (!row || (!row.kakaoErrorCode && !row.kakaoErrorDescription)) return null;
  return { code: row.kakaoErrorCode, description: row.kakaoErrorDescription };
}

/** What the Continue step shows: the Kakao account and the ad accounts granted. */
export async function getPending(user: SessionUser, pendingId: string) {
  const pending = await db.pendingAuthentication.findFirst({
    where: { id: pendingId, userId: user.id, expiresAt: { gt: new Date() } },
    select: { id: true, flow: true, reconnectId: true, kakaoAccountEmail: true, kakaoUserId: true, adAccounts: true, scopes: true },
  });
  if (!pending) throw new AppError("not_found", "This connection attempt has expired or does not exist. Start again from Click here.");
  const reconnectName = pending.reconnectId ? (await getAuthenticationFor(user, pending.reconnectId)).name : null;
  return { ...pending, adAccounts: pending.adAccounts as unknown as AdAccountSummary[], reconnectName };
}

async function takePending(user: SessionUser, pendingId: string) {
  const pending = await db.pendingAuthentication.findFirst({ where: { id: pendingId, userId: user.id, expiresAt: { gt: new Date() } } });
  if (!pending) throw new AppError("not_found", "This connection attempt has expired or does not exist. Start again from Click here.");
  return pending;
}

/** What Kakao granted (account, ad accounts, sealed tokens), as stored on an authentication. */
function grantOf(pending: Awaited<ReturnType<typeof takePending>>) {
  return {
    flow: pending.flow,
    kakaoUserId: pending.kakaoUserId,
    kakaoAccountEmail: pending.kakaoAccountEmail,
    adAccounts: pending.adAccounts as Prisma.InputJsonValue,
    scopes: pending.scopes,
    accessToken: pending.accessToken,
  };
}

/** Done (new authentication): name it and store it; the pending tokens move into it. */
export async function completeConnection(user: SessionUser, pendingId: string, name: string): Promise<AuthenticationView> {
  const pending = await takePending(user, pendingId);
  if (pending.reconnectId !== null) throw new AppError("invalid_input", "This attempt reconnects an existing authentication");
  try {
    const [created] = await db.$transaction([
      db.authentication.create({
        data: { ownerId: user.id, name, ...grantOf(pending) },
        select: authenticationView,
      }),
      db.pendingAuthentication.delete({ where: { id: pending.id } }),
    ]);
    return created as AuthenticationView;
  } catch (error) {
    if (nameTaken(error)) throw new AppError("conflict", `name: you already have an authentication named "${name}"`, { name: "is already used by another of your authentications" });
    throw error;
  }
}

/** Done (reconnect): replace the token in place, so schedules that use it keep working. */
export async function completeReconnect(user: SessionUser, pendingId: string): Promise<AuthenticationView> {
  const pending = await takePending(user, pendingId);
  if (pending.reconnectId === null) throw new AppError("invalid_input", "This attempt creates a new authentication; give it a name");
  const target = await getAuthenticationFor(user, pending.reconnectId);
  const [updated] = await db.$transaction([
    db.authentication.update({
      where: { id: target.id },
      data: {
        ...grantOf(pending),
        // Token info without a readable user id keeps the one known (a later mismatch is still caught).
        kakaoUserId: pending.kakaoUserId ?? target.kakaoUserId,
        status: "healthy",
        statusReason: null,
        tokenVersion: { increment: 1 },
      },
      select: authenticationView,
    }),
    db.pendingAuthentication.delete({ where: { id: pending.id } }),
  ]);
  return updated as AuthenticationView;
}
