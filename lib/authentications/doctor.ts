/**
 * The Kakao doctor (lib/kakao/doctor.ts) on one of the caller's authentications: the CLI's
 * `kakao:doctor --authentication NAME` (through /v3/kakao/doctor) and the admin page both run it.
 * The token is read as stored: a refusal is a row of the report, not a "reconnect needed" mark.
 */
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { open } from "@/lib/crypto/token-cipher";
import { getAuthenticationFor, listAuthentications } from "@/lib/authentications/authentications";
import { runDoctor, type DoctorReport } from "@/lib/kakao/doctor";

export const kakaoDoctorSchema = z
  .object({
    /** The authentication, by id (the admin page) or by name (the CLI: one of the caller's own). */
    authenticationId: z.coerce.number({ error: "must be an authentication id" }).int().positive().optional(),
    authentication: z.string().trim().min(1, "is required").max(100).optional(),
    write: z.boolean().default(false),
    adAccountId: z.coerce.number({ error: "must be a numeric ad account id" }).int("must be a numeric ad account id").positive("must be a numeric ad account id").max(Number.MAX_SAFE_INTEGER, "must be a numeric ad account id").optional(),
  })
  .refine((v) => v.authenticationId !== undefined || v.authentication !== undefined, { message: "is required (the authentication's name)", path: ["authentication"] })
  .refine((v) => !v.write || v.adAccountId !== undefined, { message: "is required with write (the ad account the test file goes to)", path: ["adAccountId"] });

export type KakaoDoctorInput = z.infer<typeof kakaoDoctorSchema>;

export async function runKakaoDoctor(user: SessionUser, input: KakaoDoctorInput, log?: (line: string) => void): Promise<DoctorReport & { authentication: string }> {
  let id = input.authenticationId;
  if (id === undefined) {
    const found = (await listAuthentications(user, { onlyMine: true })).find((a) => a.name === input.authentication);
    if (!found) throw new AppError("not_found", `Authentication "${input.authentication!.slice(0, 100)}" not found`, { authentication: "no authentication of yours has this name" });
    id = found.id;
  }
  const authentication = await getAuthenticationFor(user, id);
  const { accessToken } = await db.authentication.findUniqueOrThrow({ where: { id }, select: { accessToken: true } });
  const report = await runDoctor({ token: open(accessToken), adAccountId: input.adAccountId, write: input.write, log });
  return { ...report, authentication: authentication.name };
}
