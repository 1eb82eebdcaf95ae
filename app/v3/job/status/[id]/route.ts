import { v3Route } from "@/lib/td-api/http";
import { tdJobStatus } from "@/lib/td-api/jobs";

/** GET /v3/job/status/{id} */
export const GET = v3Route(async (_request, user, params) => tdJobStatus(user, params.id));
