import { readParams, v3Route } from "@/lib/td-api/http";
import { tdJobResult } from "@/lib/td-api/jobs";

/** GET /v3/job/result/{id}?format=tsv|csv|json — streamed. */
export const GET = v3Route(async (request, user, params) => tdJobResult(user, params.id, await readParams(request)));
