import { readParams, v3Route } from "@/lib/td-api/http";
import { createTdSchedule } from "@/lib/td-api/schedules";

/** POST /v3/schedule/create/{name} */
export const POST = v3Route(async (request, user, params) => createTdSchedule(user, params.name, await readParams(request)));
