import { z } from "zod";
import { databaseNameSchema } from "@/lib/warehouse/names";
import { sqlSchema } from "@/lib/workbench/schemas";
import { exportSettingsSchema } from "@/lib/export/settings";

export const JOB_STATUSES = ["queued", "running", "success", "error", "killed"] as const;
export const FINISHED_STATUSES = ["success", "error", "killed"] as const;

/** A query run, optionally exported to Kakao Moment (console Run, API job/issue, schedules). */
export const issueJobSchema = z
  .object({
    database: databaseNameSchema,
    query: sqlSchema,
    type: z.enum(["presto", "trino", "hive"], { error: "must be presto, trino or hive" }).default("presto"),
    savedQueryId: z.number().int().positive().optional(),
    authenticationId: z.coerce.number({ error: "must be an authentication id" }).int().positive().optional(),
    exportSettings: exportSettingsSchema.optional(),
    priority: z.coerce.number({ error: "must be an integer from -2 to 2" }).int().min(-2, "must be from -2 to 2").max(2, "must be from -2 to 2").default(0),
    retryLimit: z.coerce.number({ error: "must be an integer" }).int().min(0).max(10, "must be at most 10").default(0),
    scheduledAt: z.date().optional(),
    domainKey: z.string().min(1).max(200).optional(),
    /** Bind parameters of generated SQL ($1…): internal callers only (activations). */
    queryParams: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).max(10_000).optional(),
    /** The Audience Studio activation and segment this run is for. */
    activationId: z.number().int().positive().optional(),
    segmentId: z.number().int().positive().optional(),
  })
  .superRefine((job, ctx) => {
    if (job.exportSettings && !job.authenticationId) ctx.addIssue({ code: "custom", path: ["authenticationId"], message: "is required to export (choose an authentication)" });
    if (!job.exportSettings && job.authenticationId) ctx.addIssue({ code: "custom", path: ["exportSettings"], message: "are required with an authentication" });
  });

export type IssueJobInput = z.input<typeof issueJobSchema>;

export const jobIdSchema = z.object({ id: z.coerce.number({ error: "must be a job id" }).int().positive() });

export const jobListFilterSchema = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  ownerId: z.string().min(1).optional(),
  authenticationId: z.coerce.number().int().positive().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** Keyset paging: jobs with an id below this one. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export type JobListFilter = z.input<typeof jobListFilterSchema>;
