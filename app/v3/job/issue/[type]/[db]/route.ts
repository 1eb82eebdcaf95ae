import { readParams, v3Route } from "@/lib/td-api/http";
import { issueTdJob } from "@/lib/td-api/jobs";

/** POST /v3/job/issue/{type}/{db} — query, priority, retry_limit, result_connection_id/settings, scheduled_time, domain_key. */
export const POST = v3Route(async (request, user, params) => issueTdJob(user, params.type!, params.db!, await readParams(request)));
