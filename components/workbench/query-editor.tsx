"use client";
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { deleteQueryAction, saveQueryAction } from "@/lib/workbench/actions";
import type { ErrorValue } from "@/lib/errors";
import { runExportAction } from "@/lib/export/actions";
import { SqlEditor } from "@/components/workbench/sql-editor";
import { ExportResultsForm, initialExportTarget, type ExportAuthentication, type ExportTarget } from "@/components/export/export-results-form";
import { SchedulePanel, type SavedSchedule } from "@/components/schedule/schedule-panel";
import { ResultPreview, type PreviewData } from "@/components/workbench/result-preview";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";

interface RunError {
  message: string;
  position?: { line: number; column: number } | null;
}

interface Props {
  databases: string[];
  saved?: { id: number; name: string; database: string; sql: string; exportTarget: ExportTarget | null; schedule: SavedSchedule };
  defaultDatabase?: string;
  authentications: ExportAuthentication[];
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({ message: response.statusText }));
  if (!response.ok) throw data as RunError;
  return data as T;
}

/** New Query / a saved query: database picker, SQL editor, Run (⌘/Ctrl-Enter), Cancel, preview, Save. */
export function QueryEditor({ databases, saved, defaultDatabase, authentications }: Props) {
  const t = useTranslations("workbench");
  const te = useTranslations("export");
  const [exportOpen, setExportOpen] = useState(!!saved?.exportTarget);
  const [target, setTarget] = useState<ExportTarget>(saved?.exportTarget ?? initialExportTarget(authentications));
  const [exportError, setExportError] = useState<ErrorValue | null>(null);
  const [exporting, startExport] = useTransition();
  const router = useRouter();
  const [sql, setSql] = useState(saved?.sql ?? "");
  const [database, setDatabase] = useState(saved?.database ?? defaultDatabase ?? databases[0] ?? "");
  const [name, setName] = useState(saved?.name ?? "");
  const [saveError, setSaveError] = useState<ErrorValue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();
  const runId = useRef<string | null>(null);

  const run = useMutation<PreviewData, RunError>({
    mutationFn: () => {
      runId.current = crypto.randomUUID();
      return postJson<PreviewData>("/api/workbench/run", { sql, database, runId: runId.current, savedQueryId: saved?.id });
    },
  });
  const cancel = useMutation({ mutationFn: () => postJson("/api/workbench/cancel", { runId: runId.current }) });

  function onRun() {
    if (!run.isPending && sql.trim()) run.mutate();
  }

  function onSave() {
    setSaveError(null);
    setNotice(null);
    startSaving(async () => {
      // Hiding the Export Results panel leaves the saved export as it is.
      const exportFields = exportOpen && target.settings ? { exportAuthenticationId: target.authenticationId, exportSettings: target.settings } : {};
      const result = await saveQueryAction({ id: saved?.id, name, database, sql, ...exportFields });
      if (!result.ok) return setSaveError(result.error);
      setNotice(t("saved", { name: result.data.name }));
      if (!saved) router.replace(`/workbench/queries/${result.data.id}`);
      else router.refresh();
    });
  }

  function onExport() {
    setExportError(null);
    startExport(async () => {
      const result = await runExportAction({
        database,
        query: sql,
        savedQueryId: saved?.id,
        authenticationId: target.authenticationId ?? undefined,
        exportSettings: target.settings ?? { ad_account_id: "", mode: "register", file_name: "" },
      });
      if (!result.ok) return setExportError(result.error);
      router.push(`/jobs/${result.data.id}`);
    });
  }

  function onDelete() {
    if (!saved || !window.confirm(t("confirmDelete", { name: saved.name }))) return;
    startSaving(async () => {
      const result = await deleteQueryAction({ id: saved.id });
      if (!result.ok) return setSaveError(result.error);
      router.push("/workbench/queries");
    });
  }

  return (
    <div className="space-y-4">
      <div className="grid max-w-3xl grid-cols-1 gap-3 sm:grid-cols-2">
        <SelectField label={t("database")} value={database} onChange={(event) => setDatabase(event.target.value)}>
          {databases.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </SelectField>
        <TextField label={t("queryName")} value={name} onChange={(event) => setName(event.target.value)} maxLength={100} error={saveError?.fieldErrors?.name} />
      </div>
      <div>
        <p id="sql-help" className="mb-1 text-sm text-slate-600">
          {t("sqlHelp")}
        </p>
        <SqlEditor value={sql} onChange={setSql} onRun={onRun} label={t("sqlLabel")} describedBy="sql-help" />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={onRun} disabled={run.isPending || !sql.trim()}>
          {run.isPending ? t("running") : t("run")}
        </Button>
        {run.isPending ? (
          <Button variant="secondary" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            {t("cancel")}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={onSave} disabled={saving}>
          {saving ? t("saving") : t("save")}
        </Button>
        <Button variant="secondary" onClick={() => setExportOpen(!exportOpen)} aria-expanded={exportOpen} aria-controls="export-results">
          {exportOpen ? te("hideExport") : te("exportResults")}
        </Button>
        {saved ? (
          <Button variant="danger" onClick={onDelete} disabled={saving}>
            {t("delete")}
          </Button>
        ) : null}
      </div>
      {exportOpen ? (
        <section id="export-results" aria-labelledby="export-results-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="export-results-heading" className="text-lg font-semibold">
            {te("title")}
          </h2>
          <p className="text-sm text-slate-600">{te("intro")}</p>
          <p role="status" className="text-sm">
            {run.isSuccess ? (run.data.adidCheck.ok ? `✓ ${t("readyToExport")}` : `⚠ ${te("adidBlocked", { reason: run.data.adidCheck.message })}`) : te("adidUnknown")}
          </p>
          <ExportResultsForm authentications={authentications} value={target} onChange={setTarget} error={exportError} />
          {exportError ? <Alert kind="error">{exportError.message}</Alert> : null}
          <Button onClick={onExport} disabled={exporting || !sql.trim() || (run.isSuccess && !run.data.adidCheck.ok)}>
            {exporting ? te("starting") : te("runExport")}
          </Button>
        </section>
      ) : null}
      {saved ? <SchedulePanel savedQueryId={saved.id} schedule={saved.schedule} hasExport={!!saved.exportTarget} /> : null}
      {saveError && !saveError.fieldErrors?.name ? <Alert kind="error">{saveError.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {run.isPending ? (
        <p role="status" aria-live="polite" className="animate-pulse text-slate-600">
          {t("runningLong")}
        </p>
      ) : null}
      {run.isError ? (
        <Alert kind="error">
          {run.error.message}
          {run.error.position ? ` ${t("errorAt", { line: run.error.position.line, column: run.error.position.column })}` : ""}
        </Alert>
      ) : null}
      {run.isSuccess ? <ResultPreview result={run.data} /> : null}
    </div>
  );
}
