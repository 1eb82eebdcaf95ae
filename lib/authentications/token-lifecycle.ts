/**
 * The one way anything gets a usable Kakao access token for a stored authentication.
 * Business Authentication tokens are long-lived and have no refresh token [doc]: a 401 from Kakao
 * marks the authentication "reconnect needed", and Reconnect replaces the token in place.
 * (Kakao Login, whose tokens refreshed, was removed: Kakao Moment refuses its tokens.)
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { open } from "@/lib/crypto/token-cipher";
import { KakaoError } from "@/lib/kakao/http";

export class ReconnectNeeded extends AppError {
  constructor(readonly authenticationId: number, name: string, reason: string) {
    super("reconnect_needed", `The Kakao authentication "${name}" needs to be reconnected (${reason}). Open Integrations Hub → Authentications and choose Reconnect.`);
  }
}

export async function markReconnectNeeded(id: number, reason: string): Promise<void> {
  await db.authentication.update({ where: { id }, data: { status: "reconnect_needed", statusReason: reason } });
}

/** Run `call` with the access token of authentication `id`; a 401 marks it "reconnect needed". */
export async function withAccessToken<T>(id: number, call: (accessToken: string) => Promise<T>): Promise<T> {
  const row = await db.authentication.findUnique({ where: { id }, select: { id: true, name: true, status: true, statusReason: true, accessToken: true } });
  if (!row) throw new AppError("not_found", "Authentication not found");
  if (row.status === "reconnect_needed") throw new ReconnectNeeded(id, row.name, row.statusReason ?? "Kakao refused its token");
  try {
    const result = await call(open(row.accessToken));
    await db.authentication.update({ where: { id }, data: { lastUsedAt: new Date() } });
    return result;
  } catch (error) {
    if (!(error instanceof KakaoError && error.kind === "unauthorized")) throw error;
    const reason = /Business Authentication tokens/.test(error.message) ? "Kakao Moment refused it as not a business token" : "Kakao refused the token (revoked or expired)";
    await markReconnectNeeded(id, reason);
    throw new ReconnectNeeded(id, row.name, reason);
  }
}
