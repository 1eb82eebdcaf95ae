import { useTranslations } from "next-intl";

/** Status shown with an icon and words, never colour alone. */
export function AuthenticationStatusBadge({ status }: { status: "healthy" | "reconnect_needed" }) {
  const t = useTranslations("integrations");
  return status === "healthy" ? (
    <span className="inline-flex items-center gap-1 rounded bg-green-50 px-1.5 py-0.5 text-green-800">
      <span aria-hidden>✓</span> {t("status_healthy")}
    </span>
  ) : (
    <span className="inline-flex items-center gap-1 rounded bg-amber-50 px-1.5 py-0.5 text-amber-900">
      <span aria-hidden>⚠</span> {t("status_reconnect_needed")}
    </span>
  );
}
