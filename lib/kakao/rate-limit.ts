/**
 * A token bucket per ad account for customer-file writes (POST/PUT/DELETE): Kakao allows about one
 * write per 5 s per ad account (assumed, DEFAULT_WRITE_INTERVAL_MS). Implemented as GCRA (the
 * "virtual scheduling" form of a token bucket): each acquire reserves the next free slot at once,
 * so concurrent callers are served in order without a queue or a timer per waiter.
 *
 * In-process only: jobs in one worker process share `sharedWriteLimiter()`. Across processes (many
 * workers writing to the same ad account) nothing is shared; Kakao's 429 plus withRetries' backoff
 * is the backstop, and `pause()` pushes this process's bucket back after a 429.
 */
import { DEFAULT_WRITE_INTERVAL_MS } from "@/lib/kakao/assumptions";
import { abortableSleep } from "@/lib/kakao/retry";

export interface RateLimiterOptions {
  /** One write per this many ms per ad account (default 5,000); 0 turns the limiter off. */
  intervalMs?: number;
  /** Writes allowed back to back after a quiet period (bucket size, default 1). */
  burst?: number;
  /** Injectable clock and sleep for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class WriteRateLimiter {
  readonly intervalMs: number;
  readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ad account → theoretical arrival time: the earliest time the next write may start when the bucket is empty. */
  private readonly tat = new Map<string, number>();

  constructor(opts: RateLimiterOptions = {}) {
    this.intervalMs = Math.max(0, opts.intervalMs ?? DEFAULT_WRITE_INTERVAL_MS);
    this.burst = Math.max(1, Math.floor(opts.burst ?? 1));
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
  }

  /** The wait the next write to this account would have right now (ms; 0 = free). */
  delayFor(adAccountId: string | number): number {
    if (this.intervalMs === 0) return 0;
    const now = this.now();
    const tat = Math.max(this.tat.get(String(adAccountId)) ?? now, now);
    return Math.max(0, tat - (this.burst - 1) * this.intervalMs - now);
  }

  /**
   * Waits for this account's next write slot and takes it. Resolves with the time waited.
   * An abort while waiting gives the slot back when no later caller has reserved after it.
   */
  async acquire(adAccountId: string | number, signal?: AbortSignal): Promise<number> {
    if (this.intervalMs === 0) return 0;
    signal?.throwIfAborted();
    const key = String(adAccountId);
    const now = this.now();
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const start = Math.max(now, tat - (this.burst - 1) * this.intervalMs);
    const next = tat + this.intervalMs;
    this.tat.set(key, next);
    const wait = start - now;
    if (wait <= 0) return 0;
    try {
      await this.sleep(wait, signal);
    } catch (error) {
      if (this.tat.get(key) === next) this.tat.set(key, tat);
      throw error;
    }
    return wait;
  }

  /** Kakao answered 429: hold this account's writes for `ms` (in this process). */
  pause(adAccountId: string | number, ms: number): void {
    if (this.intervalMs === 0 || ms <= 0) return;
    const key = String(adAccountId);
    const now = this.now();
    // The slot after the pause must be free for one write.
    const resume = now + ms + (this.burst - 1) * this.intervalMs;
    this.tat.set(key, Math.max(this.tat.get(key) ?? now, resume));
  }
}

let shared: WriteRateLimiter | null = null;

/** The process-wide limiter for customer-file writes (created on first use with `opts`). */
export function sharedWriteLimiter(opts?: RateLimiterOptions): WriteRateLimiter {
  shared ??= new WriteRateLimiter(opts);
  return shared;
}
