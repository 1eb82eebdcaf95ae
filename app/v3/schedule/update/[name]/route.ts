import { readParams, v3Route } from "@/lib/td-api/http";
import { updateTdSchedule } from "@/lib/td-api/schedules";

/** POST /v3/schedule/update/{name} */
export const POST = v3Route(async (request, user, params) => updateTdSchedule(user, params.name, await readParams(request)));
