import { readParams, v3Route } from "@/lib/td-api/http";
import { tdKakaoDoctor } from "@/lib/td-api/doctor";

/** POST /v3/kakao/doctor — authentication, write, ad_account_id */
export const POST = v3Route(async (request, user) => tdKakaoDoctor(user, await readParams(request)));
