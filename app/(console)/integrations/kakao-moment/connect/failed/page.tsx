import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { kakaoWordsOf, type ConnectFailure } from "@/lib/authentications/connect";

const REASONS: ConnectFailure[] = ["access_denied", "state_invalid", "code_rejected", "client_rejected", "kakao_unreachable", "kakao_error", "account_mismatch"];
/** Kakao's codes a first real customer meets (kakao-api.md, business-auth trouble-shooting), each explained with its fix. */
const EXPLAINED = ["KOE003", "KOE025", "KOE026", "KOE027", "KOE028", "KOE123", "KOE124", "KOE232", "KOE233", "access_denied"] as const;

export default async function ConnectFailedPage({ searchParams }: { searchParams: Promise<{ reason?: string; attempt?: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("integrations");
  const { reason, attempt } = await searchParams;
  const known = REASONS.find((r) => r === reason) ?? "kakao_error";
  const kakao = await kakaoWordsOf(user, attempt);
  const explained = EXPLAINED.find((c) => c === kakao?.code);
  return (
    <div role="alert" className="max-w-2xl space-y-3">
      <h1 className="text-2xl font-semibold">{t("failedTitle")}</h1>
      {/* A KOE code's own explanation replaces the generic "Kakao answered with an error". */}
      {explained && explained !== "access_denied" ? null : <p>{t(`failed_${known}`)}</p>}
      {kakao?.code ? (
        <p className="font-medium" data-testid="kakao-error-code">
          {t("kakaoSaid", { code: kakao.code })}
        </p>
      ) : null}
      {kakao?.description ? (
        <p className="rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-sm break-words" data-testid="kakao-error-description">
          {t("kakaoSaidDescription", { description: kakao.description })}
        </p>
      ) : null}
      {explained ? (
        <div className="space-y-1">
          <h2 className="text-lg font-semibold">{t("fixHeading")}</h2>
          <p data-testid="kakao-error-fix">{t(`koe_${explained}`)}</p>
        </div>
      ) : null}
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
