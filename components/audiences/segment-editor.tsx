"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { createSegmentAction, segmentPopulationAction, updateSegmentAction } from "@/lib/audiences/actions";
import type { Attribute, RuleTree } from "@/lib/audiences/rules";
import type { ErrorValue } from "@/lib/errors";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { RuleBuilder } from "@/components/audiences/rule-builder";
import type { TreeFolder } from "@/components/audiences/segment-tree";

interface Props {
  parentSegmentId: number;
  attributes: Attribute[];
  folders: TreeFolder[];
  saved?: { id: number; name: string; folderId: number | null; rules: RuleTree };
}

type Count = { state: "counting" } | { state: "done"; population: number; sql: string; params: unknown[] } | { state: "error"; error: ErrorValue };

/** Live population count (debounced) and the generated SQL, as the rules change. */
function usePopulation(parentSegmentId: number, rules: RuleTree): Count {
  const [count, setCount] = useState<Count>({ state: "counting" });
  const key = JSON.stringify(rules);
  useEffect(() => {
    let current = true;
    setCount({ state: "counting" });
    const timer = setTimeout(async () => {
      const result = await segmentPopulationAction({ parentSegmentId, rules: JSON.parse(key) });
      if (!current) return;
      setCount(result.ok ? { state: "done", ...result.data } : { state: "error", error: result.error });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [parentSegmentId, key]);
  return count;
}

export function SegmentEditor({ parentSegmentId, attributes, folders, saved }: Props) {
  const t = useTranslations("audiences");
  const format = useFormatter();
  const router = useRouter();
  const [name, setName] = useState(saved?.name ?? "");
  const [folderId, setFolderId] = useState<number | null>(saved?.folderId ?? null);
  const [rules, setRules] = useState<RuleTree>(saved?.rules ?? { combinator: "and", conditions: [] });
  const count = usePopulation(parentSegmentId, rules);
  const { pending, error, notice, run } = useAction();
  const shownError = error ?? (count.state === "error" ? count.error : null);

  function save(event: React.FormEvent) {
    event.preventDefault();
    if (saved) run(() => updateSegmentAction({ id: saved.id, name, folderId, rules }), () => t("segmentSaved", { name }));
    else run(() => createSegmentAction({ parentSegmentId, folderId, name, rules }), () => t("segmentSaved", { name }), (data) => router.push(`/audiences/segments/${data.id}`));
  }

  return (
    <form onSubmit={save} className="space-y-3" aria-label={t("segmentEditor")}>
      <div className="grid max-w-3xl grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField label={t("segmentName")} value={name} maxLength={100} error={error?.fieldErrors?.name} onChange={(e) => setName(e.target.value)} />
        <SelectField label={t("folder")} value={folderId ?? ""} error={error?.fieldErrors?.folderId} onChange={(e) => setFolderId(e.target.value ? Number(e.target.value) : null)}>
          <option value="">{t("topLevel")}</option>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </SelectField>
      </div>
      <RuleBuilder value={rules} attributes={attributes} onChange={setRules} error={shownError} />
      <div role="status" aria-live="polite" className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm" data-testid="population">
        {count.state === "counting" ? t("counting") : count.state === "done" ? t("population", { count: format.number(count.population) }) : t("populationUnavailable")}
      </div>
      {count.state === "error" && !Object.keys(count.error.fieldErrors ?? {}).some((k) => k.startsWith("rules.conditions")) ? <Alert kind="error">{count.error.message}</Alert> : null}
      {count.state === "done" ? (
        <details>
          <summary className="cursor-pointer text-sm font-medium">{t("generatedSql")}</summary>
          <pre className="mt-1 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="generated-sql">
            {count.sql}
          </pre>
          <p className="text-xs text-slate-600">{t("parameters", { values: count.params.map((p) => JSON.stringify(p)).join(", ") || "—" })}</p>
        </details>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {t("saveSegment")}
        </Button>
        {error && !Object.keys(error.fieldErrors ?? {}).some((k) => k === "name" || k.startsWith("rules")) ? <Alert kind="error">{error.message}</Alert> : null}
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </div>
    </form>
  );
}
