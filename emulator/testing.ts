/**
 * Helpers for tests that drive the emulator over real HTTP (used by emulator/*.test.ts; other
 * suites may use them too). They act like a browser on the login/consent pages: GET the page,
 * POST its form, follow redirects by hand.
 */
import { createHash, randomBytes } from "node:crypto";

export const EMU = {
  clientId: "emulator-client-id",
  /** Kakao Login client secret (POST /oauth/token). */
  clientSecret: "emulator-client-secret",
  /** Business Authentication client secret (POST /oauth/business/token). */
  businessClientSecret: "emulator-business-secret",
  /** Registered for both flows in the seed. */
  redirectUri: "http://127.0.0.1:3000/api/integrations/kakao/callback",
  /** The seeded user's Kakao user id. */
  userId: 3000001,
  appId: 1000001,
  user: { email: "moment@example.com", password: "kakao1234" },
  otherUser: { email: "other@example.com", password: "kakao1234" },
  accounts: { brandA: 27429, brandB: 615466, other: 99001 },
} as const;

export type FlowName = "business" | "login";

export interface AuthorizeParams {
  flow?: FlowName;
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** Business flow only: `resource_ids` (default "moment:*"; null = omit). */
  resourceIds?: string | null;
  email?: string;
  password?: string;
  decision?: "agree" | "cancel";
}

export function authorizeUrl(base: string, p: AuthorizeParams = {}): string {
  const u = new URL(p.flow === "login" ? "/oauth/authorize" : "/oauth/business/authorize", base);
  u.searchParams.set("client_id", p.clientId ?? EMU.clientId);
  u.searchParams.set("redirect_uri", p.redirectUri ?? EMU.redirectUri);
  u.searchParams.set("response_type", "code");
  if (p.scope !== undefined) u.searchParams.set("scope", p.scope);
  if (p.flow !== "login") {
    const resourceIds = p.resourceIds === undefined ? "moment:*" : p.resourceIds;
    if (resourceIds !== null) u.searchParams.set("resource_ids", resourceIds);
  }
  u.searchParams.set("state", p.state ?? "st-123");
  if (p.codeChallenge) u.searchParams.set("code_challenge", p.codeChallenge);
  if (p.codeChallengeMethod) u.searchParams.set("code_challenge_method", p.codeChallengeMethod);
  return u.toString();
}

export function hiddenRequestId(html: string): string {
  const m = /name="request" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no request id in page");
  return m[1]!;
}

const form = (o: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(o).toString(),
  redirect: "manual" as const,
});

/** Runs authorize → login page → consent page like a browser; returns the final redirect. */
export async function authorizeLikeBrowser(base: string, p: AuthorizeParams = {}): Promise<URL> {
  return followAuthorize(authorizeUrl(base, p), p);
}

/**
 * The same, from a full authorize URL built by a client (e.g. the app's own). When Kakao refuses
 * the request by sending the user straight back (a 302 with `error`, e.g. KOE233), that redirect.
 */
export async function followAuthorize(url: string, p: Pick<AuthorizeParams, "email" | "password" | "decision"> = {}): Promise<URL> {
  const base = new URL(url).origin;
  const page = await fetch(url, { redirect: "manual" });
  if (page.status === 302) return new URL(page.headers.get("location")!);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${await page.text()}`);
  const requestId = hiddenRequestId(await page.text());
  const login = await fetch(
    new URL("/oauth/login", base),
    form({ request: requestId, email: p.email ?? EMU.user.email, password: p.password ?? EMU.user.password }),
  );
  if (login.status !== 303) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const consent = await fetch(new URL(login.headers.get("location")!, base), { redirect: "manual" });
  if (consent.status !== 200) throw new Error(`consent answered ${consent.status}`);
  const consentId = hiddenRequestId(await consent.text());
  const decided = await fetch(new URL("/oauth/consent", base), form({ request: consentId, decision: p.decision ?? "agree" }));
  if (decided.status !== 302) throw new Error(`consent decision answered ${decided.status}`);
  return new URL(decided.headers.get("location")!);
}

export async function tokenRequest(base: string, flow: FlowName, params: Record<string, string>): Promise<Response> {
  return fetch(new URL(flow === "login" ? "/oauth/token" : "/oauth/business/token", base), form(params));
}

/** The client secret of a flow (Business Authentication has its own). */
export function clientSecretOf(flow: FlowName): string {
  return flow === "login" ? EMU.clientSecret : EMU.businessClientSecret;
}

/** Form of an authorization_code exchange, with the secret of `flow` (default business). */
export function exchangeParams(code: string, extra: Record<string, string> = {}, flow: FlowName = "business"): Record<string, string> {
  return {
    grant_type: "authorization_code",
    client_id: EMU.clientId,
    client_secret: clientSecretOf(flow),
    redirect_uri: EMU.redirectUri,
    code,
    ...extra,
  };
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
  scope?: string;
}

/** Full flow: authorize like a browser, exchange the code, return the token response. */
export async function obtainToken(base: string, p: AuthorizeParams = {}): Promise<TokenSet> {
  const back = await authorizeLikeBrowser(base, p);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code in ${back}`);
  const flow = p.flow ?? "business";
  const res = await tokenRequest(base, flow, exchangeParams(code, p.redirectUri ? { redirect_uri: p.redirectUri } : {}, flow));
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as TokenSet;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function sha256(s: string | Buffer): string {
  return createHash("sha256").update(s).digest("hex");
}

