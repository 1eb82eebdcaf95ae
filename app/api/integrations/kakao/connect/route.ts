import { defineRoute } from "@/lib/auth/guard";
import { BROWSER_COOKIE, startConnection } from "@/lib/authentications/connect";
import { authenticationIdSchema } from "@/lib/authentications/schemas";
import { AppError } from "@/lib/errors";
import { publicUrl } from "@/lib/env";

/** "Click here" / "Reconnect": start the OAuth round trip and send the browser to Kakao. */
export const GET = defineRoute({ browser: true }, async (request, user) => {
  const reconnect = new URL(request.url).searchParams.get("reconnect");
  const parsed = reconnect === null ? undefined : authenticationIdSchema.safeParse(reconnect);
  if (parsed && !parsed.success) throw new AppError("invalid_input", "reconnect: must be an authentication id");
  const { url, browserValue } = await startConnection(user, parsed?.data);
  const secure = publicUrl().startsWith("https:") ? "; Secure" : "";
  return new Response(null, {
    status: 303,
    headers: {
      location: url,
      "set-cookie": `${BROWSER_COOKIE}=${browserValue}; Path=/api/integrations/kakao; HttpOnly; SameSite=Lax; Max-Age=600${secure}`,
      "cache-control": "no-store",
    },
  });
});
