import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function Forbidden() {
  const t = await getTranslations("errors");
  return (
    <main className="mx-auto mt-24 max-w-lg space-y-3 text-center">
      <h1 className="text-2xl font-semibold">{t("forbiddenTitle")}</h1>
      <p>{t("forbiddenBody")}</p>
      <Link className="underline" href="/">
        {t("goHome")}
      </Link>
    </main>
  );
}
