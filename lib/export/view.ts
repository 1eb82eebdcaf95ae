/** What the Export Results form needs about the caller's authentications (never tokens). */
import type { SessionUser } from "@/lib/auth/access";
import { listAuthentications } from "@/lib/authentications/authentications";
import type { ExportAuthentication } from "@/components/export/export-results-form";

export async function exportAuthentications(user: SessionUser): Promise<ExportAuthentication[]> {
  return (await listAuthentications(user, { onlyMine: user.role !== "admin" })).map((a) => ({
    id: a.id,
    name: user.role === "admin" && a.ownerId !== user.id ? `${a.name} (${a.owner.email})` : a.name,
    status: a.status,
    adAccounts: a.adAccounts.map((x) => ({ id: x.id, name: x.name })),
  }));
}
