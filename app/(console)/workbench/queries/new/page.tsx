import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listDatabases } from "@/lib/warehouse/databases";
import { QueryEditor } from "@/components/workbench/query-editor";
import { exportAuthentications } from "@/lib/export/view";

export default async function NewQueryPage({ searchParams }: { searchParams: Promise<{ database?: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("workbench");
  const databases = (await listDatabases()).map((d) => d.name);
  const { database } = await searchParams;
  const authentications = await exportAuthentications(user);
  return (
    <div className="max-w-6xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("newQueryTitle")}</h1>
      <QueryEditor authentications={authentications} databases={databases} defaultDatabase={database && databases.includes(database) ? database : databases.includes("kakao_db") ? "kakao_db" : undefined} />
    </div>
  );
}
