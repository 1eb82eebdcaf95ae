import { describe, expect, it } from "vitest";
import { KakaoError } from "@/lib/kakao/http";
import { backoffDelay, withRetries, type RetryOptions } from "@/lib/kakao/retry";

const server = () => new KakaoError("server", "Kakao answered HTTP 500", 500);
const network = () => new KakaoError("network", "Kakao could not be reached (ECONNRESET)");
const limited = (retryAfterMs?: number) => new KakaoError("rate_limited", "HTTP 429", 429, -813, retryAfterMs);

/** Fake sleep: records the delays, waits for nothing. */
function fakeTime(random = () => 0.5): { opts: RetryOptions; delays: number[] } {
  const delays: number[] = [];
  return { delays, opts: { sleep: async (ms) => void delays.push(ms), random } };
}

function failing(errors: unknown[], value = "ok") {
  let calls = 0;
  const fn = async (attempt: number) => {
    calls++;
    expect(attempt).toBe(calls);
    if (calls <= errors.length) throw errors[calls - 1];
    return value;
  };
  return { fn, calls: () => calls };
}

describe("withRetries", () => {
  it("retries 5xx, network errors and 429 until success", async () => {
    const t = fakeTime();
    const f = failing([server(), network(), limited()]);
    const retries: [number, string, number][] = [];
    await expect(withRetries(f.fn, { ...t.opts, onRetry: (a, e, d) => retries.push([a, (e as KakaoError).kind, d]) })).resolves.toBe("ok");
    expect(f.calls()).toBe(4);
    // full jitter (random 0.5): 1000·0.5, 2000·0.5; 429 equal jitter on 5000·4 = 20000: 10000 + 0.5·10000
    expect(retries).toEqual([
      [1, "server", 500],
      [2, "network", 1000],
      [3, "rate_limited", 15000],
    ]);
    expect(t.delays).toEqual([500, 1000, 15000]);
  });

  it("never retries 400, 403 or 401", async () => {
    for (const kind of ["bad_request", "forbidden", "unauthorized"] as const) {
      const t = fakeTime();
      const f = failing([new KakaoError(kind, kind)]);
      await expect(withRetries(f.fn, t.opts)).rejects.toMatchObject({ kind });
      expect(f.calls()).toBe(1);
      expect(t.delays).toEqual([]);
    }
  });

  it("does not retry errors that are not Kakao's", async () => {
    const f = failing([new Error("ENOENT: the spool file is gone")]);
    await expect(withRetries(f.fn, fakeTime().opts)).rejects.toThrow(/ENOENT/);
    expect(f.calls()).toBe(1);
  });

  it("gives up after `tries` attempts (default 8) and says so", async () => {
    const t = fakeTime();
    const f = failing(Array.from({ length: 20 }, server));
    const error = await withRetries(f.fn, t.opts).catch((e: unknown) => e);
    expect(f.calls()).toBe(8);
    expect(t.delays).toHaveLength(7);
    expect(error).toBeInstanceOf(KakaoError);
    expect((error as KakaoError).kind).toBe("server");
    expect((error as Error).message).toBe("Kakao answered HTTP 500 (gave up after 8 attempts)");
    const g = failing([server(), server()]);
    await expect(withRetries(g.fn, { ...t.opts, tries: 2 })).rejects.toThrow(/gave up after 2 attempts/);
  });

  it("grows exponentially up to maxMs", () => {
    const opts: RetryOptions = { jitter: false, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, server(), opts))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
    expect([1, 2, 3].map((a) => backoffDelay(a, limited(), opts))).toEqual([5000, 10000, 10000]);
    expect(backoffDelay(40, server(), { jitter: false })).toBe(60_000);
  });

  it("jitter: full for 5xx/network (0…cap), equal for 429 (cap/2…cap)", () => {
    expect(backoffDelay(3, server(), { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, server(), { random: () => 0.999 })).toBe(3996);
    expect(backoffDelay(1, limited(), { random: () => 0 })).toBe(2500);
    expect(backoffDelay(1, limited(), { random: () => 1 })).toBe(5000);
    expect(backoffDelay(2, network(), { baseMs: 10, random: () => 1 })).toBe(20);
    expect(backoffDelay(2, limited(), { rateLimitBaseMs: 10, random: () => 1 })).toBe(20);
  });

  it("honours Retry-After when Kakao sends it, bounded", () => {
    expect(backoffDelay(1, limited(7_000))).toBe(7_000);
    expect(backoffDelay(5, limited(7_000))).toBe(7_000);
    expect(backoffDelay(1, limited(3_600_000))).toBe(300_000);
    expect(backoffDelay(1, limited(3_600_000), { maxRetryAfterMs: 1_000 })).toBe(1_000);
  });

  it("stops waiting when aborted", async () => {
    const ac = new AbortController();
    const f = failing(Array.from({ length: 5 }, server));
    const started = Date.now();
    const p = withRetries(f.fn, { signal: ac.signal, baseMs: 60_000, random: () => 1 });
    setTimeout(() => ac.abort(new Error("job killed")), 30);
    await expect(p).rejects.toThrow("job killed");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(f.calls()).toBe(1);
  });

  it("a custom retryIf decides", async () => {
    const f = failing([new Error("flaky"), new Error("flaky")]);
    await expect(withRetries(f.fn, { ...fakeTime().opts, retryIf: (e) => (e as Error).message === "flaky" })).resolves.toBe("ok");
    expect(f.calls()).toBe(3);
  });
});
