import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listSavedQueries } from "@/lib/workbench/queries";
import { exportTargetLabel } from "@/lib/export/view";
import { DataTable } from "@/components/ui/table";

export default async function QueriesPage() {
  const user = await requireUser();
  const t = await getTranslations("workbench");
  const format = await getFormatter();
  const queries = await listSavedQueries(user);
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
          columns={[{ label: t("colName") }, { label: t("colDatabase") }, { label: t("colOwner"), hidden: user.role !== "admin" }, { label: t("colLastRun") }, { label: t("colSchedule") }, { label: t("colExport") }, { label: t("colUpdated") }]}
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
