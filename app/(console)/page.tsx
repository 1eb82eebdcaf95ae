import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { atAGlance } from "@/lib/home/at-a-glance";
import { AtAGlanceDashboard } from "@/components/home/at-a-glance";

export default async function HomePage() {
  const user = await requireUser();
  const t = await getTranslations("home");
  const glance = await atAGlance(user);
  return (
    <div className="max-w-6xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("title", { name: user.name ?? user.email })}</h1>
        <p className="text-slate-700">{t("intro")}</p>
      </div>
      <AtAGlanceDashboard glance={glance} />
    </div>
  );
}
