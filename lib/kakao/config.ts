/**
 * Where and how we talk to Kakao. Facts that public material could not confirm are marked
 * "assumed" (see shared kakao-api.md) and mirrored by emulator/kakao-assumptions.ts.
 */
import { env, publicUrl } from "@/lib/env";

export const CALLBACK_PATH = "/api/integrations/kakao/callback";

/** Business Authentication consent items for Kakao Moment. */
export const MOMENT_SCOPES = ["moment_management", "moment_create", "moment_delete"] as const;

export type KakaoFlow = "business" | "login";

export const FLOW_PATHS: Record<KakaoFlow, { authorize: string; token: string }> = {
  business: { authorize: "/oauth/business/authorize", token: "/oauth/business/token" },
  login: { authorize: "/oauth/authorize", token: "/oauth/token" },
};

/** Token info on the API host (path documented; response shape assumed). */
export const TOKEN_INFO_PATH = "/v1/business/tokeninfo";

export interface KakaoEndpoints {
  authUrl: string;
  apiUrl: string;
  momentUrl: string;
  clientId: string;
  clientSecret: string;
  flow: KakaoFlow;
  redirectUri: string;
}

export function kakaoEndpoints(): KakaoEndpoints {
  const e = env();
  const emulator = `http://127.0.0.1:${e.EMULATOR_PORT}`;
  return {
    authUrl: (e.KAKAO_AUTH_URL ?? emulator).replace(/\/$/, ""),
    apiUrl: (e.KAKAO_API_URL ?? emulator).replace(/\/$/, ""),
    momentUrl: (e.KAKAO_MOMENT_URL ?? emulator).replace(/\/$/, ""),
    clientId: e.KAKAO_CLIENT_ID,
    clientSecret: e.KAKAO_CLIENT_SECRET,
    flow: e.KAKAO_AUTH_FLOW,
    redirectUri: `${publicUrl(e)}${CALLBACK_PATH}`,
  };
}

/** Static egress addresses by region, for customers' allow-lists (EGRESS_IPS). */
export function egressIps(): { region: string; ips: string[] }[] {
  const raw = env().EGRESS_IPS;
  if (!raw) return [];
  return Object.entries(JSON.parse(raw) as Record<string, string[]>).map(([region, ips]) => ({ region, ips }));
}
