import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listDatabases } from "@/lib/warehouse/databases";
import { CreateDatabaseForm, DeleteDatabaseButton } from "@/components/workbench/database-forms";
import { DataTable } from "@/components/ui/table";
import { Bytes } from "@/components/jobs/units";

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
        <DataTable
          caption={t("databasesCaption")}
          columns={[{ label: t("colName") }, { label: t("colTables") }, { label: t("colSize") }, { label: t("colActions"), hidden: user.role !== "admin" }]}
        >
            {databases.map((d) => (
              <tr key={d.name} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/workbench/databases/${d.name}`} className="font-mono font-medium underline">
                    {d.name}
                  </Link>
                </td>
                <td className="px-3 py-2">{format.number(d.tableCount)}</td>
                <td className="px-3 py-2"><Bytes value={d.sizeBytes} /></td>
                {user.role === "admin" ? (
                  <td className="px-3 py-2">
                    <DeleteDatabaseButton name={d.name} />
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
      )}
    </div>
  );
}
