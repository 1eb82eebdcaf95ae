import { cookies } from "next/headers";
import { defineRoute } from "@/lib/auth/guard";
import { BROWSER_COOKIE, ConnectError, handleCallback } from "@/lib/authentications/connect";

/** Kakao redirects here with ?code&state (or ?error&error_description[&error_code]). The code is exchanged server-side only. */
export const GET = defineRoute({ browser: true }, async (request, user) => {
  const params = new URL(request.url).searchParams;
  const browserValue = (await cookies()).get(BROWSER_COOKIE)?.value;
  let location: string;
  try {
    const pendingId = await handleCallback(
      user,
      { code: params.get("code"), state: params.get("state"), error: params.get("error"), error_description: params.get("error_description"), error_code: params.get("error_code") },
      browserValue,
    );
    location = `/integrations/kakao-moment/connect/${pendingId}`;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    location = `/integrations/kakao-moment/connect/failed?reason=${error.reason}${error.attempt ? `&attempt=${error.attempt}` : ""}`;
  }
  return new Response(null, {
    status: 303,
    headers: {
      // Relative: request.url names the host Next bound to, not the one the browser used.
      location,
      "set-cookie": `${BROWSER_COOKIE}=; Path=/api/integrations/kakao; HttpOnly; SameSite=Lax; Max-Age=0`,
      "cache-control": "no-store",
    },
  });
});
