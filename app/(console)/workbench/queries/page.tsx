import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listSavedQueries } from "@/lib/workbench/queries";
import { exportTargetLabel } from "@/lib/export/view";
import { DataTable, sortRows, type SortDirection, type TableColumn } from "@/components/ui/table";

type Query = Awaited<ReturnType<typeof listSavedQueries>>[number];
const SORTS = {
  name: (q: Query) => q.name,
  database: (q: Query) => q.database,
  lastRun: (q: Query) => q.lastRunAt?.getTime() ?? null,
  updated: (q: Query) => q.updatedAt.getTime(),
} as const;
type SortKey = keyof typeof SORTS;

export default async function QueriesPage({ searchParams }: { searchParams: Promise<{ sort?: string; dir?: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("workbench");
  const format = await getFormatter();
  const params = await searchParams;
  // Sorted here, not in SQL: a user's saved queries are a short list.
  const key: SortKey = params.sort && params.sort in SORTS ? (params.sort as SortKey) : "updated";
  const direction: SortDirection = params.dir === "asc" ? "ascending" : params.dir === "desc" ? "descending" : key === "name" || key === "database" ? "ascending" : "descending";
  const queries = sortRows(await listSavedQueries(user), SORTS[key], direction, await getLocale());
  const sortable = (column: SortKey, label: string): TableColumn => ({
    label,
    sort: { direction: key === column ? direction : undefined, href: `/workbench/queries?sort=${column}&dir=${key === column && direction === "ascending" ? "desc" : "asc"}` },
  });
  return (
    <div className="max-w-6xl space-y-4">
      <div className="flex items-center justify-between">
        <div>
          <h1 className="text-2xl font-semibold">{t("queriesTitle")}</h1>
          <p className="text-slate-600">{t("queriesIntro")}</p>
        </div>
        <Link href="/workbench/queries/new" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          {t("newQuery")}
        </Link>
      </div>
      {queries.length === 0 ? (
        <p className="text-slate-600">{t("noQueries")}</p>
      ) : (
        <DataTable
          caption={t("queriesCaption")}
          columns={[sortable("name", t("colName")), sortable("database", t("colDatabase")), { label: t("colOwner"), hidden: user.role !== "admin" }, sortable("lastRun", t("colLastRun")), { label: t("colSchedule") }, { label: t("colExport") }, sortable("updated", t("colUpdated"))]}
        >
            {queries.map((q) => (
              <tr key={q.id} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/workbench/queries/${q.id}`} className="font-medium underline">
                    {q.name}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono">{q.database}</td>
                {user.role === "admin" ? <td className="px-3 py-2">{q.owner.email}</td> : null}
                <td className="px-3 py-2">
                  {q.lastRunAt ? format.dateTime(q.lastRunAt, "dateTime") : t("never")}
                  {q.lastError ? ` · ⚠ ${t("lastRunFailed")}` : q.lastRunRows !== null ? ` · ${t("lastRunRows", { rows: format.number(Number(q.lastRunRows)) })}` : ""}
                </td>
                <td className="px-3 py-2">
                  {q.scheduleCron ? (
                    <>
                      <span className="font-mono">{q.scheduleCron}</span> <span className="text-slate-600">{q.scheduleTimezone}</span>
                      {q.scheduleEnabled ? null : <span> · ⏸ {q.scheduleDisabledReason ? t("scheduleDisabled") : t("schedulePaused")}</span>}
                    </>
                  ) : (
                    t("none")
                  )}
                </td>
                <td className="px-3 py-2">{exportTargetLabel(q.exportSettings) ?? t("none")}</td>
                <td className="px-3 py-2">{format.dateTime(q.updatedAt, "dateTime")}</td>
              </tr>
            ))}
          </DataTable>
      )}
    </div>
  );
}
