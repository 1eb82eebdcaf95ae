import { getRequestConfig } from "next-intl/server";
import { MESSAGE_PARTS, defaultLocale, type Locale } from "@/lib/i18n/config";
import { formats } from "@/lib/i18n/formats";
import { requestPreferences } from "@/lib/i18n/preferences";

export { defaultLocale, locales, MESSAGE_PARTS } from "@/lib/i18n/config";

/** A locale's catalog: every part file merged by top-level namespace (see config.ts). */
export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const parts = await Promise.all(MESSAGE_PARTS.map(async (part) => (await import(`../../messages/${locale}${part}.json`)).default as Record<string, unknown>));
  return Object.assign({}, ...parts);
}

export default getRequestConfig(async () => {
  let locale: Locale = defaultLocale;
  let timeZone = "UTC";
  try {
    ({ locale, timeZone } = await requestPreferences());
  } catch {
    // Outside a request (no cookies/headers): English, UTC.
  }
  return { locale, timeZone, formats, messages: await loadMessages(locale) };
});
