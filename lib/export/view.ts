/** What the Export Results form needs about the caller's authentications (never tokens). */
import type { SessionUser } from "@/lib/auth/access";
import { listAuthentications } from "@/lib/authentications/authentications";
import type { ExportAuthentication } from "@/components/export/export-results-form";
import { exportSettingsSchema } from "@/lib/export/settings";

export async function exportAuthentications(user: SessionUser): Promise<ExportAuthentication[]> {
  return (await listAuthentications(user, { onlyMine: user.role !== "admin" })).map((a) => ({
    id: a.id,
    name: user.role === "admin" && a.ownerId !== user.id ? `${a.name} (${a.owner.email})` : a.name,
    status: a.status,
    adAccounts: a.adAccounts.map((x) => ({ id: x.id, name: x.name })),
  }));
}

/** "Kakao Moment · Register “name” (27429)" for a saved export, else null. */
export function exportTargetLabel(settings: unknown): string | null {
  const parsed = exportSettingsSchema.safeParse(settings);
  if (!parsed.success) return null;
  const { mode, file_name, ad_account_id } = parsed.data;
  return `Kakao Moment · ${mode === "register" ? "Register" : "Edit"} “${file_name}” (${ad_account_id})`;
}
