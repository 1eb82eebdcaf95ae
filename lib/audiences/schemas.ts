/**
 * Audience Studio inputs: one schema each, shared by the server actions and the forms. The rule
 * tree and the output mapping have their schemas beside their compilers (rules.ts, mapping.ts);
 * the Kakao Details are the Export Results schema (lib/export/settings.ts), the Schedule the
 * Schedules issue's (lib/schedule/schemas.ts).
 */
import { z } from "zod";
import { columnNameSchema, databaseNameSchema, tableNameSchema } from "@/lib/warehouse/names";
import { exportSettingsSchema } from "@/lib/export/settings";
import { ruleTreeSchema } from "@/lib/audiences/rules";
import { mappingSchema } from "@/lib/audiences/mapping";
import { cronSchema, delaySecondsSchema, timeZoneSchema } from "@/lib/schedule/schemas";

const id = z.coerce.number({ error: "must be an id" }).int("must be an id").positive("must be an id");
const displayName = z.string({ error: "is required" }).trim().min(1, "is required").max(100, "must be at most 100 characters");

export const parentSegmentInputSchema = z.object({
  name: displayName,
  database: databaseNameSchema,
  table: tableNameSchema,
  keyColumn: columnNameSchema,
  attributes: z.array(columnNameSchema).min(1, "choose at least one attribute column").max(200, "at most 200 attributes"),
});
export type ParentSegmentInput = z.input<typeof parentSegmentInputSchema>;

export const updateParentSegmentSchema = parentSegmentInputSchema.extend({ id });
export const idSchema = z.object({ id });

export const folderInputSchema = z.object({
  parentSegmentId: id,
  parentFolderId: id.nullable().default(null),
  name: displayName,
});

export const segmentInputSchema = z.object({
  parentSegmentId: id,
  folderId: id.nullable().default(null),
  name: displayName,
  rules: ruleTreeSchema,
});
export type SegmentInput = z.input<typeof segmentInputSchema>;
export const updateSegmentSchema = segmentInputSchema.omit({ parentSegmentId: true }).extend({ id });

/** The live count while editing: the rules as they stand, not yet saved. */
export const populationInputSchema = z.object({ parentSegmentId: id, rules: ruleTreeSchema });

export const MAX_NOTIFY_RECIPIENTS = 20;

export const notificationsSchema = z.object({
  emails: z
    .array(z.string().trim().email("is not a valid e-mail address"))
    .max(MAX_NOTIFY_RECIPIENTS, `at most ${MAX_NOTIFY_RECIPIENTS} recipients`)
    .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, "lists an address twice")
    .default([]),
  onSuccess: z.boolean().default(false),
  onFailure: z.boolean().default(true),
});

export const activationInputSchema = z
  .object({
    segmentId: id,
    name: displayName,
    authenticationId: id,
    exportSettings: exportSettingsSchema,
    mapping: mappingSchema,
    schedule: z.object({ cron: cronSchema, timezone: timeZoneSchema, delaySeconds: delaySecondsSchema.default(0) }).default({ cron: "", timezone: "UTC", delaySeconds: 0 }),
    notifications: notificationsSchema.default({ emails: [], onSuccess: false, onFailure: true }),
  })
  .superRefine((input, ctx) => {
    const { emails, onSuccess, onFailure } = input.notifications;
    if ((onSuccess || onFailure) && emails.length === 0) return; // the owner is told anyway
    if (!onSuccess && !onFailure && emails.length > 0) {
      ctx.addIssue({ code: "custom", path: ["notifications", "emails"], message: "choose on success, on failure or both for these recipients" });
    }
  });
export type ActivationInput = z.input<typeof activationInputSchema>;
export const updateActivationSchema = activationInputSchema.safeExtend({ id });

/** The mapping preview before Create: the first rows of the mapped output and the adid check. */
export const mappingPreviewSchema = z.object({ segmentId: id, mapping: mappingSchema });
