import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentUser } from "@/lib/auth/guard";
import { SignInForm } from "@/components/auth/sign-in-form";
import { LocaleSwitcher } from "@/components/shell/locale-switcher";

export default async function SignInPage() {
  if (await currentUser()) redirect("/");
  const t = await getTranslations();
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <p className="text-sm font-semibold text-slate-500">{t("app.name")}</p>
      <h1 className="mb-4 text-xl font-semibold">{t("signIn.title")}</h1>
      <SignInForm />
      <LocaleSwitcher className="mt-6 border-t border-slate-200 pt-4" />
    </main>
  );
}
