"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { IMPORT_COLUMN_TYPES } from "@/lib/warehouse/csv/types";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";

const SAMPLE_BYTES = 1024 * 1024;

interface Preview {
  columns: { name: string; type: string; examples: string[] }[];
  table?: { exists: boolean };
}
interface Report {
  table: string;
  rowsImported: number;
  rowsRejected: number;
  rejected: { line: number; reason: string }[];
}
interface Failure {
  message: string;
  report?: { rejected: { line: number; reason: string }[] } | null;
}

function tableNameFrom(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "");
  return base.slice(0, 63) || "imported";
}

/** Choose a file → Check file (types from its start, editable) → Import (streamed, with progress). */
export function CsvImport({ database }: { database: string }) {
  const t = useTranslations("workbench");
  const format = useFormatter();
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [table, setTable] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [types, setTypes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<"checking" | "importing" | null>(null);
  const [progress, setProgress] = useState(0);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  const query = (extra: Record<string, string> = {}) => new URLSearchParams({ database, table, ...extra }).toString();

  async function check() {
    if (!file) return;
    setBusy("checking");
    setFailure(null);
    setReport(null);
    const response = await fetch(`/api/workbench/import/preview?${query()}`, { method: "POST", body: file.slice(0, SAMPLE_BYTES) });
    const body = await response.json().catch(() => ({ message: response.statusText }));
    setBusy(null);
    if (!response.ok) return setFailure(body);
    setPreview(body);
    setTypes(Object.fromEntries((body as Preview).columns.map((c) => [c.name, c.type])));
  }

  function upload() {
    if (!file || !preview) return;
    setBusy("importing");
    setProgress(0);
    setFailure(null);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/workbench/import?${query(preview.table?.exists ? {} : { columnTypes: JSON.stringify(types) })}`);
    xhr.setRequestHeader("content-type", "text/csv");
    xhr.upload.onprogress = (event) => event.lengthComputable && setProgress(event.loaded / event.total);
    xhr.onload = () => {
      setBusy(null);
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { message: xhr.statusText };
      }
      if (xhr.status >= 400) return setFailure(body as Failure);
      setProgress(1);
      setReport(body as Report);
      setPreview(null);
      router.refresh();
    };
    xhr.onerror = () => {
      setBusy(null);
      setFailure({ message: xhr.statusText || "The upload was interrupted." });
    };
    xhr.send(file);
  }

  const rejected = report?.rejected ?? failure?.report?.rejected ?? [];
  return (
    <section aria-labelledby="csv-import" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="csv-import" className="text-lg font-semibold">
        {t("importTitle")}
      </h2>
      <p className="text-sm text-slate-600">{t("importIntro")}</p>
      <div className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="csv-file" className="block text-sm font-medium text-slate-700">
            {t("file")}
          </label>
          <input
            id="csv-file"
            type="file"
            accept=".csv,.tsv,text/csv,text/plain"
            className="mt-1 block w-full text-sm"
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              setFile(chosen);
              setPreview(null);
              setReport(null);
              setFailure(null);
              if (chosen) setTable(tableNameFrom(chosen.name));
            }}
          />
        </div>
        <TextField label={t("tableName")} value={table} onChange={(event) => (setTable(event.target.value), setPreview(null))} maxLength={63} />
      </div>
      <Button variant="secondary" onClick={check} disabled={!file || !table || busy !== null}>
        {busy === "checking" ? t("analyzing") : t("analyze")}
      </Button>

      {preview ? (
        <div className="space-y-2">
          {preview.table?.exists ? <p className="text-sm">{t("appendTo")}</p> : null}
          <table className="border-collapse text-sm">
            <thead className="text-left">
              <tr>
                <th scope="col" className="px-2 py-1">{t("colName")}</th>
                <th scope="col" className="px-2 py-1">{t("colColumns")}</th>
                <th scope="col" className="px-2 py-1">{t("examples")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns.map((column) => (
                <tr key={column.name} className="border-t border-slate-100">
                  <td className="px-2 py-1 font-mono">{column.name}</td>
                  <td className="px-2 py-1">
                    <label className="sr-only" htmlFor={`type-${column.name}`}>
                      {t("columnType", { column: column.name })}
                    </label>
                    <select
                      id={`type-${column.name}`}
                      value={types[column.name]}
                      disabled={preview.table?.exists}
                      onChange={(event) => setTypes({ ...types, [column.name]: event.target.value })}
                      className="rounded border border-slate-300 px-1"
                    >
                      {IMPORT_COLUMN_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="px-2 py-1 font-mono text-xs text-slate-600">{column.examples.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Button onClick={upload} disabled={busy !== null}>
            {busy === "importing" ? t("importing") : t("import")}
          </Button>
        </div>
      ) : null}

      {busy === "importing" || report ? (
        <div>
          <label htmlFor="import-progress" className="text-sm">
            {t("progress")}
          </label>
          <progress id="import-progress" className="block w-full max-w-xl" max={1} value={progress} />
        </div>
      ) : null}
      {failure ? <Alert kind="error">{failure.message}</Alert> : null}
      {report ? (
        <Alert kind="success">{t("importDone", { rows: format.number(report.rowsImported), table: report.table, rejected: format.number(report.rowsRejected) })}</Alert>
      ) : null}
      {rejected.length ? (
        <div>
          <h3 className="font-medium">{t("rejectedTitle")}</h3>
          <ul className="max-h-48 overflow-auto font-mono text-xs">
            {rejected.map((r) => (
              <li key={r.line}>{t("rejectedLine", { line: r.line, reason: r.reason })}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