/** `n` valid UUID lines, each ending in "\n". */
export function uuidLines(n: number, seed = 1): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    const h = createHash("md5").update(`${seed}:${i}`).digest("hex");
    out += `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}\n`;
  }
  return out;
}

export interface UploadParams {
  name?: string | null;
  content?: string | Buffer;
  filename?: string;
  type?: string;
  adAccountId?: string | number | null;
  method?: "POST" | "PUT" | "PATCH";
  id?: number;
  /** Request path (overrides the one derived from method/id), e.g. for a moved edit call. */
  path?: string;
  /** Name of the text part (default "name"). */
  namePart?: string;
  filePart?: string | null;
}

/** POST (register) or PUT (edit) a customer file with multipart, like the app does. */
export async function upload(base: string, token: string | null, p: UploadParams = {}): Promise<Response> {
  const fd = new FormData();
  if (p.name !== null) fd.append(p.namePart ?? "name", p.name ?? "audience");
  if (p.filePart !== null) {
    const c = p.content ?? uuidLines(3);
    const part = typeof c === "string" ? c : new Uint8Array(c);
    fd.append(p.filePart ?? "file", new Blob([part], { type: p.type ?? "text/csv" }), p.filename ?? "audience.csv");
  }
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (p.adAccountId !== null) headers.adAccountId = String(p.adAccountId ?? EMU.accounts.brandA);
  const path = p.path ?? (p.method === "PUT" ? `/openapi/v4/customerFiles/${p.id}` : "/openapi/v4/customerFiles");
  return fetch(new URL(path, base), { method: p.method ?? "POST", headers, body: fd });
}

export async function emulatorState(base: string): Promise<{
  files: Array<{ id: number; adAccountId: number; name: string; bytes: number; lines: number; sha256: string; customerFileStatus: string; createdDate: string; originalCreatedDate: string; versions: number }>;
  tokens: Array<{ sha256: string; tokenId: number; kind: string; flow: string; scopes: string[]; resourceIds: string[] | null; revoked: boolean; expired: boolean; expiresAt: string | null; user: { id: number; email: string | null } }>;
  requests: Record<string, Record<string, number>>;
}> {
  const r = await fetch(new URL("/__emulator/state", base));
  return (await r.json()) as never;
}

export async function control(base: string, path: string, body?: unknown, method = "POST"): Promise<Response> {
  return fetch(new URL(path, base), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Merges `patch` into the running facts (POST /__emulator/facts); throws on a refused patch. */
export async function setFacts(base: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await control(base, "/__emulator/facts", patch);
  if (r.status !== 200) throw new Error(`facts refused (${r.status}): ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

/** Facts back to their start values (DELETE /__emulator/facts). */
export async function resetFacts(base: string): Promise<void> {
  await control(base, "/__emulator/facts", undefined, "DELETE");
}

/** The next `count` valid authorize requests are redirected back with `errorCode` (POST /__emulator/authorize-error). */
export async function forceAuthorizeError(base: string, errorCode: string, count?: number): Promise<void> {
  const r = await control(base, "/__emulator/authorize-error", count === undefined ? { error_code: errorCode } : { error_code: errorCode, count });
  if (r.status !== 200) throw new Error(`authorize-error refused (${r.status}): ${await r.text()}`);
}
