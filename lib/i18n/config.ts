/**
 * The console's languages and how one is chosen for a request — pure, so the negotiation is
 * unit-tested and shared by the request config, the switcher and the sign-in page.
 *
 * Locale: the signed-in user's saved setting, then the language cookie (set by the switcher, also
 * for anonymous pages such as sign-in), then the browser's Accept-Language, then English.
 * Time zone: the user's saved setting, then the browser's zone (a cookie the console sets from
 * `Intl.DateTimeFormat().resolvedOptions().timeZone`), then UTC. Times are always shown with the
 * zone named (see formats.ts).
 */
export const locales = ["en", "ko", "ja"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

/** Each language's name in itself, for the switcher (the same in every catalog, so not translated). */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ko: "한국어", ja: "日本語" };

/** next-intl's conventional cookie name. */
export const LOCALE_COOKIE = "NEXT_LOCALE";
export const TIME_ZONE_COOKIE = "TZ";

/**
 * A locale's catalog: `messages/<locale>.json` plus one file per large feature
 * (`messages/<locale>.<feature>.json`), merged by top-level namespace.
 */
export const MESSAGE_PARTS = ["", ".audiences", ".workflows", ".api"] as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** The best of our locales for an Accept-Language header ("ko-KR,ko;q=0.9,en;q=0.8" → "ko"), or null. */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const ranges = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { language: tag.trim().toLowerCase().split("-")[0] ?? "", weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.language && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const range of ranges) if (isLocale(range.language)) return range.language;
  return null;
}

export function resolveLocale(sources: { saved?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(sources.saved)) return sources.saved;
  if (isLocale(sources.cookie)) return sources.cookie;
  return negotiateLocale(sources.acceptLanguage) ?? defaultLocale;
}

/** True when `tz` names a zone this runtime's Intl knows. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== "string" || !tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function resolveTimeZone(sources: { saved?: string | null; cookie?: string | null }): string {
  if (isTimeZone(sources.saved)) return sources.saved;
  if (isTimeZone(sources.cookie)) return sources.cookie;
  return "UTC";
}
