"use client";
import { useFormatter, useTranslations } from "next-intl";
import type { AdidCheck } from "@/lib/export/adid-check";

export interface PreviewData {
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  totalRows: number | null;
  truncated: boolean;
  elapsedMs: number;
  adidCheck: AdidCheck;
}

/** The result grid: column names with their types, the first rows, the total, the time taken. */
export function ResultPreview({ result }: { result: PreviewData }) {
  const t = useTranslations("workbench");
  const format = useFormatter();
  return (
    <section aria-labelledby="result-heading" className="space-y-2">
      <h2 id="result-heading" className="text-lg font-semibold">
        {t("result")}
      </h2>
      {result.adidCheck.ok ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          <span aria-hidden>✓ </span>
          {t("readyToExport")}
        </p>
      ) : (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <span aria-hidden>⚠ </span>
          {t("notExportable", { reason: result.adidCheck.message })}
        </p>
      )}
      <p className="text-sm text-slate-700" data-testid="result-summary">
        {result.totalRows === null
          ? t("rowsUnknown", { shown: format.number(result.rows.length) })
          : t("rowsSummary", { total: format.number(result.totalRows), shown: format.number(result.rows.length) })}{" "}
        · {t("elapsed", { seconds: format.number(result.elapsedMs / 1000, { maximumFractionDigits: 2 }) })}
      </p>
      {/* Focusable, so keyboard users can scroll a wide or long result. */}
      <div tabIndex={0} role="region" aria-label={t("resultCaption")} className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{t("resultCaption")}</caption>
          <thead className="sticky top-0 bg-slate-100 text-left">
            <tr>
              {result.columns.map((column, i) => (
                <th key={i} scope="col" className="whitespace-nowrap px-3 py-1.5 font-medium">
                  {column.name} <span className="font-normal text-slate-600">({column.type})</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="font-mono text-xs">
            {result.rows.map((row, r) => (
              <tr key={r} className="border-t border-slate-100">
                {row.map((value, c) => (
                  <td key={c} className="whitespace-nowrap px-3 py-1">
                    {value === null ? <span className="text-slate-500">NULL</span> /* i18n-ignore: SQL NULL */ : value}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
