import { z } from "zod";
import type { EmulatorFacts } from "./kakao-assumptions";

export { DEFAULT_FACTS, type EmulatorFacts } from "./kakao-assumptions";

/**
 * Validation of flippable facts (`EmulatorOptions.facts`, `EMULATOR_FACTS`, `POST /__emulator/facts`):
 * a strict partial object — unknown keys and bad types are refused.
 */

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a JSON field name (letters, digits, _)");
const partName = z.string().min(1).max(200).regex(/^[^"\r\n]+$/, "expected a multipart part name");

/** "METHOD /path/with/{id}" (the path must hold `{id}` once, as a whole segment). */
export const EDIT_CALL_FORMAT = /^(GET|POST|PUT|PATCH|DELETE) (\/(?:[A-Za-z0-9._~-]+|\{id\})(?:\/(?:[A-Za-z0-9._~-]+|\{id\}))*)$/;

export const factsPatchSchema = z
  .object({
    uploadNamePart: partName,
    uploadFilePart: partName,
    registerAnswer: z.enum(["file", "empty"]),
    editCall: z
      .string()
      .regex(EDIT_CALL_FORMAT, 'expected "METHOD /path/with/{id}", e.g. "PUT /openapi/v4/customerFiles/{id}"')
      .refine((s) => s.split("{id}").length === 2, "the path must contain {id} exactly once")
      .refine((s) => !s.includes(" /__emulator/"), "the edit call cannot be a control path")
      .nullable(),
    maxFileNameChars: z.number().int().min(1).max(4000),
    dateUtcOffsetHours: z.number().min(-12).max(14),
    tokenInfoUserIdField: fieldName,
    adAccountsPageField: fieldName,
    writeIntervalMs: z.number().int().min(0).nullable(),
  })
  .partial()
  .strict();

export type FactsPatch = Partial<EmulatorFacts>;

const fmt = (e: z.ZodError) => e.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");

/** Validates a facts patch against the current facts (the two part names must differ). */
export function parseFactsPatch(body: unknown, current: EmulatorFacts): { patch: FactsPatch } | { error: string } {
  const r = factsPatchSchema.safeParse(body);
  if (!r.success) return { error: fmt(r.error) };
  const merged = { ...current, ...r.data };
  if (merged.uploadNamePart === merged.uploadFilePart) {
    return { error: "uploadNamePart and uploadFilePart must differ" };
  }
  return { patch: r.data };
}

/** `"PUT /openapi/v4/customerFiles/{id}"` → method + path template. */
export function parseEditCall(call: string): { method: string; template: string } {
  const m = EDIT_CALL_FORMAT.exec(call);
  if (!m) throw new Error(`bad editCall ${call}`);
  return { method: m[1]!, template: m[2]! };
}
