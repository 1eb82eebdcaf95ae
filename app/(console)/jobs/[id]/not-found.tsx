import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** A job that does not exist or belongs to someone else (no existence leak): same page. */
export default async function JobNotFound() {
  const t = await getTranslations("jobs");
  return (
    <div className="max-w-2xl space-y-3">
      <h1 className="text-2xl font-semibold">{t("notFoundTitle")}</h1>
      <p>{t("notFoundBody")}</p>
      <Link href="/jobs" className="underline">
        {t("backToJobs")}
      </Link>
    </div>
  );
}
