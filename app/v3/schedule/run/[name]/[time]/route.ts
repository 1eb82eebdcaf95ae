import { readParams, v3Route } from "@/lib/td-api/http";
import { runTdSchedule } from "@/lib/td-api/schedules";

/** POST /v3/schedule/run/{name}/{time}?num= */
export const POST = v3Route(async (request, user, params) => runTdSchedule(user, params.name, params.time, await readParams(request)));
