import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { CatalogSearch } from "@/components/integrations/catalog-search";

export default async function CatalogPage() {
  await requireUser();
  const t = await getTranslations("integrations");
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("catalogTitle")}</h1>
      <p className="text-slate-600">{t("catalogIntro")}</p>
      <CatalogSearch />
    </div>
  );
}
