import { getLocale, getTranslations } from "next-intl/server";
import { setLocaleAction } from "@/lib/i18n/actions";
import { LOCALE_NAMES, locales } from "@/lib/i18n/config";

/**
 * English · 한국어 · 日本語 as buttons of one form (works without JavaScript; no select that
 * changes the page while arrowing through it). Saves the choice (cookie, and the user's setting).
 */
export async function LocaleSwitcher({ className = "" }: { className?: string }) {
  const current = await getLocale();
  const t = await getTranslations("preferences");
  return (
    <form action={setLocaleAction} className={className}>
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">{t("language")}</legend>
        <div className="mt-1 flex flex-wrap gap-1">
          {locales.map((locale) => (
            <button
              key={locale}
              type="submit"
              name="locale"
              value={locale}
              lang={locale}
              aria-pressed={locale === current}
              className={`rounded border px-2 py-0.5 text-xs ${locale === current ? "border-slate-900 bg-slate-900 font-semibold text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`}
            >
              {LOCALE_NAMES[locale]}
            </button>
          ))}
        </div>
      </fieldset>
    </form>
  );
}
