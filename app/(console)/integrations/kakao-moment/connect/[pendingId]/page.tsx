import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { getPending } from "@/lib/authentications/connect";
import { AppError } from "@/lib/errors";
import { ContinueConnection } from "@/components/integrations/continue-connection";

export default async function ContinuePage({ params }: { params: Promise<{ pendingId: string }> }) {
  const user = await requireUser();
  const { pendingId } = await params;
  const t = await getTranslations("integrations");
  let pending;
  try {
    pending = await getPending(user, pendingId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold">{pending.reconnectName ? t("reconnectTitle", { name: pending.reconnectName }) : t("connectTitle")}</h1>
      <ContinueConnection
        pendingId={pending.id}
        reconnectName={pending.reconnectName}
        flow={pending.flow}
        email={pending.kakaoAccountEmail ?? pending.kakaoUserId ?? ""}
        adAccounts={pending.adAccounts}
        scopes={pending.scopes}
      />
    </div>
  );
}
