"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { createParentSegmentAction, updateParentSegmentAction } from "@/lib/audiences/actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";

export interface WarehouseCatalog {
  database: string;
  tables: { name: string; columns: { name: string; type: string }[] }[];
}

export interface ParentSegmentValue {
  id?: number;
  name: string;
  database: string;
  table: string;
  keyColumn: string;
  attributes: string[];
}

/** A parent segment: a warehouse table, its key column and the attributes segments may filter on. */
export function ParentSegmentForm({ catalog, initial }: { catalog: WarehouseCatalog[]; initial?: ParentSegmentValue }) {
  const t = useTranslations("audiences");
  const router = useRouter();
  const first = catalog.find((d) => d.database === "kakao_db") ?? catalog[0];
  const [value, setValue] = useState<ParentSegmentValue>(
    initial ?? { name: "", database: first?.database ?? "", table: first?.tables.find((x) => x.name === "customers")?.name ?? first?.tables[0]?.name ?? "", keyColumn: "", attributes: [] },
  );
  const { pending, error, notice, run } = useAction();
  const tables = catalog.find((d) => d.database === value.database)?.tables ?? [];
  const columns = tables.find((x) => x.name === value.table)?.columns ?? [];
  const keyColumn = value.keyColumn || (columns.find((c) => c.name === "adid") ? "adid" : (columns[0]?.name ?? ""));
  const field = (key: string) => error?.fieldErrors?.[key];

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = { ...value, keyColumn };
    if (value.id) run(() => updateParentSegmentAction({ ...input, id: value.id }), () => t("parentSaved", { name: value.name }));
    else run(() => createParentSegmentAction(input), (data) => t("parentCreated", { name: data.name }), (data) => router.push(`/audiences/${data.id}`));
  }

  return (
    <form onSubmit={submit} className="max-w-3xl space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-label={value.id ? t("editParent") : t("newParent")}>
      <h2 className="text-lg font-semibold">{value.id ? t("editParent") : t("newParent")}</h2>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField label={t("parentName")} value={value.name} maxLength={100} error={field("name")} onChange={(e) => setValue({ ...value, name: e.target.value })} />
        <SelectField label={t("database")} value={value.database} error={field("database")} onChange={(e) => setValue({ ...value, database: e.target.value, table: "", keyColumn: "", attributes: [] })}>
          {catalog.map((d) => (
            <option key={d.database} value={d.database}>
              {d.database}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("table")} value={value.table} error={field("table")} onChange={(e) => setValue({ ...value, table: e.target.value, keyColumn: "", attributes: [] })}>
          <option value="">{t("chooseTable")}</option>
          {tables.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("keyColumn")} value={keyColumn} error={field("keyColumn")} onChange={(e) => setValue({ ...value, keyColumn: e.target.value })}>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.type})
            </option>
          ))}
        </SelectField>
      </div>
      {columns.length ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{t("attributes")}</legend>
          <p className="text-xs text-slate-600">{t("attributesHelp")}</p>
          <div className="mt-1 grid grid-cols-2 gap-1 text-sm sm:grid-cols-3">
            {columns
              .filter((c) => c.name !== keyColumn)
              .map((c) => (
                <label key={c.name} className="inline-flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={value.attributes.includes(c.name)}
                    onChange={(e) => setValue({ ...value, attributes: e.target.checked ? [...value.attributes, c.name] : value.attributes.filter((a) => a !== c.name) })}
                  />
                  <span className="font-mono">{c.name}</span> <span className="text-slate-500">{c.type}</span>
                </label>
              ))}
          </div>
          {field("attributes") ? <p className="mt-1 text-sm text-red-700">{field("attributes")}</p> : null}
        </fieldset>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {value.id ? t("save") : t("create")}
        </Button>
        {error && !Object.keys(error.fieldErrors ?? {}).some((k) => ["name", "database", "table", "keyColumn", "attributes"].includes(k)) ? <Alert kind="error">{error.message}</Alert> : null}
        {error?.fieldErrors?.attributes && error.code === "conflict" ? <Alert kind="error">{error.message}</Alert> : null}
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </div>
    </form>
  );
}
