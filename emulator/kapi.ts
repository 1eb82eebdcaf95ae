import type { SeedUser } from "./config";
import type { Ctx, Handler } from "./context";
import { bearerToken, json, momentError, type Reply } from "./http";
import type { TokenRecord } from "./store";

/**
 * Bearer authentication shared by kapi and the Moment API, and the token-info endpoints (kapi host).
 */

export interface Authed {
  token: TokenRecord;
  user: SeedUser;
}

/** The live access token of the request, or a 401 `{code:-401}` reply. */
export function authenticate(ctx: Ctx): Authed | Reply {
  const raw = bearerToken(ctx.req);
  if (!raw) return momentError(401, -401, "this access token does not exist");
  const rec = ctx.store.findToken(raw);
  if (!rec || rec.kind !== "access") return momentError(401, -401, "this access token does not exist");
  if (rec.revoked) return momentError(401, -401, "this access token does not exist");
  if (rec.expiresAt !== null && rec.expiresAt <= ctx.store.now()) return momentError(401, -401, "this access token is already expired");
  const user = ctx.store.userById(rec.userId);
  if (!user) return momentError(401, -401, "this access token does not exist");
  return { token: rec, user };
}

export function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && "status" in x && typeof (x as Reply).status === "number";
}

/**
 * GET /v1/business/tokeninfo — shape ASSUMED (see README):
 * `{id, appId, expiresInMillis: number|null, scopes: string[], user: {id, email}, adAccountIds: number[]}`
 * `id` is the user id; `expiresInMillis` is null for Business tokens (no expiry).
 */
export const businessTokenInfo: Handler = async (ctx) => {
  const a = authenticate(ctx);
  if (isReply(a)) return a;
  const { token, user } = a;
  return json(200, {
    id: user.id,
    appId: token.appId,
    expiresInMillis: token.expiresAt === null ? null : Math.max(0, token.expiresAt - ctx.store.now()),
    scopes: token.scopes,
    user: { id: user.id, email: user.email },
    adAccountIds: user.adAccounts.map((x) => x.id),
  });
};

/** GET /v1/user/access_token_info — Kakao Login's documented `{id, expires_in, app_id}` (expires_in: seconds; null for Business tokens). */
export const userAccessTokenInfo: Handler = async (ctx) => {
  const a = authenticate(ctx);
  if (isReply(a)) return a;
  const { token, user } = a;
  return json(200, {
    id: user.id,
    expires_in: token.expiresAt === null ? null : Math.max(0, Math.floor((token.expiresAt - ctx.store.now()) / 1000)),
    app_id: token.appId,
  });
};
