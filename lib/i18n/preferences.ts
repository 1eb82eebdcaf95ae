import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { db } from "@/lib/db";
import { currentUser } from "@/lib/auth/guard";
import { LOCALE_COOKIE, TIME_ZONE_COOKIE, resolveLocale, resolveTimeZone, type Locale } from "@/lib/i18n/config";

export interface Preferences {
  locale: Locale;
  timeZone: string;
  /** What the user saved (null: not saved, the browser decides). */
  savedLocale: string | null;
  savedTimeZone: string | null;
  /** The browser's zone as the console last saw it (cookie), or null. */
  browserTimeZone: string | null;
}

/** This request's language and time zone (see config.ts for the order of the sources). */
export const requestPreferences = cache(async (): Promise<Preferences> => {
  const [jar, head] = await Promise.all([cookies(), headers()]);
  let saved: { locale: string | null; timeZone: string | null } | null = null;
  try {
    const user = await currentUser();
    if (user) saved = await db.user.findUnique({ where: { id: user.id }, select: { locale: true, timeZone: true } });
  } catch {
    // No session store or database (e.g. a static error page): fall back to the browser's choice.
  }
  const browserTimeZone = jar.get(TIME_ZONE_COOKIE)?.value ?? null;
  return {
    locale: resolveLocale({ saved: saved?.locale, cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: head.get("accept-language") }),
    timeZone: resolveTimeZone({ saved: saved?.timeZone, cookie: browserTimeZone }),
    savedLocale: saved?.locale ?? null,
    savedTimeZone: saved?.timeZone ?? null,
    browserTimeZone,
  };
});
