/**
 * The one schedule schema (console form, server actions, later the v3 `schedule/*` API): Treasure
 * Data's cron (validated by lib/schedule/cron.ts, whose messages name the field and the token), an
 * IANA time zone and the delay in seconds. Errors come out as `cron: day-of-month: "32" is out of
 * range 1-31`, `timezone: unknown time zone "Mars/Base" …`, `delaySeconds: must be a whole number…`.
 */
import { z } from "zod";
import { validateCron } from "@/lib/schedule/cron";
import { canonicalTimeZone } from "@/lib/schedule/timezones";

/** Delay execution: at most one day (TD accepts any; a day keeps pg-boss's queue horizon sane). */
export const MAX_DELAY_SECONDS = 86_400;

const DELAY_MESSAGE = "must be a whole number of seconds";

export const cronSchema = z
  .union([z.string(), z.null()], { error: "is required (a cron expression, or empty for no schedule)" })
  // None: "" or null. Nothing else is trimmed: TD wants single spaces, and the form previews the same text.
  .transform((value) => value ?? "")
  .superRefine((value, ctx) => {
    if (value === "") return;
    const check = validateCron(value);
    if (!check.ok) ctx.addIssue({ code: "custom", message: check.error.message });
  });

export const timeZoneSchema = z
  .string({ error: "must be an IANA time zone name such as UTC or Asia/Seoul" })
  .default("UTC")
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === null) {
      ctx.addIssue({ code: "custom", message: value === "" ? "is required (an IANA name such as UTC or Asia/Seoul)" : `unknown time zone "${value.slice(0, 80)}" (use an IANA name such as UTC or Asia/Seoul)` });
      return z.NEVER;
    }
    return canonical;
  });

export const delaySecondsSchema = z.preprocess(
  // Form and API bodies send text; "" and anything not a plain decimal number stay invalid.
  (value) => (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
  z
    .number({ error: DELAY_MESSAGE })
    .int(DELAY_MESSAGE)
    .min(0, "must be 0 or more seconds")
    .max(MAX_DELAY_SECONDS, `must be at most ${MAX_DELAY_SECONDS} seconds (one day)`),
);

export const scheduleSchema = z.object({
  cron: cronSchema,
  timezone: timeZoneSchema,
  delaySeconds: delaySecondsSchema.default(0),
  notifyOnSuccess: z.boolean({ error: "must be true or false" }).optional(),
});

export type ScheduleInput = z.input<typeof scheduleSchema>;
export type Schedule = z.output<typeof scheduleSchema>;
