import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/auth/access";
import { signOutAction } from "@/lib/auth/actions";
import { NavLink } from "@/components/shell/nav-link";
import { NAV_SECTIONS } from "@/components/shell/nav-items";
import { LocaleSwitcher } from "@/components/shell/locale-switcher";
import { TimeZoneSetting } from "@/components/shell/time-zone-setting";
import { BrowserTimeZone } from "@/components/shell/browser-time-zone";
import { requestPreferences } from "@/lib/i18n/preferences";

/** The console frame: left navigation mirroring Treasure Data's console, and the page. */
export async function ConsoleShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const t = await getTranslations("nav");
  const tr = await getTranslations("roles");
  const preferences = await requestPreferences();
  const sections = NAV_SECTIONS.filter((section) => !section.role || user.role === section.role);
  return (
    <div className="flex min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        {t("skipToContent")}
      </a>
      <nav aria-label={t("label")} className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-3">
          <span aria-hidden className="inline-block h-6 w-6 rounded bg-brand" />
          <span className="text-sm font-semibold">{(await getTranslations("app"))("name")}</span>
        </div>
        <ul className="flex-1 space-y-4 px-2 py-4 text-sm">
          {sections.map((section) => (
            <li key={section.key}>
              {section.href ? (
                <NavLink href={section.href}>{t(section.key)}</NavLink>
              ) : (
                <p className="px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{t(section.key)}</p>
              )}
              {section.items.length ? (
                <ul className="mt-1 space-y-0.5">
                  {section.items.map((item) => (
                    <li key={item.href}>
                      <NavLink href={item.href}>{t(item.key)}</NavLink>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
        <div className="border-t border-slate-200 px-4 py-3 text-xs text-slate-600">
          <p>{t("signedInAs", { email: user.email })}</p>
          <p>{t("role", { role: tr(user.role) })}</p>
          <form action={signOutAction} className="mt-2">
            <button type="submit" className="text-sm font-medium text-slate-900 underline">
              {t("signOut")}
            </button>
          </form>
          <LocaleSwitcher className="mt-3" />
          <TimeZoneSetting saved={preferences.savedTimeZone} browser={preferences.browserTimeZone} />
          <BrowserTimeZone followsBrowser={!preferences.savedTimeZone} />
        </div>
      </nav>
      <main id="main" className="flex-1 px-8 py-6">
        {children}
      </main>
    </div>
  );
}
