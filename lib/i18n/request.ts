import { getRequestConfig } from "next-intl/server";

// English only for now; the locale will come from the user's setting, then the browser.
export const locales = ["en"] as const;
export const defaultLocale = "en";

/**
 * A locale's catalog: `messages/<locale>.json` plus one file per large feature
 * (`messages/<locale>.<feature>.json`), merged by top-level namespace.
 */
export const MESSAGE_PARTS = ["", ".audiences", ".workflows", ".api"] as const;

export async function loadMessages(locale: string): Promise<Record<string, unknown>> {
  const parts = await Promise.all(MESSAGE_PARTS.map(async (part) => (await import(`../../messages/${locale}${part}.json`)).default as Record<string, unknown>));
  return Object.assign({}, ...parts);
}

export default getRequestConfig(async () => {
  const locale = defaultLocale;
  return { locale, messages: await loadMessages(locale), timeZone: "UTC" };
});
