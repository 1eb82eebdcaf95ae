import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";

export default async function HomePage() {
  const user = await requireUser();
  const t = await getTranslations("home");
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("title", { name: user.name ?? user.email })}</h1>
      <p className="text-slate-700">{t("intro")}</p>
      <h2 className="text-lg font-semibold">{t("nextSteps")}</h2>
      <ul className="list-disc space-y-1 pl-6 text-slate-700">
        {user.role === "admin" ? <li>{t("stepAdmin")}</li> : null}
        <li>{t("stepSoon")}</li>
      </ul>
    </div>
  );
}
