"use server";
/**
 * The language switcher and the time-zone setting. Anyone may switch language (the sign-in page
 * too): the choice goes into a cookie, and for a signed-in user also into their saved setting.
 */
import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { currentUser } from "@/lib/auth/guard";
import { LOCALE_COOKIE, isLocale, isTimeZone } from "@/lib/i18n/config";

const YEAR = 365 * 24 * 3600;

export async function setLocaleAction(form: FormData): Promise<void> {
  const locale = form.get("locale");
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: YEAR, sameSite: "lax" });
  const user = await currentUser();
  if (user) await db.user.update({ where: { id: user.id }, data: { locale } });
  revalidatePath("/", "layout");
}

/** Saves the user's time zone; an empty value goes back to following the browser. */
export async function setTimeZoneAction(form: FormData): Promise<void> {
  const user = await currentUser();
  if (!user) return;
  const value = String(form.get("timeZone") ?? "");
  if (value && !isTimeZone(value)) return;
  await db.user.update({ where: { id: user.id }, data: { timeZone: value || null } });
  revalidatePath("/", "layout");
}
