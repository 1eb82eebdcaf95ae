import { z } from "zod";
import { databaseNameSchema, tableNameSchema } from "@/lib/warehouse/names";
import { importColumnTypeSchema } from "@/lib/warehouse/csv/types";
import { exportSettingsSchema } from "@/lib/export/settings";

export const MAX_SQL_CHARS = 100_000;

export const sqlSchema = z.string({ error: "is required" }).trim().min(1, "is required").max(MAX_SQL_CHARS, `must be at most ${MAX_SQL_CHARS} characters`);

export const queryNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "must not contain control characters");

/** A client-chosen id for one run, so Cancel can find it. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,36}$/, "must be 8–36 letters, digits, - or _");

export const runQuerySchema = z.object({ sql: sqlSchema, database: databaseNameSchema, runId: runIdSchema, savedQueryId: z.number().int().positive().optional() });
export const cancelQuerySchema = z.object({ runId: runIdSchema });

export const saveQuerySchema = z.object({
  id: z.number().int().positive().optional(),
  name: queryNameSchema,
  database: databaseNameSchema,
  sql: sqlSchema,
  /** Export Results kept with the query (both or neither). */
  exportAuthenticationId: z.number().int().positive().nullable().optional(),
  exportSettings: exportSettingsSchema.nullable().optional(),
});
export const deleteQuerySchema = z.object({ id: z.number().int().positive() });

export const databaseNameInputSchema = z.object({ name: databaseNameSchema });
export const tableRefSchema = z.object({ database: databaseNameSchema, table: tableNameSchema });

export const importTargetSchema = z.object({ database: databaseNameSchema, table: tableNameSchema });

export const importRequestSchema = importTargetSchema.extend({
  /** JSON: column name → type, for a new table. */
  columnTypes: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return undefined;
      try {
        const parsed = z.record(z.string(), importColumnTypeSchema).safeParse(JSON.parse(raw));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "is not valid" });
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
      }
      return z.NEVER;
    }),
});
