/** Who a token belongs to and which ad accounts it reaches (shown on the Continue step). */
import { AD_ACCOUNT_PAGE_FIELD, TOKEN_INFO_PATH, kakaoFacts } from "@/lib/kakao/assumptions";
import { kakaoEndpoints } from "@/lib/kakao/config";
import { kakaoErrorFrom, kakaoFetch } from "@/lib/kakao/http";

export interface AdAccount {
  id: number;
  name: string;
  memberType: string;
}

export interface TokenOwner {
  /** null when the token info has no field named by KAKAO_TOKENINFO_USER_ID_FIELD. */
  kakaoUserId: string | null;
  email: string | null;
}

/** `a.b` → body.a.b, or undefined. */
export function fieldAt(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** The Kakao user id of a token-info answer, from the configured field only (never the token id). */
export function userIdOf(body: unknown, field: string = kakaoFacts().tokenInfoUserIdField.value): string | null {
  const v = fieldAt(body, field);
  return (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.trim() !== "") ? String(v) : null;
}

/** Token info: the user id from KAKAO_TOKENINFO_USER_ID_FIELD; the e-mail when Kakao includes one. */
export async function tokenOwner(accessToken: string): Promise<TokenOwner> {
  const response = await kakaoFetch(`${kakaoEndpoints().apiUrl}${TOKEN_INFO_PATH}`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (!response.ok) throw await kakaoErrorFrom(response, "Reading the Kakao token info");
  const body = (await response.json()) as unknown;
  const email = fieldAt(body, "kakao_account.email") ?? fieldAt(body, "email");
  return { kakaoUserId: userIdOf(body), email: typeof email === "string" ? email : null };
}

/** Every ad account the token can reach, all pages (`page`, `totalPages` [doc]). */
export async function listAdAccounts(accessToken: string): Promise<AdAccount[]> {
  const accounts: AdAccount[] = [];
  for (let page = 0; page < 100; page++) {
    const url = `${kakaoEndpoints().momentUrl}/openapi/v4/adAccounts/pages?config=ON,OFF&${AD_ACCOUNT_PAGE_FIELD}=${page}&size=100`;
    const response = await kakaoFetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!response.ok) throw await kakaoErrorFrom(response, "Listing the Kakao Moment ad accounts");
    const body = (await response.json()) as { content?: { id: number; name: string; memberType: string }[]; totalPages?: number };
    for (const a of body.content ?? []) accounts.push({ id: Number(a.id), name: String(a.name), memberType: String(a.memberType) });
    if (page + 1 >= (body.totalPages ?? 1)) break;
  }
  return accounts;
}
