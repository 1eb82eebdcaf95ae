import { defineRoute } from "@/lib/auth/guard";
import { listJobs } from "@/lib/jobs/jobs";
import { parseJobListParams, pickJobListParams } from "@/lib/jobs/list-filter";
import { toJobSummaryView, type JobListResponse } from "@/lib/jobs/views";

/**
 * GET /api/jobs?status=&ownerId=&authenticationId=&from=&to=&before=&limit= — newest first.
 * Marketers get their own jobs (ownerId is ignored for them); page on with `before=nextBefore`.
 */
export const GET = defineRoute({}, async (request, user) => {
  const parsed = parseJobListParams(pickJobListParams(new URL(request.url).searchParams));
  if (!parsed.ok) throw parsed.error;
  const { jobs, nextBefore } = await listJobs(user, parsed.filter);
  const now = new Date();
  const body: JobListResponse = { jobs: jobs.map((job) => toJobSummaryView(job, now)), nextBefore };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
});
