import { describe, expect, it } from "vitest";
import { sharedWriteLimiter, WriteRateLimiter } from "@/lib/kakao/rate-limit";

/** A fake clock whose sleep advances time (and records what was asked). */
function fakeClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
    },
  };
}

describe("WriteRateLimiter", () => {
  it("spaces writes to one ad account: one per interval (default 5 s)", async () => {
    const clock = fakeClock();
    const limiter = new WriteRateLimiter({ now: clock.now, sleep: clock.sleep });
    expect(limiter.intervalMs).toBe(5_000);
    expect(await limiter.acquire(27429)).toBe(0);
    expect(await limiter.acquire(27429)).toBe(5_000);
    expect(await limiter.acquire(27429)).toBe(10_000);
    clock.advance(12_000);
    expect(await limiter.acquire(27429)).toBe(3_000);
    clock.advance(60_000);
    expect(await limiter.acquire(27429)).toBe(0);
  });

  it("concurrent callers get distinct slots, in order", async () => {
    const clock = fakeClock();
    const limiter = new WriteRateLimiter({ intervalMs: 1_000, now: clock.now, sleep: clock.sleep });
    const waits = await Promise.all([limiter.acquire("1"), limiter.acquire("1"), limiter.acquire("1"), limiter.acquire("1")]);
    expect(waits).toEqual([0, 1_000, 2_000, 3_000]);
  });

  it("keeps ad accounts apart", async () => {
    const clock = fakeClock();
    const limiter = new WriteRateLimiter({ intervalMs: 1_000, now: clock.now, sleep: clock.sleep });
    expect(await limiter.acquire(1)).toBe(0);
    expect(await limiter.acquire(2)).toBe(0);
    expect(await limiter.acquire(1)).toBe(1_000);
    expect(limiter.delayFor(2)).toBe(1_000);
    expect(limiter.delayFor(3)).toBe(0);
  });

  it("0 turns it off", async () => {
    const limiter = new WriteRateLimiter({ intervalMs: 0, sleep: async () => expect.fail("no sleep") });
    for (let i = 0; i < 5; i++) expect(await limiter.acquire(1)).toBe(0);
  });

  it("a burst allows writes back to back after a quiet period", async () => {
    const clock = fakeClock();
    const limiter = new WriteRateLimiter({ intervalMs: 1_000, burst: 3, now: clock.now, sleep: clock.sleep });
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await limiter.acquire(1));
    expect(waits).toEqual([0, 0, 0, 1_000, 2_000]);
  });

  it("pause() after a 429 holds the account's next write", async () => {
    const clock = fakeClock();
    const limiter = new WriteRateLimiter({ intervalMs: 1_000, now: clock.now, sleep: clock.sleep });
    await limiter.acquire(1);
    limiter.pause(1, 8_000);
    expect(await limiter.acquire(1)).toBe(8_000);
    expect(await limiter.acquire(1)).toBe(9_000);
  });

  it("an aborted wait gives its slot back", async () => {
    const clock = fakeClock();
    const sleep = (_ms: number, signal?: AbortSignal) => new Promise<void>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
    const limiter = new WriteRateLimiter({ intervalMs: 1_000, now: clock.now, sleep });
    await limiter.acquire(1);
    const ac = new AbortController();
    const waiting = limiter.acquire(1, ac.signal);
    expect(limiter.delayFor(1)).toBe(2_000);
    ac.abort(new Error("killed"));
    await expect(waiting).rejects.toThrow("killed");
    expect(limiter.delayFor(1)).toBe(1_000);
    await expect(limiter.acquire(1, ac.signal)).rejects.toThrow("killed");
  });

  it("really waits with the default sleep", async () => {
    const limiter = new WriteRateLimiter({ intervalMs: 120 });
    const started = Date.now();
    await limiter.acquire(1);
    await limiter.acquire(1);
    await limiter.acquire(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
  });

  it("sharedWriteLimiter is one per process", () => {
    expect(sharedWriteLimiter()).toBe(sharedWriteLimiter());
  });
});
