import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listAuthentications } from "@/lib/authentications/authentications";
import { AuthenticationsTable } from "@/components/integrations/authentications-table";
import { Alert } from "@/components/ui/alert";

export default async function AuthenticationsPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("integrations");
  const { notice } = await searchParams;
  const rows = await listAuthentications(user);
  return (
    <div className="max-w-6xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("authenticationsTitle")}</h1>
      <p className="text-slate-600">{t("authenticationsIntro")}</p>
      {notice ? <Alert kind="success">{notice.slice(0, 300)}</Alert> : null}
      <AuthenticationsTable
        showOwner={user.role === "admin"}
        rows={rows.map((a) => ({
          id: a.id,
          name: a.name,
          flow: a.flow,
          kakaoAccount: a.kakaoAccountEmail ?? a.kakaoUserId ?? "",
          adAccounts: a.adAccounts,
          status: a.status,
          statusReason: a.statusReason,
          owner: a.owner.email,
          createdAt: a.createdAt.toISOString(),
          lastUsedAt: a.lastUsedAt?.toISOString() ?? null,
        }))}
      />
    </div>
  );
}
