import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import type { ConnectFailure } from "@/lib/authentications/connect";

const REASONS: ConnectFailure[] = ["access_denied", "state_invalid", "code_rejected", "client_rejected", "kakao_unreachable", "kakao_error", "account_mismatch"];

export default async function ConnectFailedPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  await requireUser();
  const t = await getTranslations("integrations");
  const { reason } = await searchParams;
  const known = REASONS.find((r) => r === reason) ?? "kakao_error";
  return (
    <div role="alert" className="max-w-2xl space-y-3">
      <h1 className="text-2xl font-semibold">{t("failedTitle")}</h1>
      <p>{t(`failed_${known}`)}</p>
      <p className="text-slate-600">{t("failedNothingSaved")}</p>
      <p className="flex gap-4">
        <a className="font-medium text-blue-700 underline" href="/api/integrations/kakao/connect">
          {t("startAgain")}
        </a>
        <Link className="underline" href="/integrations/catalog/kakao-moment">
          {t("backToCatalog")}
        </Link>
      </p>
    </div>
  );
}
