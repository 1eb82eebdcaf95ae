"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { isGroup, operatorsFor, typeFamily, type Attribute, type Condition, type InnerGroup, type Operator, type RuleTree } from "@/lib/audiences/rules";
import type { ErrorValue } from "@/lib/errors";
import { Button } from "@/components/ui/button";

const CONTROL = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm aria-[invalid=true]:border-red-600";

function newCondition(attributes: Attribute[]): Condition {
  const first = attributes[0];
  return { column: first?.name ?? "", op: first ? operatorsFor(typeFamily(first.type))[0]! : "eq", value: "" };
}

/** One condition: attribute, operator, and the value fields the operator needs. */
function ConditionRow({ condition, attributes, path, error, onChange, onRemove }: { condition: Condition; attributes: Attribute[]; path: string; error?: ErrorValue | null; onChange: (c: Condition) => void; onRemove: () => void }) {
  const t = useTranslations("audiences");
  const attribute = attributes.find((a) => a.name === condition.column);
  const family = attribute ? typeFamily(attribute.type) : "text";
  const ops = operatorsFor(family);
  const fieldError = (key: string) => error?.fieldErrors?.[`${path}.${key}`];
  const problem = fieldError("column") ?? fieldError("op") ?? fieldError("value") ?? fieldError("values") ?? fieldError("from") ?? fieldError("to") ?? Object.entries(error?.fieldErrors ?? {}).find(([k]) => k.startsWith(`${path}.values.`))?.[1];
  const inputType = family === "date" ? "date" : "text";
  // The list is edited as text ("KR, JP") so a trailing comma can be typed; values are its trimmed parts.
  const [listText, setListText] = useState((condition.values ?? []).join(", "));
  const placeholder = family === "timestamp" ? "2025-01-31T00:00:00Z" : family === "date" ? "2025-01-31" : family === "boolean" ? "true / false" : "";
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="rule-condition">
      <select aria-label={t("ruleAttribute")} className={CONTROL} value={condition.column} aria-invalid={fieldError("column") ? true : undefined} onChange={(e) => {
        const next = attributes.find((a) => a.name === e.target.value);
        const nextOps = next ? operatorsFor(typeFamily(next.type)) : ops;
        onChange({ column: e.target.value, op: nextOps.includes(condition.op) ? condition.op : nextOps[0]!, value: "" });
      }}>
        {attribute ? null : <option value={condition.column}>{t("missingAttribute", { name: condition.column })}</option>}
        {attributes.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
          </option>
        ))}
      </select>
      <select aria-label={t("ruleOperator")} className={CONTROL} value={condition.op} onChange={(e) => onChange({ column: condition.column, op: e.target.value as Operator, value: "" })}>
        {ops.map((op) => (
          <option key={op} value={op}>
            {t(`op.${op}`)}
          </option>
        ))}
      </select>
      {condition.op === "between" ? (
        <>
          <input aria-label={t("ruleFrom")} className={`${CONTROL} w-28`} type={inputType} placeholder={placeholder} value={condition.from ?? ""} onChange={(e) => onChange({ ...condition, from: e.target.value })} />
          <span className="text-sm">{t("and")}</span>
          <input aria-label={t("ruleTo")} className={`${CONTROL} w-28`} type={inputType} placeholder={placeholder} value={condition.to ?? ""} onChange={(e) => onChange({ ...condition, to: e.target.value })} />
        </>
      ) : condition.op === "in" || condition.op === "not_in" ? (
        <input
          aria-label={t("ruleValues")}
          className={`${CONTROL} w-64`}
          placeholder={t("valuesPlaceholder")}
          value={listText}
          onChange={(e) => {
            setListText(e.target.value);
            onChange({ ...condition, values: e.target.value.split(",").map((v) => v.trim()).filter(Boolean) });
          }}
        />
      ) : condition.op === "is_null" || condition.op === "not_null" ? null : family === "boolean" ? (
        <select aria-label={t("ruleValue")} className={CONTROL} value={condition.value ?? ""} onChange={(e) => onChange({ ...condition, value: e.target.value })}>
          <option value="">—</option>
          <option value="true">{t("ruleTrue")}</option>
          <option value="false">{t("ruleFalse")}</option>
        </select>
      ) : (
        <input aria-label={t("ruleValue")} className={`${CONTROL} w-48`} type={inputType} placeholder={placeholder} value={condition.value ?? ""} onChange={(e) => onChange({ ...condition, value: e.target.value })} />
      )}
      <button type="button" className="text-sm text-red-700 underline" onClick={onRemove}>
        {t("removeCondition")}
      </button>
      {problem ? <p className="w-full text-sm text-red-700">{problem}</p> : null}
    </div>
  );
}

