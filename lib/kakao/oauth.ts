/** OAuth with Kakao, both flows: authorize URL, code exchange, refresh. Server side only. */
import crypto from "node:crypto";
import { FLOW_PATHS, MOMENT_SCOPES, kakaoEndpoints, type KakaoFlow } from "@/lib/kakao/config";
import { KakaoError, kakaoErrorFrom, kakaoFetch } from "@/lib/kakao/http";

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  scopes: string[];
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(flow: KakaoFlow, params: { state: string; codeChallenge: string }): string {
  const k = kakaoEndpoints();
  const url = new URL(`${k.authUrl}${FLOW_PATHS[flow].authorize}`);
  url.searchParams.set("client_id", k.clientId);
  url.searchParams.set("redirect_uri", k.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", MOMENT_SCOPES.join(","));
  url.searchParams.set("state", params.state);
  url.searchParams.set("code_challenge", params.codeChallenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

function toTokenSet(body: Record<string, unknown>, now: number, previousRefresh: string | null = null): TokenSet {
  if (typeof body.access_token !== "string" || !body.access_token) throw new KakaoError("oauth", "Kakao's token response had no access_token");
  const seconds = (v: unknown) => (typeof v === "number" && v > 0 ? new Date(now + v * 1000) : null);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : previousRefresh,
    accessTokenExpiresAt: seconds(body.expires_in),
    refreshTokenExpiresAt: seconds(body.refresh_token_expires_in),
    scopes: typeof body.scope === "string" ? body.scope.split(/[,\s]+/).filter(Boolean) : [],
  };
}

async function tokenRequest(flow: KakaoFlow, form: Record<string, string>, what: string): Promise<Record<string, unknown>> {
  const k = kakaoEndpoints();
  const response = await kakaoFetch(`${k.authUrl}${FLOW_PATHS[flow].token}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
    body: new URLSearchParams({ client_id: k.clientId, client_secret: k.clientSecret, ...form }),
  });
  if (!response.ok) throw await kakaoErrorFrom(response, what);
  return (await response.json()) as Record<string, unknown>;
}

export async function exchangeCode(flow: KakaoFlow, code: string, codeVerifier: string): Promise<TokenSet> {
  const now = Date.now();
  const body = await tokenRequest(flow, { grant_type: "authorization_code", redirect_uri: kakaoEndpoints().redirectUri, code, code_verifier: codeVerifier }, "Exchanging the authorization code");
  return toTokenSet(body, now);
}

/** Kakao Login only: a new access token (and a new refresh token when the old one is near its end). */
export async function refreshTokens(refreshToken: string): Promise<TokenSet> {
  const now = Date.now();
  const body = await tokenRequest("login", { grant_type: "refresh_token", refresh_token: refreshToken }, "Refreshing the Kakao token");
  return toTokenSet(body, now, refreshToken);
}
