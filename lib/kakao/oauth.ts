/** Business Authentication with Kakao: the authorize URL and the code exchange. Server side only. */
import crypto from "node:crypto";
import { BUSINESS_AUTH_PATHS, kakaoEndpoints } from "@/lib/kakao/config";
import { kakaoFacts } from "@/lib/kakao/assumptions";
import { KakaoError, kakaoErrorFrom, kakaoFetch } from "@/lib/kakao/http";

/** A business token: long-lived, no refresh token, no expires_in [doc]. */
export interface TokenSet {
  accessToken: string;
  scopes: string[];
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * The Business authorize URL: the consent items of KAKAO_SCOPES, `resource_ids` when they include
 * moment_create (KOE233 without it), PKCE only when KAKAO_PKCE=on (undocumented there).
 */
export function authorizeUrl(params: { state: string; codeChallenge?: string | null }): string {
  const k = kakaoEndpoints();
  const facts = kakaoFacts();
  const url = new URL(`${k.authUrl}${BUSINESS_AUTH_PATHS.authorize}`);
  url.searchParams.set("client_id", k.clientId);
  url.searchParams.set("redirect_uri", k.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", facts.scopes.value.join(","));
  if (facts.scopes.value.includes("moment_create")) url.searchParams.set("resource_ids", facts.resourceIds.value);
  url.searchParams.set("state", params.state);
  if (params.codeChallenge) {
    url.searchParams.set("code_challenge", params.codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

export async function exchangeCode(code: string, codeVerifier: string | null): Promise<TokenSet> {
  const k = kakaoEndpoints();
  const form: Record<string, string> = { grant_type: "authorization_code", client_id: k.clientId, client_secret: k.businessClientSecret, redirect_uri: k.redirectUri, code };
  if (codeVerifier) form.code_verifier = codeVerifier;
  const response = await kakaoFetch(`${k.authUrl}${BUSINESS_AUTH_PATHS.token}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
    body: new URLSearchParams(form),
  });
  if (!response.ok) throw await kakaoErrorFrom(response, "Exchanging the authorization code");
  const body = (await response.json()) as Record<string, unknown>;
  if (typeof body.access_token !== "string" || !body.access_token) throw new KakaoError("oauth", "Kakao's token response had no access_token");
  return { accessToken: body.access_token, scopes: typeof body.scope === "string" ? body.scope.split(/[,\s]+/).filter(Boolean) : [] };
}
