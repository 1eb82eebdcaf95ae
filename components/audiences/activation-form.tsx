"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { createActivationAction, previewMappingAction, updateActivationAction } from "@/lib/audiences/actions";
import { mappedColumns, STRING_PARTS, type MappingInput, type StringPart } from "@/lib/audiences/mapping";
import type { Attribute } from "@/lib/audiences/rules";
import { checkAdidColumns } from "@/lib/export/adid-check";
import { AppError, type ErrorValue } from "@/lib/errors";
import type { ExportSettingsInput } from "@/lib/export/settings";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { ExportResultsForm, initialExportTarget, type ExportAuthentication, type ExportTarget } from "@/components/export/export-results-form";
import { ScheduleEditor, type ScheduleValue } from "@/components/schedule/schedule-editor";
import { ResultPreview, type PreviewData } from "@/components/workbench/result-preview";

type ColumnsMapping = Extract<MappingInput, { mode: "columns" }>;

export interface ActivationValue {
  id?: number;
  name: string;
  target: ExportTarget;
  mapping: MappingInput;
  schedule: ScheduleValue;
  emails: string;
  onSuccess: boolean;
  onFailure: boolean;
}

interface Props {
  segment: { id: number; name: string; audienceId: number; keyColumn: string; attributes: Attribute[] };
  authentications: ExportAuthentication[];
  initial?: ActivationValue;
}

const CONTROL = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm aria-[invalid=true]:border-red-600";

/** The mapping judged in the browser, before any query: the same pure check the server applies. */
function staticCheck(mapping: MappingInput, segment: Props["segment"]): { ok: boolean; message: string } {
  try {
    const check = checkAdidColumns(mappedColumns(mapping, { keyColumn: segment.keyColumn, attributes: segment.attributes, segmentId: segment.id, segmentName: segment.name, audienceId: segment.audienceId }));
    return check.ok ? { ok: true, message: "" } : { ok: false, message: check.message };
  } catch (error) {
    return { ok: false, message: error instanceof AppError ? error.message : String(error) };
  }
}

