import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listDatabases } from "@/lib/warehouse/databases";
import { CreateDatabaseForm, DeleteDatabaseButton } from "@/components/workbench/database-forms";

export default async function DatabasesPage() {
  const user = await requireUser();
  const t = await getTranslations("workbench");
  const format = await getFormatter();
  const databases = await listDatabases();
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("databasesTitle")}</h1>
      <p className="text-slate-600">{t("databasesIntro")}</p>
      <CreateDatabaseForm />
      {databases.length === 0 ? (
        <p className="text-slate-600">{t("noDatabases")}</p>
      ) : (
        <table className="w-full border-collapse rounded-lg border border-slate-200 bg-white text-sm">
          <caption className="sr-only">{t("databasesCaption")}</caption>
          <thead className="bg-slate-100 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">{t("colName")}</th>
              <th scope="col" className="px-3 py-2">{t("colTables")}</th>
              <th scope="col" className="px-3 py-2">{t("colSize")}</th>
              {user.role === "admin" ? <th scope="col" className="px-3 py-2">{t("colActions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {databases.map((d) => (
              <tr key={d.name} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/workbench/databases/${d.name}`} className="font-mono font-medium underline">
                    {d.name}
                  </Link>
                </td>
                <td className="px-3 py-2">{format.number(d.tableCount)}</td>
                <td className="px-3 py-2">{format.number(d.sizeBytes / 1024 / 1024, { maximumFractionDigits: 1 })} MB</td>
                {user.role === "admin" ? (
                  <td className="px-3 py-2">
                    <DeleteDatabaseButton name={d.name} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
