import type { Formats } from "next-intl";

/**
 * Named date formats for `format.dateTime(date, "dateTime")`. Every format with a time names the
 * zone (`timeZoneName`), since times are shown in the user's zone, not the server's. (Intl refuses
 * `timeZoneName` beside `dateStyle`/`timeStyle`, hence the explicit fields.)
 */
export const formats = {
  dateTime: {
    /** Nov 29, 2026, 6:32 AM GMT+9 · 2026. 11. 29. 오전 6:32 GMT+9 · 2026年11月29日 6:32 JST */
    dateTime: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" },
    /** With seconds (job timings). */
    dateTimeSeconds: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
    /** A time of day with seconds and the zone (log lines). */
    time: { hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
    /** A day, without time. */
    date: { year: "numeric", month: "short", day: "numeric" },
  },
} satisfies Formats;
