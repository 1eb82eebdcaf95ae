import { defineRoute } from "@/lib/auth/guard";
import { fromZodIssues } from "@/lib/errors";
import { getJob, jobLogs } from "@/lib/jobs/jobs";
import { jobIdSchema } from "@/lib/jobs/schemas";
import { toJobLogView, toJobView, type JobPollResponse } from "@/lib/jobs/views";

const LOG_ID = /^\d{1,19}$/;

/**
 * GET /api/jobs/:id?afterLog=<log id> — the job and its log lines after that id (up to 500, oldest
 * first). The job page polls it every second while the job is queued or running.
 */
export const GET = defineRoute({}, async (request, user, context) => {
  const parsed = jobIdSchema.safeParse(await context.params);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const afterLog = new URL(request.url).searchParams.get("afterLog");
  if (afterLog !== null && !LOG_ID.test(afterLog)) throw fromZodIssues([{ path: ["afterLog"], message: "must be a log line id" }]);
  const [job, logs] = await Promise.all([getJob(user, parsed.data.id), jobLogs(user, parsed.data.id, afterLog ? BigInt(afterLog) : undefined)]);
  const body: JobPollResponse = { job: toJobView(job), logs: logs.map(toJobLogView) };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
});
