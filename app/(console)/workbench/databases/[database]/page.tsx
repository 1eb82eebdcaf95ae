import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getDatabase, listTables } from "@/lib/warehouse/databases";
import { DeleteTableButton } from "@/components/workbench/database-forms";
import { CsvImport } from "@/components/workbench/csv-import";
import { DataTable } from "@/components/ui/table";
import { Bytes } from "@/components/jobs/units";

export default async function DatabasePage({ params }: { params: Promise<{ database: string }> }) {
  const user = await requireUser();
  const { database } = await params;
  const t = await getTranslations("workbench");
  const format = await getFormatter();
  const found = await getDatabase(database).catch((error) => {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "invalid_input")) notFound();
    throw error;
  });
  const tables = await listTables(found.name);
  return (
    <div className="max-w-6xl space-y-6">
      <p>
        <Link href="/workbench/databases" className="text-sm underline">
          ← {t("backToDatabases")}
        </Link>
      </p>
      <h1 className="font-mono text-2xl font-semibold">{found.name}</h1>
      <section aria-labelledby="tables" className="space-y-2">
        <h2 id="tables" className="text-lg font-semibold">
          {t("tablesTitle", { database: found.name })}
        </h2>
        {tables.length === 0 ? (
          <p className="text-slate-600">{t("noTables")}</p>
        ) : (
          <DataTable
            caption={t("tablesCaption")}
            columns={[{ label: t("colTable") }, { label: t("colRows") }, { label: t("colSize") }, { label: t("colColumns") }, { label: t("colActions") }]}
          >
              {tables.map((table) => (
                <tr key={table.name} className="border-t border-slate-200 align-top">
                  <td className="px-3 py-2 font-mono font-medium">{table.name}</td>
                  <td className="px-3 py-2">
                    {table.rowCount === null ? "—" : table.rowCountExact ? format.number(table.rowCount) : t("rowsApprox", { rows: format.number(table.rowCount) })}
                  </td>
                  <td className="px-3 py-2"><Bytes value={table.sizeBytes} /></td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {table.columns.map((c) => (
                      <div key={c.name}>
                        {c.name} <span className="text-slate-600">{c.type}</span>
                      </div>
                    ))}
                  </td>
                  <td className="space-y-1 px-3 py-2">
                    <Link className="underline" href={`/workbench/queries/new?database=${found.name}`}>
                      {t("queryThis")}
                    </Link>
                    {user.role === "admin" ? <DeleteTableButton database={found.name} table={table.name} /> : null}
                  </td>
                </tr>
              ))}
            </DataTable>
        )}
      </section>
      <CsvImport database={found.name} />
    </div>
  );
}
