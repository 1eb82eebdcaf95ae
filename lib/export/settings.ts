/**
 * Export Results settings for Kakao Moment — the one schema that the console form, the server
 * action, the v3 API (`result_connection_settings`) and the workflow runner (`result_settings`)
 * all validate with. Field names are Treasure Data's (digdag) spellings.
 */
import { z } from "zod";
import { customerFileNameSchema } from "@/lib/export/naming";

export const EXPORT_MODES = ["register", "edit"] as const;
export const OVERSIZE_ACTIONS = ["stop", "send_first_200mb"] as const;

/** Kakao Moment ad account ids are positive integers; given as a number or a string of digits. */
export const adAccountIdSchema = z
  .union([z.number(), z.string()], { error: "is required" })
  .transform((value, ctx) => {
    const text = String(value).trim();
    if (!/^[1-9][0-9]{0,17}$/.test(text)) {
      ctx.addIssue({ code: "custom", message: `must be a numeric Kakao Moment ad account id (got "${text.slice(0, 40)}")` });
      return z.NEVER;
    }
    return Number(text);
  });

export const exportSettingsSchema = z
  .object({
    type: z.literal("kakao_moment", { error: 'must be "kakao_moment"' }).default("kakao_moment"),
    data_source: z.literal("customer_file", { error: 'must be "customer_file" (Customer File)' }).default("customer_file"),
    ad_account_id: adAccountIdSchema,
    mode: z.enum(EXPORT_MODES, { error: 'must be "register" or "edit"' }),
    file_name: customerFileNameSchema,
    /** When data size is greater than 200MB: required for edit. */
    action: z.enum(OVERSIZE_ACTIONS, { error: 'must be "stop" or "send_first_200mb"' }).optional(),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.mode === "edit" && !settings.action) {
      ctx.addIssue({ code: "custom", path: ["action"], message: 'is required when mode is "edit" (stop or send_first_200mb)' });
    }
  });

export type ExportSettings = z.infer<typeof exportSettingsSchema>;
export type ExportSettingsInput = z.input<typeof exportSettingsSchema>;
