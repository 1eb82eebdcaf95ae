import { useFormatter, useTranslations } from "next-intl";

/**
 * Sizes, durations and times shown the same way on the server-rendered list and the live job page
 * (hooks only, no state: usable from server and client components alike).
 */
const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** Binary units, as the 200 MB (209,715,200 bytes) file limit counts them; exact bytes on hover. */
export function Bytes({ value }: { value: number }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return (
    <span title={t("bytesExact", { bytes: format.number(value) })}>
      {t(`bytes_${UNITS[unit]}`, { value: format.number(scaled, { maximumFractionDigits: unit ? 1 : 0 }) })}
    </span>
  );
}

/** "4.2 s", "3 min 5 s", "2 h 10 min". */
export function useFormatDuration(): (ms: number) => string {
  const t = useTranslations("jobs");
  const format = useFormatter();
  return (ms) => {
    const total = Math.floor(ms / 1000);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    if (hours) return t("durationHours", { hours: format.number(hours), minutes });
    if (minutes) return t("durationMinutes", { minutes, seconds });
    return t("durationSeconds", { seconds: format.number(ms < 10_000 ? ms / 1000 : seconds, { maximumFractionDigits: 1 }) });
  };
}

/** A job's duration; while it runs, "… so far". */
export function Duration({ ms, soFar = false }: { ms: number; soFar?: boolean }) {
  const t = useTranslations("jobs");
  const text = useFormatDuration()(ms);
  return <>{soFar ? t("durationSoFar", { duration: text }) : text}</>;
}

export function When({ iso, fallback }: { iso: string | null; fallback?: string }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  if (!iso) return <>{fallback ?? t("none")}</>;
  const date = new Date(iso);
  return <time dateTime={iso}>{format.dateTime(date, "dateTimeSeconds")}</time>;
}
