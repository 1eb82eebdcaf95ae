/**
 * Connecting Kakao Moment, as the seed walks it: Click here → Kakao login → back here →
 * Continue → name → Done. The OAuth `state` is single-use and bound to both the signed-in user
 * and a random value in an HttpOnly cookie of this browser; PKCE guards the code. Nothing
 * becomes an authentication until Done; every failure ends on a clear page with nothing saved.
 */
import crypto from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { open, seal, sha256 } from "@/lib/crypto/token-cipher";
import { kakaoEndpoints, type KakaoFlow } from "@/lib/kakao/config";
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
  constructor(readonly reason: ConnectFailure, detail?: string) {
    super(detail ?? reason);
  }
}

export async function startConnection(user: SessionUser, reconnectId?: number): Promise<{ url: string; browserValue: string }> {
  if (reconnectId !== undefined) await getAuthenticationFor(user, reconnectId);
  const flow: KakaoFlow = kakaoEndpoints().flow;
  const state = crypto.randomBytes(24).toString("base64url");
  const browserValue = crypto.randomBytes(24).toString("base64url");
  const { verifier, challenge } = pkcePair();
  await db.oAuthState.create({
    data: {
      id: sha256(state),
      userId: user.id,
      browserBinding: sha256(browserValue),
      flow,
      codeVerifier: seal(verifier),
      reconnectId: reconnectId ?? null,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  return { url: authorizeUrl(flow, { state, codeChallenge: challenge }), browserValue };
}

interface CallbackParams {
  code: string | null;
  state: string | null;
  error: string | null;
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
  if (params.error) throw new ConnectError(params.error === "access_denied" ? "access_denied" : "kakao_error", params.error);
  if (!params.code) throw new ConnectError("kakao_error", "no code");

  let tokens;
  try {
    tokens = await exchangeCode(pending.flow, params.code, open(pending.codeVerifier));
  } catch (error) {
    throw connectFailureFrom(error);
  }
  let owner, adAccounts: AdAccountSummary[];
  try {
    [owner, adAccounts] = await Promise.all([tokenOwner(tokens.accessToken), listAdAccounts(tokens.accessToken)]);
  } catch (error) {
    throw connectFailureFrom(error);
  }
  if (pending.reconnectId !== null) {
    const target = await db.authentication.findUnique({ where: { id: pending.reconnectId } });
    if (target?.kakaoUserId && owner.kakaoUserId && target.kakaoUserId !== owner.kakaoUserId) {
      throw new ConnectError("account_mismatch", `expected ${target.kakaoAccountEmail ?? target.kakaoUserId}`);
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
      refreshToken: tokens.refreshToken ? seal(tokens.refreshToken) : null,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      expiresAt: new Date(Date.now() + PENDING_TTL_MS),
    },
  });
  // Housekeeping: forget old round trips of this user.
  await db.oAuthState.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date(Date.now() - STATE_TTL_MS) } } });
  await db.pendingAuthentication.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
  return created.id;
}

function connectFailureFrom(error: unknown): ConnectError {
  if (!(error instanceof KakaoError)) throw error;
  if (error.kind === "invalid_grant") return new ConnectError("code_rejected", error.message);
  if (error.kind === "network" || error.kind === "server" || error.kind === "rate_limited") return new ConnectError("kakao_unreachable", error.message);
  if (error.kind === "oauth" && /invalid_client|KOE010|KOE006|redirect/i.test(error.message)) return new ConnectError("client_rejected", error.message);
  return new ConnectError("kakao_error", error.message);
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
    refreshToken: pending.refreshToken,
    accessTokenExpiresAt: pending.accessTokenExpiresAt,
    refreshTokenExpiresAt: pending.refreshTokenExpiresAt,
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
