import { z } from "zod";
import { API_LIMIT_MSG, INTERNAL_ERROR_DETAIL_MSG, NO_PERMISSION_DETAIL, UNSUPPORTED_API_MSG } from "./kakao-assumptions";

/**
 * Fault injection for tests: status codes, dropped connections and latency on matching requests,
 * at a rate drawn from a seedable PRNG, or exactly the next N matching requests.
 * `/__emulator/*` is never faulted.
 */

export type FaultPhase = "before" | "after";

/** A Kakao error body to answer with: `{status, code}` plus an optional detailCode / message. */
export const faultErrorSchema = z
  .object({
    status: z.number().int().min(400).max(599),
    /** Kakao's `code` (a negative int: -10 quota, -813 KakaoMomentException, -1, -2, …). */
    code: z.number().int().max(-1),
    /** `extras.detailCode` (default: none; 9004 for -813 with 403). */
    detailCode: z.number().int().optional(),
    /** For -813: `extras.detailMsg`; for other codes: the top-level `msg`. */
    msg: z.string().min(1).max(2000).optional(),
  })
  .strict();

export type FaultError = z.infer<typeof faultErrorSchema>;
export type FaultAction = number | "reset" | { error: FaultError };

export const faultRuleSchema = z
  .object({
    /** Probability that a matching request gets a status/reset fault. Default 1. */
    rate: z.number().min(0).max(1).default(1),
    /** Statuses to answer with (a generic body per status); one action is picked at random per fault. */
    statuses: z.array(z.number().int().min(400).max(599)).default([]),
    /** Kakao error bodies to answer with (picked among statuses + errors + reset). */
    errors: z.array(faultErrorSchema).default([]),
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
  .refine((r) => r.statuses.length > 0 || r.errors.length > 0 || r.resetConnection || r.latencyMs !== undefined, {
    message: "a fault rule needs statuses, errors, resetConnection or latencyMs",
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

/** Default top-level `msg` per Kakao code (non -813) when a fault error gives none. */
const DEFAULT_MSG: Record<number, string> = {
  [-1]: "internal server error",
  [-2]: "invalid parameter",
  [-3]: UNSUPPORTED_API_MSG,
  [-5]: "no permission",
  [-10]: API_LIMIT_MSG,
  [-12]: "this app is blocked",
  [-401]: "this access token does not exist",
  [-402]: "insufficient scopes.",
};

/**
 * Kakao's error body for a fault `errors` entry:
 * - -10 → `{"code":-10,"msg":"API limit has been exceeded.","extras":{}}`
 * - -813, 400 (or 5xx), no detailCode → `{"code":-813,"msg":"KakaoMomentException","extras":{"detailMsg":"internal error, try again later"}}`
 * - -813, 403 → detailCode 9004 "권한이 없습니다." unless given
 * - an explicit detailCode / msg is used as given (for -813, `msg` is `extras.detailMsg`).
 */
export function faultErrorBody(e: FaultError): Record<string, unknown> {
  if (e.code === -813) {
    let extras: Record<string, unknown>;
    if (e.detailCode !== undefined) {
      const def = e.detailCode === NO_PERMISSION_DETAIL.detailCode ? NO_PERMISSION_DETAIL.detailMsg : INTERNAL_ERROR_DETAIL_MSG;
      extras = { detailCode: e.detailCode, detailMsg: e.msg ?? def };
    } else if (e.status === 403) {
      extras = { detailCode: NO_PERMISSION_DETAIL.detailCode, detailMsg: e.msg ?? NO_PERMISSION_DETAIL.detailMsg };
    } else if (e.status === 429) {
      extras = { detailMsg: e.msg ?? "too many requests, try again later" };
    } else {
      extras = { detailMsg: e.msg ?? INTERNAL_ERROR_DETAIL_MSG };
    }
    return { code: -813, msg: "KakaoMomentException", extras };
  }
  return {
    code: e.code,
    msg: e.msg ?? DEFAULT_MSG[e.code] ?? "error (injected fault)",
    extras: e.detailCode !== undefined ? { detailCode: e.detailCode } : {},
  };
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
      const actions: FaultAction[] = [
        ...r.statuses,
        ...r.errors.map((error) => ({ error })),
        ...(r.resetConnection ? (["reset"] as const) : []),
      ];
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
