import { v3Route } from "@/lib/td-api/http";
import { killTdJob } from "@/lib/td-api/jobs";

/** POST /v3/job/kill/{id} */
export const POST = v3Route(async (_request, user, params) => killTdJob(user, params.id));