function CombinatorSelect({ value, onChange, label }: { value: "and" | "or"; onChange: (v: "and" | "or") => void; label: string }) {
  const t = useTranslations("audiences");
  return (
    <select aria-label={label} className={CONTROL} value={value} onChange={(e) => onChange(e.target.value as "and" | "or")}>
      <option value="and">{t("matchAll")}</option>
      <option value="or">{t("matchAny")}</option>
    </select>
  );
}

/** Rules on attributes, combined with AND/OR, with groups one level deep. */
export function RuleBuilder({ value, attributes, onChange, error }: { value: RuleTree; attributes: Attribute[]; onChange: (tree: RuleTree) => void; error?: ErrorValue | null }) {
  const t = useTranslations("audiences");
  const setItem = (i: number, item: Condition | InnerGroup | null) => {
    const conditions = [...value.conditions];
    if (item === null) conditions.splice(i, 1);
    else conditions[i] = item;
    onChange({ ...value, conditions });
  };
  return (
    <fieldset className="space-y-2 rounded-lg border border-slate-200 bg-white p-3">
      <legend className="px-1 text-sm font-medium text-slate-700">{t("rules")}</legend>
      <CombinatorSelect label={t("rootCombinator")} value={value.combinator} onChange={(combinator) => onChange({ ...value, combinator })} />
      {value.conditions.length === 0 ? <p className="text-sm text-slate-600">{t("noRules")}</p> : null}
      {value.conditions.map((item, i) =>
        isGroup(item) ? (
          <div key={i} className="space-y-2 rounded-md border border-dashed border-slate-300 p-2" role="group" aria-label={t("groupLabel", { n: i + 1 })}>
            <div className="flex items-center gap-2">
              <CombinatorSelect label={t("groupCombinator")} value={item.combinator} onChange={(combinator) => setItem(i, { ...item, combinator })} />
              <button type="button" className="text-sm text-red-700 underline" onClick={() => setItem(i, null)}>
                {t("removeGroup")}
              </button>
            </div>
            {item.conditions.map((c, j) => (
              <ConditionRow
                key={j}
                condition={c}
                attributes={attributes}
                path={`rules.conditions.${i}.conditions.${j}`}
                error={error}
                onChange={(next) => setItem(i, { ...item, conditions: item.conditions.map((x, k) => (k === j ? next : x)) })}
                onRemove={() => setItem(i, item.conditions.length === 1 ? null : { ...item, conditions: item.conditions.filter((_, k) => k !== j) })}
              />
            ))}
            <Button type="button" variant="secondary" onClick={() => setItem(i, { ...item, conditions: [...item.conditions, newCondition(attributes)] })}>
              {t("addCondition")}
            </Button>
          </div>
        ) : (
          <ConditionRow key={i} condition={item} attributes={attributes} path={`rules.conditions.${i}`} error={error} onChange={(next) => setItem(i, next)} onRemove={() => setItem(i, null)} />
        ),
      )}
      <div className="flex gap-2">
        <Button type="button" variant="secondary" onClick={() => onChange({ ...value, conditions: [...value.conditions, newCondition(attributes)] })}>
          {t("addCondition")}
        </Button>
        <Button type="button" variant="secondary" onClick={() => onChange({ ...value, conditions: [...value.conditions, { combinator: value.combinator === "and" ? "or" : "and", conditions: [newCondition(attributes)] }] })}>
          {t("addGroup")}
        </Button>
      </div>
    </fieldset>
  );
}
