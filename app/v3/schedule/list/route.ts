import { v3Route } from "@/lib/td-api/http";
import { listTdSchedules } from "@/lib/td-api/schedules";

/** GET /v3/schedule/list */
export const GET = v3Route(async (_request, user) => listTdSchedules(user));
