import { v3Route } from "@/lib/td-api/http";
import { showTdJob } from "@/lib/td-api/jobs";

/** GET /v3/job/show/{id} */
export const GET = v3Route(async (_request, user, params) => showTdJob(user, params.id));
