import { getRequestConfig } from "next-intl/server";

// English only for now; the locale will come from the user's setting, then the browser.
export const locales = ["en"] as const;
export const defaultLocale = "en";

export default getRequestConfig(async () => {
  const locale = defaultLocale;
  return { locale, messages: (await import(`../../messages/${locale}.json`)).default, timeZone: "UTC" };
});
