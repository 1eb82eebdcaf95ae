/** Who a token belongs to and which ad accounts it reaches (shown on the Continue step). */
import { TOKEN_INFO_PATH, kakaoEndpoints } from "@/lib/kakao/config";
import { kakaoErrorFrom, kakaoFetch } from "@/lib/kakao/http";

export interface AdAccount {
  id: number;
  name: string;
  memberType: string;
}

export interface TokenOwner {
  kakaoUserId: string | null;
  email: string | null;
}

/** Token info (shape assumed: {id, user: {id, email}, scopes, adAccountIds}). */
export async function tokenOwner(accessToken: string): Promise<TokenOwner> {
  const response = await kakaoFetch(`${kakaoEndpoints().apiUrl}${TOKEN_INFO_PATH}`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (!response.ok) throw await kakaoErrorFrom(response, "Reading the Kakao token info");
  const body = (await response.json()) as { id?: unknown; user?: { id?: unknown; email?: unknown } };
  const id = body.user?.id ?? body.id;
  return { kakaoUserId: id === undefined || id === null ? null : String(id), email: typeof body.user?.email === "string" ? body.user.email : null };
}

/** Every ad account the token can reach, all pages. */
export async function listAdAccounts(accessToken: string): Promise<AdAccount[]> {
  const accounts: AdAccount[] = [];
  for (let page = 0; page < 100; page++) {
    const url = `${kakaoEndpoints().momentUrl}/openapi/v4/adAccounts/pages?config=ON,OFF&page=${page}&size=100`;
    const response = await kakaoFetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!response.ok) throw await kakaoErrorFrom(response, "Listing the Kakao Moment ad accounts");
    const body = (await response.json()) as { content?: { id: number; name: string; memberType: string }[]; totalPages?: number };
    for (const a of body.content ?? []) accounts.push({ id: Number(a.id), name: String(a.name), memberType: String(a.memberType) });
    if (page + 1 >= (body.totalPages ?? 1)) break;
  }
  return accounts;
}
