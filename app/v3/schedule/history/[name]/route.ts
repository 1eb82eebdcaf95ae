import { readParams, v3Route } from "@/lib/td-api/http";
import { tdScheduleHistory } from "@/lib/td-api/schedules";

/** GET /v3/schedule/history/{name}?from=&to= */
export const GET = v3Route(async (request, user, params) => tdScheduleHistory(user, params.name, await readParams(request)));
