/**
 * HTTP to Kakao: timeouts, and Kakao's two error shapes turned into one KakaoError.
 *   OAuth:  {"error","error_description","error_code":"KOE…"}
 *   Moment: {"code":-813,"msg":"…","extras":{"detailCode","detailMsg"}}
 * Tokens never appear in messages.
 */
export type KakaoErrorKind =
  | "unauthorized" // 401: token dead (refresh, or reconnect needed)
  | "forbidden" // 403: no access to the ad account / consent missing
  | "bad_request" // 400 and other deterministic refusals: do not retry
  | "invalid_grant" // OAuth: bad/reused/expired code or refresh token
  | "oauth" // other OAuth errors (invalid_client, redirect mismatch…)
  | "rate_limited" // 429
  | "server" // 5xx
  | "network"; // timeout, reset, refused

export class KakaoError extends Error {
  constructor(
    readonly kind: KakaoErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string | number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "KakaoError";
  }
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network";
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function kakaoFetch(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = rest.signal ? AbortSignal.any([rest.signal, timeout]) : timeout;
  try {
    return await fetch(url, { ...rest, signal });
  } catch (error) {
    if (rest.signal?.aborted) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new KakaoError("network", `Kakao could not be reached at ${new URL(url).host} (${timeout.aborted ? "timed out" : cause ?? (error as Error).message})`);
  }
}

/** Read a non-2xx response into a KakaoError. */
export async function kakaoErrorFrom(response: Response, what: string): Promise<KakaoError> {
  const text = await response.text().catch(() => "");
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a proxy page, a dropped body)
  }
  const retryAfter = Number(response.headers.get("retry-after"));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  if (typeof body.error === "string") {
    const code = typeof body.error_code === "string" ? body.error_code : undefined;
    const detail = `${body.error}${code ? ` ${code}` : ""}: ${String(body.error_description ?? "")}`.trim();
    const kind = body.error === "invalid_grant" ? "invalid_grant" : response.status >= 500 ? "server" : "oauth";
    return new KakaoError(kind, `${what} failed (${detail})`, response.status, code ?? body.error);
  }
  const extras = (body.extras ?? {}) as { detailCode?: number; detailMsg?: string };
  const code = typeof body.code === "number" ? body.code : undefined;
  const detail = extras.detailMsg ?? (typeof body.msg === "string" ? body.msg : text.slice(0, 200)) ?? "";
  const message = `${what} failed: HTTP ${response.status}${code !== undefined ? ` (code ${code}${extras.detailCode ? `/${extras.detailCode}` : ""})` : ""}${detail ? ` — ${detail}` : ""}`;
  const kind: KakaoErrorKind =
    response.status === 401 ? "unauthorized" : response.status === 403 ? "forbidden" : response.status === 429 ? "rate_limited" : response.status >= 500 ? "server" : "bad_request";
  return new KakaoError(kind, message, response.status, code, retryAfterMs);
}
