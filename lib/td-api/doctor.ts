/**
 * `POST /v3/kakao/doctor` (a hub extension, not Treasure Data's): the Kakao doctor on one of the
 * caller's authentications — `authentication` (name), `write` (true/false), `ad_account_id`.
 */
import type { SessionUser } from "@/lib/auth/access";
import { kakaoDoctorSchema, runKakaoDoctor } from "@/lib/authentications/doctor";
import type { Params } from "@/lib/td-api/http";
import { invalid, tdIssues, text } from "@/lib/td-api/fields";

export async function tdKakaoDoctor(user: SessionUser, params: Params) {
  const write = text(params, "write");
  if (write !== undefined && !["true", "false", "1", "0"].includes(write)) throw invalid("write", "must be true or false");
  const parsed = kakaoDoctorSchema.safeParse({ authentication: text(params, "authentication"), write: write === "true" || write === "1", adAccountId: text(params, "ad_account_id") });
  if (!parsed.success) throw tdIssues(parsed.error.issues.map((i) => ({ ...i, path: i.path.map((p) => (p === "adAccountId" ? "ad_account_id" : p)) })));
  const report = await runKakaoDoctor(user, parsed.data);
  return { authentication: report.authentication, authorize_url: report.authorizeUrl, ok: report.ok, rows: report.rows };
}
