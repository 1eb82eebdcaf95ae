import { useTranslations } from "next-intl";
import type { JobStatus } from "@/lib/jobs/views";

const LOOK: Record<JobStatus, { icon: string; style: string }> = {
  queued: { icon: "◷", style: "bg-slate-100 text-slate-800" },
  running: { icon: "▶", style: "bg-blue-50 text-blue-800" },
  success: { icon: "✓", style: "bg-green-50 text-green-800" },
  error: { icon: "✕", style: "bg-red-50 text-red-800" },
  killed: { icon: "■", style: "bg-amber-50 text-amber-900" },
};

/** Job status shown with an icon and a word, never colour alone. */
export function JobStatusBadge({ status, killRequested = false }: { status: JobStatus; killRequested?: boolean }) {
  const t = useTranslations("jobs");
  const look = LOOK[status];
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 ${look.style}`}>
      <span aria-hidden>{look.icon}</span> {t(`status_${status}`)}
      {killRequested && (status === "queued" || status === "running") ? <span className="text-xs">({t("killRequestedShort")})</span> : null}
    </span>
  );
}

const KAKAO_LOOK: Record<string, { icon: string; style: string }> = {
  WAITING: { icon: "◷", style: "bg-slate-100 text-slate-800" },
  MODIFYING: { icon: "↻", style: "bg-blue-50 text-blue-800" },
  COMPLETE: { icon: "✓", style: "bg-green-50 text-green-800" },
  ERROR: { icon: "✕", style: "bg-red-50 text-red-800" },
};

/** Kakao's processing of an uploaded customer file (WAITING → COMPLETE / ERROR). */
export function KakaoFileStatusBadge({ status }: { status: string | null }) {
  const t = useTranslations("jobs");
  if (!status) return <span className="text-slate-600">{t("kakaoNotChecked")}</span>;
  const look = KAKAO_LOOK[status];
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 ${look?.style ?? "bg-slate-100 text-slate-800"}`}>
      <span aria-hidden>{look?.icon ?? "?"}</span> {look ? t(`kakao_${status}`) : t("kakaoOther", { status })}
    </span>
  );
}