function MappingEditor({ mapping, sources, onChange, error }: { mapping: MappingInput; sources: Attribute[]; onChange: (m: MappingInput) => void; error?: ErrorValue | null }) {
  const t = useTranslations("audiences");
  const columns: ColumnsMapping = mapping.mode === "columns" ? mapping : { mode: "columns", columns: [], strings: [] };
  const strings = columns.strings ?? [];
  const set = (patch: Partial<ColumnsMapping>) => onChange({ ...columns, strings, ...patch });
  const fieldError = (key: string) => error?.fieldErrors?.[`mapping.${key}`];
  return (
    <div className="space-y-3">
      <label className="inline-flex items-center gap-2 text-sm">
        <input type="checkbox" checked={mapping.mode === "all"} onChange={(e) => onChange(e.target.checked ? { mode: "all" } : columns)} />
        {t("exportAllColumns")}
      </label>
      {mapping.mode === "columns" ? (
        <>
          <table className="text-sm">
            <thead>
              <tr>
                <th scope="col" className="pr-2 text-left font-medium">
                  {t("sourceColumn")}
                </th>
                <th scope="col" className="pr-2 text-left font-medium">
                  {t("outputColumn")}
                </th>
                <th />
              </tr>
            </thead>
            <tbody>
              {columns.columns.map((c, i) => (
                <tr key={i} data-testid="mapping-column">
                  <td className="pr-2 py-1">
                    <select
                      aria-label={t("sourceColumnN", { n: i + 1 })}
                      className={CONTROL}
                      value={c.source}
                      onChange={(e) => set({ columns: columns.columns.map((x, k) => (k === i ? { source: e.target.value, output: x.output === x.source || x.output === "" ? e.target.value : x.output } : x)) })}
                    >
                      {sources.map((s) => (
                        <option key={s.name} value={s.name}>
                          {s.name} ({s.type})
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="pr-2 py-1">
                    <input aria-label={t("outputColumnN", { n: i + 1 })} className={CONTROL} value={c.output} aria-invalid={fieldError(`columns.${i}.output`) ? true : undefined} onChange={(e) => set({ columns: columns.columns.map((x, k) => (k === i ? { ...x, output: e.target.value } : x)) })} />
                    {fieldError(`columns.${i}.output`) ?? fieldError(`columns.${i}.source`) ? <p className="text-sm text-red-700">{fieldError(`columns.${i}.output`) ?? fieldError(`columns.${i}.source`)}</p> : null}
                  </td>
                  <td>
                    <button type="button" className="text-sm text-red-700 underline" onClick={() => set({ columns: columns.columns.filter((_, k) => k !== i) })}>
                      {t("remove")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Button type="button" variant="secondary" onClick={() => set({ columns: [...columns.columns, { source: sources[0]!.name, output: sources[0]!.name }] })}>
            {t("addColumns")}
          </Button>
          <div className="space-y-2">
            <h4 className="text-sm font-medium">{t("stringBuilder")}</h4>
            {strings.map((s, i) => (
              <div key={i} className="space-y-2 rounded-md border border-dashed border-slate-300 p-2" data-testid="mapping-string">
                <div className="flex flex-wrap items-center gap-2">
                  <input aria-label={t("stringOutputN", { n: i + 1 })} placeholder={t("outputColumn")} className={CONTROL} value={s.output} onChange={(e) => set({ strings: strings.map((x, k) => (k === i ? { ...x, output: e.target.value } : x)) })} />
                  <span className="text-sm">=</span>
                  {s.parts.map((part, j) => (
                    <span key={j} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1">
                      <select
                        aria-label={t("partKindN", { n: j + 1 })}
                        className={CONTROL}
                        value={part.kind}
                        onChange={(e) => set({ strings: strings.map((x, k) => (k === i ? { ...x, parts: x.parts.map((p, m) => (m === j ? ((e.target.value === "string" ? { kind: "string", value: "" } : { kind: e.target.value }) as StringPart) : p)) } : x)) })}
                      >
                        {STRING_PARTS.map((kind) => (
                          <option key={kind} value={kind}>
                            {t(`part.${kind}`)}
                          </option>
                        ))}
                      </select>
                      {part.kind === "string" ? (
                        <input aria-label={t("partTextN", { n: j + 1 })} className={`${CONTROL} w-32`} value={part.value} onChange={(e) => set({ strings: strings.map((x, k) => (k === i ? { ...x, parts: x.parts.map((p, m) => (m === j ? { kind: "string", value: e.target.value } : p)) } : x)) })} />
                      ) : null}
                      <button type="button" aria-label={t("removePart")} className="px-1 text-red-700" onClick={() => set({ strings: strings.map((x, k) => (k === i ? { ...x, parts: x.parts.filter((_, m) => m !== j) } : x)) })}>
                        ×
                      </button>
                    </span>
                  ))}
                  <Button type="button" variant="secondary" onClick={() => set({ strings: strings.map((x, k) => (k === i ? { ...x, parts: [...x.parts, { kind: "string", value: "" }] } : x)) })}>
                    {t("addPart")}
                  </Button>
                  <button type="button" className="text-sm text-red-700 underline" onClick={() => set({ strings: strings.filter((_, k) => k !== i) })}>
                    {t("remove")}
                  </button>
                </div>
                {Object.entries(error?.fieldErrors ?? {}).find(([k]) => k.startsWith(`mapping.strings.${i}`))?.[1] ? <p className="text-sm text-red-700">{Object.entries(error?.fieldErrors ?? {}).find(([k]) => k.startsWith(`mapping.strings.${i}`))?.[1]}</p> : null}
              </div>
            ))}
            <Button type="button" variant="secondary" onClick={() => set({ strings: [...strings, { output: "", parts: [{ kind: "string", value: "" }] }] })}>
              {t("addString")}
            </Button>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** Create Activation: Details, Output Mapping (with a live preview and the adid check), Schedule, notifications. */
export function ActivationForm({ segment, authentications, initial }: Props) {
  const t = useTranslations("audiences");
  const router = useRouter();
  const [value, setValue] = useState<ActivationValue>(
    initial ?? {
      name: "",
      target: initialExportTarget(authentications),
      mapping: { mode: "columns", columns: [], strings: [] },
      schedule: { cron: "", timezone: "UTC", delaySeconds: 0 },
      emails: "",
      onSuccess: false,
      onFailure: true,
    },
  );
  const { pending, error, notice, run } = useAction();
  const [preview, setPreview] = useState<{ data?: PreviewData; error?: string; loading: boolean }>({ loading: false });
  const sources = [segment.attributes.find((a) => a.name === segment.keyColumn) ?? { name: segment.keyColumn, type: "text" }, ...segment.attributes.filter((a) => a.name !== segment.keyColumn)];
  const check = staticCheck(value.mapping, segment);
  const mappingKey = JSON.stringify(value.mapping);

  // The preview follows the mapping (debounced): first rows and the adid check, before Create.
  useEffect(() => {
    let current = true;
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(async () => {
      const result = await previewMappingAction({ segmentId: segment.id, mapping: JSON.parse(mappingKey) });
      if (!current) return;
      setPreview(result.ok ? { data: result.data, loading: false } : { error: result.error.message, loading: false });
    }, 500);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [segment.id, mappingKey]);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = {
      segmentId: segment.id,
      name: value.name,
      authenticationId: value.target.authenticationId ?? 0,
      exportSettings: (value.target.settings ?? { ad_account_id: "", mode: "register", file_name: "" }) as ExportSettingsInput,
      mapping: value.mapping,
      schedule: value.schedule,
      notifications: { emails: value.emails.split(/[\s,;]+/).filter(Boolean), onSuccess: value.onSuccess, onFailure: value.onFailure },
    };
    if (value.id) run(() => updateActivationAction({ ...input, id: value.id }), () => t("activationSaved", { name: value.name }));
    else run(() => createActivationAction(input), (data) => t("activationCreated", { name: data.name }), () => router.push(`/audiences/segments/${segment.id}`));
  }

  const detailsError = error ? { ...error, fieldErrors: Object.fromEntries(Object.entries(error.fieldErrors ?? {}).map(([k, v]) => [k.replace(/^exportSettings\./, ""), v])) } : null;
  return (
    <form onSubmit={submit} className="space-y-6" aria-label={t("activationForm")}>
      <section aria-labelledby="details-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="details-heading" className="text-lg font-semibold">
          {t("details")}
        </h2>
        <div className="max-w-md">
          <TextField label={t("activationName")} value={value.name} maxLength={100} error={error?.fieldErrors?.name} onChange={(e) => setValue({ ...value, name: e.target.value })} />
        </div>
        <ExportResultsForm authentications={authentications} value={value.target} onChange={(target) => setValue({ ...value, target })} error={detailsError} />
      </section>

      <section aria-labelledby="mapping-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="mapping-heading" className="text-lg font-semibold">
          {t("outputMapping")}
        </h2>
        <p className="text-sm text-slate-600">{t("mappingHelp")}</p>
        <MappingEditor mapping={value.mapping} sources={sources} onChange={(mapping) => setValue({ ...value, mapping })} error={error} />
        <p role="status" className={`rounded-md border px-3 py-2 text-sm ${check.ok ? "border-green-300 bg-green-50 text-green-900" : "border-amber-300 bg-amber-50 text-amber-950"}`} data-testid="mapping-check">
          {check.ok ? t("mappingReady") : t("mappingNotReady", { reason: check.message })}
        </p>
        {error?.fieldErrors?.mapping ? <Alert kind="error">{error.fieldErrors.mapping}</Alert> : null}
        <div aria-busy={preview.loading}>
          <h3 className="text-sm font-medium">{t("mappingPreview")}</h3>
          {preview.data ? <ResultPreview result={preview.data} /> : preview.error ? <p className="text-sm text-slate-600">{preview.error}</p> : <p className="text-sm text-slate-600">{t("previewLoading")}</p>}
        </div>
      </section>

      <section aria-labelledby="activation-schedule-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="activation-schedule-heading" className="text-lg font-semibold">
          {t("schedule")}
        </h2>
        <ScheduleEditor value={value.schedule} onChange={(schedule) => setValue({ ...value, schedule })} error={error ? { ...error, fieldErrors: Object.fromEntries(Object.entries(error.fieldErrors ?? {}).map(([k, v]) => [k.replace(/^schedule\./, ""), v])) } : null} />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">{t("notifications")}</legend>
          <div className="flex gap-4 text-sm">
            <label className="inline-flex items-center gap-1">
              <input type="checkbox" checked={value.onSuccess} onChange={(e) => setValue({ ...value, onSuccess: e.target.checked })} />
              {t("notifyOnSuccess")}
            </label>
            <label className="inline-flex items-center gap-1">
              <input type="checkbox" checked={value.onFailure} onChange={(e) => setValue({ ...value, onFailure: e.target.checked })} />
              {t("notifyOnFailure")}
            </label>
          </div>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">{t("recipients")}</span>
            <textarea className={`${CONTROL} mt-1 block w-full max-w-xl`} rows={2} value={value.emails} placeholder={t("recipientsPlaceholder")} onChange={(e) => setValue({ ...value, emails: e.target.value })} />
            <span className="text-xs text-slate-600">{t("recipientsHelp")}</span>
          </label>
          {Object.entries(error?.fieldErrors ?? {}).find(([k]) => k.startsWith("notifications"))?.[1] ? <p className="text-sm text-red-700">{error!.message}</p> : null}
        </fieldset>
      </section>

      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {value.id ? t("saveActivation") : t("create")}
        </Button>
        {error ? <Alert kind="error">{error.message}</Alert> : null}
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </div>
    </form>
  );
}
