import { z } from "zod";
import type { EmulatorOptions } from "./config";
import { factsPatchSchema } from "./facts";

/** EMULATOR_* environment variables → startEmulator options (validated with zod). */

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected an integer between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected an integer between ${min} and ${max}`)
    .optional();

const nonEmpty = z.string().trim().min(1, "must not be empty").optional();

const envSchema = z.object({
  EMULATOR_PORT: int(0, 65_535),
  EMULATOR_HOST: nonEmpty,
  EMULATOR_DATA_DIR: nonEmpty,
  EMULATOR_SEED_FILE: nonEmpty,
  EMULATOR_RATE_LIMIT_MS: int(0),
  EMULATOR_PROCESSING_DELAY_MS: int(0),
  EMULATOR_ACCESS_TOKEN_TTL_SEC: int(1),
  EMULATOR_REFRESH_TOKEN_TTL_SEC: int(1),
  EMULATOR_CODE_TTL_SEC: int(1),
  EMULATOR_MAX_FILE_BYTES: int(1),
  EMULATOR_MAX_FILES_PER_ACCOUNT: int(1),
  EMULATOR_FAULT_SEED: int(0, 4_294_967_295),
  EMULATOR_REDIRECT_URIS: z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((u) => URL.canParse(u)), "expected a comma-separated list of absolute URLs"),
  EMULATOR_LOG_REQUESTS: z.enum(["0", "1", "true", "false"]).optional(),
  EMULATOR_DELETE_LINGER_MS: int(0),
  /** A JSON object of flippable facts, e.g. {"uploadFilePart":"files","editCall":null}. */
  EMULATOR_FACTS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      let raw: unknown;
      try {
        raw = JSON.parse(s);
      } catch {
        ctx.addIssue({ code: "custom", message: "expected a JSON object of emulator facts" });
        return z.NEVER;
      }
      const r = factsPatchSchema.safeParse(raw);
      if (!r.success) {
        ctx.addIssue({ code: "custom", message: r.error.issues.map((i) => `${i.path.join(".") || "(object)"}: ${i.message}`).join("; ") });
        return z.NEVER;
      }
      return r.data;
    }),
});

export function optionsFromEnv(env: Record<string, string | undefined>): EmulatorOptions | { error: string } {
  // Empty strings count as unset.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("EMULATOR_") && v !== ""));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const got = cleaned[name];
    return { error: `Invalid environment variable ${name}: ${issue.message}${got !== undefined ? ` (got "${got}")` : ""}` };
  }
  const e = r.data;
  return {
    port: e.EMULATOR_PORT ?? 3001,
    host: e.EMULATOR_HOST ?? "127.0.0.1",
    dataDir: e.EMULATOR_DATA_DIR,
    seedFile: e.EMULATOR_SEED_FILE,
    rateLimitMs: e.EMULATOR_RATE_LIMIT_MS,
    processingDelayMs: e.EMULATOR_PROCESSING_DELAY_MS,
    accessTokenTtlSec: e.EMULATOR_ACCESS_TOKEN_TTL_SEC,
    refreshTokenTtlSec: e.EMULATOR_REFRESH_TOKEN_TTL_SEC,
    codeTtlSec: e.EMULATOR_CODE_TTL_SEC,
    maxFileBytes: e.EMULATOR_MAX_FILE_BYTES,
    maxFilesPerAccount: e.EMULATOR_MAX_FILES_PER_ACCOUNT,
    seed: e.EMULATOR_FAULT_SEED,
    redirectUris: e.EMULATOR_REDIRECT_URIS,
    logRequests: e.EMULATOR_LOG_REQUESTS === "1" || e.EMULATOR_LOG_REQUESTS === "true",
    deleteLingerMs: e.EMULATOR_DELETE_LINGER_MS,
    facts: e.EMULATOR_FACTS,
  };
}

