import { readParams, v3Route } from "@/lib/td-api/http";
import { listTdJobs } from "@/lib/td-api/jobs";

/** GET /v3/job/list?from=&to=&status= */
export const GET = v3Route(async (request, user) => listTdJobs(user, await readParams(request)));
