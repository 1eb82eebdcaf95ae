import type { SeedUser } from "./config";
import type { Ctx, Handler } from "./context";
import { bearerToken, json, momentError, type Reply } from "./http";
import { BIZ_AGREEMENT_SCOPE_GROUP, LOGIN_TOKEN_REFUSED } from "./kakao-assumptions";
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

/**
 * Like {@link authenticate}, for the calls only Business Authentication tokens may make (every
 * `/openapi/v4/*` call and `/v1/business/tokeninfo`): a live Kakao Login token gets Kakao's measured
 * 401 `{"code":-401,"msg":"target biz token is not supplied.","extras":{}}`.
 */
export function authenticateBusiness(ctx: Ctx): Authed | Reply {
  const a = authenticate(ctx);
  if (isReply(a)) return a;
  if (a.token.flow !== "business") return momentError(LOGIN_TOKEN_REFUSED.status, LOGIN_TOKEN_REFUSED.code, LOGIN_TOKEN_REFUSED.msg, {});
  return a;
}

export function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && "status" in x && typeof (x as Reply).status === "number";
}

/**
 * GET /v1/business/tokeninfo — the token id and the user id are documented, their names are not:
 * `{id: <token id>, token_user_id: <user id>, app_id, expires_in: null, scopes, biz_agreements:
 * [{scope_group:"MOMENT", ad_account_ids}], kakao_account: {email}}`. `id` is the TOKEN's id
 * (8_000_000_000 + n, never a user id); the user-id field's name is the `tokenInfoUserIdField` fact.
 * Kakao Login tokens are refused (401 -401 "target biz token is not supplied.").
 */
export const businessTokenInfo: Handler = async (ctx) => {
  const a = authenticateBusiness(ctx);
  if (isReply(a)) return a;
  const { token, user } = a;
  const userIdField = ctx.store.facts.tokenInfoUserIdField;
  const rest: Record<string, unknown> = {
    app_id: token.appId,
    expires_in: token.expiresAt === null ? null : Math.max(0, Math.floor((token.expiresAt - ctx.store.now()) / 1000)),
    scopes: token.scopes,
    biz_agreements: [{ scope_group: BIZ_AGREEMENT_SCOPE_GROUP, ad_account_ids: user.adAccounts.map((x) => x.id) }],
    kakao_account: { email: user.email },
  };
  delete rest[userIdField]; // the flipped field wins over a same-named one (even "id")
  return json(200, { id: token.tokenId, [userIdField]: user.id, ...rest });
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
