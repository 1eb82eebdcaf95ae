import { v3Route } from "@/lib/td-api/http";
import { deleteTdSchedule } from "@/lib/td-api/schedules";

/** POST /v3/schedule/delete/{name} */
export const POST = v3Route(async (_request, user, params) => deleteTdSchedule(user, params.name));
