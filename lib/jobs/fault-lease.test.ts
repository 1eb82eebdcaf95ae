/** The heartbeat fits the lease: a live job's lease is renewed several times before it could be reaped. */
import { afterAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { heartbeatMs, leaseMs } from "@/lib/jobs/runner";

const original = process.env.JOB_LEASE_MS;
afterAll(() => {
  if (original === undefined) delete process.env.JOB_LEASE_MS;
  else process.env.JOB_LEASE_MS = original;
  resetEnvCache();
});

describe("heartbeat vs JOB_LEASE_MS", () => {
  it.each([1_000, 2_000, 3_000, 10_000, 30_000, 600_000])("lease %i ms: at least four beats per lease, never more often than every 250 ms", (lease) => {
    process.env.JOB_LEASE_MS = String(lease);
    resetEnvCache();
    expect(leaseMs()).toBe(lease);
    expect(heartbeatMs() * 4).toBeLessThanOrEqual(lease);
    expect(heartbeatMs()).toBeGreaterThanOrEqual(250);
    expect(heartbeatMs()).toBeLessThanOrEqual(2_000);
  });
});
