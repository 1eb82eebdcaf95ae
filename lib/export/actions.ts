"use server";
import { defineAction } from "@/lib/auth/guard";
import { issueJobSchema } from "@/lib/jobs/schemas";
import { issueJob } from "@/lib/jobs/jobs";

/** Export Results → Run: the query runs as a job and its result is exported to Kakao Moment. */
export const runExportAction = defineAction(
  { schema: issueJobSchema },
  async (input, user) => {
    const job = await issueJob(user, input);
    return { id: job.id };
  },
  (input, job) => ({ action: "job.issue", targetType: "job", targetId: String(job.id), details: { database: input.database, export: input.exportSettings ?? null } }),
);
