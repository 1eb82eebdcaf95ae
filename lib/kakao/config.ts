/**
 * Where and how we talk to Kakao: hosts, the app's credentials and the callback. The facts about
 * Kakao's API that are settings live in lib/kakao/assumptions.ts.
 */
import { env, publicUrl } from "@/lib/env";

export const CALLBACK_PATH = "/api/integrations/kakao/callback";

/**
 * Business Authentication: the only flow whose tokens the Moment API accepts [measured: Kakao
 * Login tokens get 401 "target biz token is not supplied."].
 */
export const BUSINESS_AUTH_PATHS = { authorize: "/oauth/business/authorize", token: "/oauth/business/token" } as const;

/** The emulator's Business Authentication secret (emulator/seed.json), used when none is configured. */
const EMULATOR_BUSINESS_SECRET = "emulator-business-secret";

export interface KakaoEndpoints {
  authUrl: string;
  apiUrl: string;
  momentUrl: string;
  clientId: string;
  /** The REST API key's Business Authentication secret (not its Kakao Login one, unless that is all that is set). */
  businessClientSecret: string;
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
    businessClientSecret: e.KAKAO_BUSINESS_CLIENT_SECRET ?? e.KAKAO_CLIENT_SECRET ?? EMULATOR_BUSINESS_SECRET,
    redirectUri: `${publicUrl(e)}${CALLBACK_PATH}`,
  };
}

/** Static egress addresses by region, for customers' allow-lists (EGRESS_IPS). */
export function egressIps(): { region: string; ips: string[] }[] {
  const raw = env().EGRESS_IPS;
  if (!raw) return [];
  return Object.entries(JSON.parse(raw) as Record<string, string[]>).map(([region, ips]) => ({ region, ips }));
}
