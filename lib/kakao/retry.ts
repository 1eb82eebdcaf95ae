/**
 * Retries for Kakao calls: 429 and -10 (call quota), 5xx and network errors (KakaoError.retryable) are retried with
 * exponential backoff and jitter; 400/403 are deterministic and 401 belongs to withAccessToken
 * (refresh or "reconnect needed"), so those are never retried here.
 *
 * Delays (attempt k = 1, 2, … failed):
 *   cap_k = min(maxMs, base · 2^(k-1)), base = rateLimitBaseMs (429) or baseMs (others)
 *   429:    equal jitter, cap_k/2 + random·cap_k/2 — Kakao documents no Retry-After and the write
 *           limit is about one request per 5 s per ad account, so retrying sooner than half the
 *           base only burns an attempt;
 *   others: full jitter, random·cap_k (AWS's "full jitter": spreads retries of many workers).
 *   A Retry-After header (KakaoError.retryAfterMs) wins when present, bounded by maxRetryAfterMs.
 * A -813 with HTTP 400 and no detail code ("internal error, try again later", kind "transient")
 * is retried like a 5xx but at most TRANSIENT_TRIES times in all: it may also be a refusal Kakao
 * did not explain, and a 200 MB upload should not be sent eight times for that.
 */
import { TRANSIENT_TRIES } from "@/lib/kakao/assumptions";
import { KakaoError } from "@/lib/kakao/http";

export interface RetryOptions {
  /** Attempts in all, the first included (default 8). */
  tries?: number;
  /** Backoff base for 5xx and network errors, ms (default 1,000). */
  baseMs?: number;
  /** Backoff base for 429, ms (default 5,000). */
  rateLimitBaseMs?: number;
  /** Largest computed delay, ms (default 60,000). */
  maxMs?: number;
  /** Largest Retry-After honoured, ms (default 300,000). */
  maxRetryAfterMs?: number;
  /** Jitter as above (default true); false gives the exact exponential delays (cap_k). */
  jitter?: boolean;
  /** Called before each wait: the attempt that failed (1-based), its error, the delay. */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  signal?: AbortSignal;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Which errors to retry (default: KakaoError with kind rate_limited, server or network). */
  retryIf?: (error: unknown) => boolean;
}

export const DEFAULT_RETRY = { tries: 8, baseMs: 1_000, rateLimitBaseMs: 5_000, maxMs: 60_000, maxRetryAfterMs: 300_000 } as const;

export function isRetryableKakaoError(error: unknown): boolean {
  return error instanceof KakaoError && error.retryable;
}

/** An ambiguous failure: the request may have reached Kakao and been applied (5xx, network, timeout, Kakao's internal error). */
export function isAmbiguousKakaoError(error: unknown): boolean {
  return error instanceof KakaoError && (error.kind === "server" || error.kind === "network" || error.kind === "transient");
}

/** The wait after attempt `attempt` (1-based) failed with `error`. */
export function backoffDelay(attempt: number, error: unknown, opts: RetryOptions = {}): number {
  const maxMs = opts.maxMs ?? DEFAULT_RETRY.maxMs;
  const random = opts.random ?? Math.random;
  if (error instanceof KakaoError && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
    return Math.min(error.retryAfterMs, opts.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs);
  }
  const rateLimited = error instanceof KakaoError && error.kind === "rate_limited";
  const base = rateLimited ? (opts.rateLimitBaseMs ?? DEFAULT_RETRY.rateLimitBaseMs) : (opts.baseMs ?? DEFAULT_RETRY.baseMs);
  const cap = Math.min(maxMs, base * 2 ** Math.min(attempt - 1, 30));
  if (opts.jitter === false) return Math.round(cap);
  return Math.round(rateLimited ? cap / 2 + (random() * cap) / 2 : random() * cap);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `fn(attempt)` until it succeeds, fails with an error not to retry, or `tries` attempts
 * failed (then the last KakaoError is thrown with "(gave up after N attempts)" added).
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const tries = Math.max(1, opts.tries ?? DEFAULT_RETRY.tries);
  const retryIf = opts.retryIf ?? isRetryableKakaoError;
  const sleep = opts.sleep ?? abortableSleep;
  let transient = 0;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!retryIf(error)) throw error;
      if (error instanceof KakaoError && error.kind === "transient") transient++;
      if (attempt >= tries || transient >= TRANSIENT_TRIES) throw gaveUp(error, attempt);
      const delay = backoffDelay(attempt, error, opts);
      opts.onRetry?.(attempt, error, delay);
      await sleep(delay, opts.signal);
    }
  }
}

function gaveUp(error: unknown, attempts: number): unknown {
  if (!(error instanceof KakaoError) || attempts <= 1) return error;
  const again = new KakaoError(error.kind, `${error.message} (gave up after ${attempts} attempts)`, error.status, error.code, error.retryAfterMs, error.detailCode);
  again.stack = error.stack;
  return again;
}
