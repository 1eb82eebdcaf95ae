/**
 * HTTP to Kakao: timeouts, and Kakao's two error shapes turned into one KakaoError.
 *   OAuth:  {"error","error_description","error_code":"KOE…"}
 *   Moment: {"code":-813,"msg":"…","extras":{"detailCode","detailMsg"}}
 * Tokens never appear in messages.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { settingText, type Fact } from "@/lib/kakao/assumptions";

export type KakaoErrorKind =
  | "unauthorized" // 401: token dead or not a business token (reconnect needed)
  | "forbidden" // 403: no access to the ad account / consent missing (-813/403 too)
  | "bad_request" // 400 and other deterministic refusals: do not retry
  | "invalid_grant" // OAuth: bad/reused/expired code
  | "oauth" // other OAuth errors (invalid_client, redirect mismatch…)
  | "rate_limited" // 429, and -10 "API limit has been exceeded." (HTTP 400)
  | "transient" // -813 with HTTP 400 and no detail code: "internal error, try again later" (bounded retries)
  | "server" // 5xx
  | "network"; // timeout, reset, refused

export class KakaoError extends Error {
  constructor(
    readonly kind: KakaoErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string | number,
    readonly retryAfterMs?: number,
    readonly detailCode?: number,
  ) {
    super(message);
    this.name = "KakaoError";
  }
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network" || this.kind === "transient";
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

function networkError(url: string, timedOut: boolean, error: unknown): KakaoError {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  return new KakaoError("network", `Kakao could not be reached at ${new URL(url).host} (${timedOut ? "timed out" : cause ?? (error as Error).message})`);
}

export async function kakaoFetch(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = rest.signal ? AbortSignal.any([rest.signal, timeout]) : timeout;
  try {
    return await fetch(url, { ...rest, signal });
  } catch (error) {
    if (rest.signal?.aborted) throw error;
    throw networkError(url, timeout.aborted, error);
  }
}

/**
 * A request whose body is a stream of known length (a customer file upload), sent with node:http so
 * the file is read only as fast as the socket takes it: fetch() with a streamed body read a 200 MB
 * file into memory ahead of the socket (measured: the worker's memory grew by the file's size).
 * The (small) response is read whole and handed back as a fetch Response; errors as kakaoFetch's.
 */
export async function kakaoUpload(url: string, init: { method: string; headers: Record<string, string>; body: Readable; signal?: AbortSignal; timeoutMs?: number }): Promise<Response> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  try {
    return await new Promise<Response>((resolve, reject) => {
      const req = send(target, { method: init.method, headers: init.headers, signal }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
          const status = res.statusCode ?? 502;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(parts), { status, headers }));
        });
      });
      req.on("error", reject);
      pipeline(init.body, req).catch(reject);
    });
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason ?? error;
    throw networkError(url, timeout.aborted, error);
  }
}

/** Kakao's Moment answer to a Kakao Login token [measured]. */
const NOT_A_BIZ_TOKEN = /target biz token is not supplied/i;

/**
 * Read a non-2xx response into a KakaoError. `relies`: the settings the call depends on; a
 * deterministic refusal then names them with what Kakao answered, so a wrong guess about Kakao
 * says which setting to change.
 */
export async function kakaoErrorFrom(response: Response, what: string, relies: readonly Fact[] = []): Promise<KakaoError> {
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
  const extras = (body.extras ?? {}) as { detailCode?: unknown; detailMsg?: unknown };
  const code = typeof body.code === "number" ? body.code : undefined;
  const detailCode = typeof extras.detailCode === "number" ? extras.detailCode : undefined;
  const detail = (typeof extras.detailMsg === "string" ? extras.detailMsg : undefined) ?? (typeof body.msg === "string" ? body.msg : text.slice(0, 200));
  const answered = `HTTP ${response.status}${code !== undefined ? ` (code ${code}${detailCode !== undefined ? `/${detailCode}` : ""})` : ""}${detail ? ` — ${detail}` : ""}`;
  const kind: KakaoErrorKind =
    code === -10
      ? "rate_limited"
      : response.status === 401
        ? "unauthorized"
        : response.status === 403
          ? "forbidden"
          : response.status === 429
            ? "rate_limited"
            : response.status >= 500
              ? "server"
              : code === -813 && response.status === 400 && detailCode === undefined
                ? "transient"
                : "bad_request";
  let message = `${what} failed: Kakao answered ${answered}`;
  if (kind === "unauthorized" && NOT_A_BIZ_TOKEN.test(text)) {
    message += ". Kakao Moment accepts only Business Authentication tokens: reconnect the authentication.";
  } else if (kind === "bad_request" && relies.length > 0) {
    message += `. This call relies on ${relies.map(settingText).join(", ")}: if Kakao refused one of them, change that setting (npx kakao-hub kakao:doctor compares them with Kakao's answers).`;
  }
  return new KakaoError(kind, message, response.status, code, retryAfterMs, detailCode);
}
