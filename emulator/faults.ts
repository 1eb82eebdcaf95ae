import { z } from "zod";

/**
 * Fault injection for tests: status codes, dropped connections and latency on matching requests,
 * at a rate drawn from a seedable PRNG, or exactly the next N matching requests.
 * `/__emulator/*` is never faulted.
 */

export type FaultPhase = "before" | "after";
export type FaultAction = number | "reset";

export const faultRuleSchema = z
  .object({
    /** Probability that a matching request gets a status/reset fault. Default 1. */
    rate: z.number().min(0).max(1).default(1),
    /** Statuses to answer with; one is picked at random per fault. */
    statuses: z.array(z.number().int().min(400).max(599)).default([]),
    /** Also (or only, with no statuses) drop the connection (TCP reset). */
    resetConnection: z.boolean().default(false),
    /** Delay every matching request by this many ms, or a uniform pick in [min, max]. */
    latencyMs: z
      .union([z.number().int().min(0), z.tuple([z.number().int().min(0), z.number().int().min(0)])])
      .optional(),
    /** Path prefixes to match (e.g. "/openapi/v4/customerFiles"). Default: every API path. */
    paths: z.array(z.string().startsWith("/")).min(1).optional(),
    /** HTTP methods to match. Default: all. */
    methods: z.array(z.string().min(1)).min(1).optional(),
    /**
     * "before": fail without running the handler (nothing stored); "after": run the handler (the
     * upload is stored) and then fail; "both": each fault picks one of the two at random.
     */
    phase: z.enum(["before", "after", "both"]).default("before"),
    /** Only the next N faults of this rule strike; then it is spent. */
    count: z.number().int().positive().optional(),
  })
  .strict()
  .refine((r) => r.statuses.length > 0 || r.resetConnection || r.latencyMs !== undefined, {
    message: "a fault rule needs statuses, resetConnection or latencyMs",
  });

export type FaultRuleInput = z.infer<typeof faultRuleSchema>;

interface FaultRule extends FaultRuleInput {
  remaining: number | null;
  triggered: number;
  matched: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault: { phase: FaultPhase; action: FaultAction } | null;
}

/** mulberry32: small, fast, good enough for test reproducibility. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Parses a POST /__emulator/faults body; returns rules + optional seed, or an error message. */
export function parseFaultsBody(body: unknown): { rules: FaultRuleInput[]; seed?: number } | { error: string } {
  const fmt = (e: z.ZodError) => e.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  if (Array.isArray(body)) {
    const r = z.array(faultRuleSchema).min(1).safeParse(body);
    return r.success ? { rules: r.data } : { error: fmt(r.error) };
  }
  if (body && typeof body === "object" && "rules" in body) {
    const r = z.object({ rules: z.array(faultRuleSchema).min(1), seed: z.number().int().optional() }).strict().safeParse(body);
    return r.success ? { rules: r.data.rules, seed: r.data.seed } : { error: fmt(r.error) };
  }
  if (!body || typeof body !== "object") return { error: "(body): expected a fault rule object" };
  const { seed, ...rule } = body as Record<string, unknown>;
  if (seed !== undefined && !Number.isInteger(seed)) return { error: "seed: expected an integer" };
  const r = faultRuleSchema.safeParse(rule);
  if (!r.success) return { error: fmt(r.error) };
  return seed === undefined ? { rules: [r.data] } : { rules: [r.data], seed: seed as number };
}

export class Faults {
  private rules: FaultRule[] = [];
  private rng: () => number;

  constructor(private seed: number) {
    this.rng = mulberry32(seed);
  }

  /** Replaces all rules (re-seeding the PRNG when a seed is given, else restarting it). */
  set(rules: FaultRuleInput[], seed?: number): void {
    if (seed !== undefined) this.seed = seed;
    this.rng = mulberry32(this.seed);
    this.rules = rules.map((r) => ({ ...r, remaining: r.count ?? null, triggered: 0, matched: 0 }));
  }

  clear(): void {
    this.rules = [];
    this.rng = mulberry32(this.seed);
  }

  describe(): { seed: number; rules: Array<Record<string, unknown>> } {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...r })) };
  }

  decide(method: string, path: string): FaultDecision {
    let latencyMs = 0;
    let fault: FaultDecision["fault"] = null;
    for (const r of this.rules) {
      if (r.paths && !r.paths.some((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`))) continue;
      if (r.methods && !r.methods.some((m) => m.toUpperCase() === method)) continue;
      r.matched++;
      if (r.latencyMs !== undefined) {
        const [min, max] = typeof r.latencyMs === "number" ? [r.latencyMs, r.latencyMs] : r.latencyMs;
        const lo = Math.min(min, max);
        const hi = Math.max(min, max);
        latencyMs = Math.max(latencyMs, Math.round(lo + this.rng() * (hi - lo)));
      }
      if (fault) continue;
      const actions: FaultAction[] = [...r.statuses, ...(r.resetConnection ? (["reset"] as const) : [])];
      if (actions.length === 0) continue;
      if (r.remaining !== null && r.remaining <= 0) continue;
      if (r.rate < 1 && this.rng() >= r.rate) continue;
      const action = actions.length === 1 ? actions[0]! : actions[Math.floor(this.rng() * actions.length)]!;
      const phase: FaultPhase = r.phase === "both" ? (this.rng() < 0.5 ? "before" : "after") : r.phase;
      if (r.remaining !== null) r.remaining--;
      r.triggered++;
      fault = { phase, action };
    }
    return { latencyMs, fault };
  }
}
