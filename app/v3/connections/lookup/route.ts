import { readParams, v3Route } from "@/lib/td-api/http";
import { lookupTdConnection } from "@/lib/td-api/connections";

/** GET /v3/connections/lookup?name= */
export const GET = v3Route(async (request, user) => lookupTdConnection(user, await readParams(request)));
