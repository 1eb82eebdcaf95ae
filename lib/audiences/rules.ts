/**
 * Segment rules → parameterised SQL. Pure: no I/O. A rule tree is a group (AND/OR) of conditions
 * and of groups of conditions (one level of nesting). Column names are checked against the parent
 * segment's attributes and written as quoted identifiers; every value the user typed travels as a
 * bind parameter ($1, $2…) and never enters the SQL text. Each value is cast by the attribute's
 * type family (number, timestamp, date, boolean, text), so `age between '20' and '39'` compares
 * numbers and a malformed value fails as a clear message before the query runs.
 */
import { z } from "zod";
import type { QueryParam } from "@/lib/engine/types";
import { baseTypeName } from "@/lib/export/adid-check";
import { AppError } from "@/lib/errors";
import { quoteIdent } from "@/lib/warehouse/names";

export const OPERATORS = ["eq", "neq", "in", "not_in", "between", "contains", "is_null", "not_null", "before", "after"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Attribute {
  name: string;
  /** The engine's type name (`format_type`). */
  type: string;
}

export type TypeFamily = "number" | "timestamp" | "date" | "boolean" | "text";

const NUMBER_TYPES = new Set(["smallint", "integer", "bigint", "int", "int2", "int4", "int8", "numeric", "decimal", "real", "double precision", "float4", "float8"]);

export function typeFamily(type: string): TypeFamily {
  const base = baseTypeName(type);
  if (NUMBER_TYPES.has(base)) return "number";
  if (base.startsWith("timestamp")) return "timestamp";
  if (base === "date") return "date";
  if (base === "boolean" || base === "bool") return "boolean";
  return "text";
}

/** Which operators make sense for a type family (the editor offers these; the compiler enforces them). */
export function operatorsFor(family: TypeFamily): Operator[] {
  switch (family) {
    case "number":
      return ["eq", "neq", "in", "not_in", "between", "is_null", "not_null"];
    case "timestamp":
    case "date":
      return ["before", "after", "between", "eq", "is_null", "not_null"];
    case "boolean":
      return ["eq", "neq", "is_null", "not_null"];
    case "text":
      return ["eq", "neq", "in", "not_in", "contains", "is_null", "not_null"];
  }
}

const value = z.string().max(1000, "must be at most 1,000 characters");

export const conditionSchema = z.object({
  column: z.string().min(1, "choose an attribute").max(63),
  op: z.enum(OPERATORS, { error: `must be one of ${OPERATORS.join(", ")}` }),
  /** eq, neq, contains, before, after. */
  value: value.optional(),
  /** in, not_in: 1–1,000 values. */
  values: z.array(value).max(1000, "at most 1,000 values").optional(),
  /** between: either end may be open, not both. */
  from: value.optional(),
  to: value.optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

const combinator = z.enum(["and", "or"], { error: "must be and or or" });

export const innerGroupSchema = z.object({
  combinator,
  conditions: z.array(conditionSchema).min(1, "a group needs at least one condition").max(50, "at most 50 conditions in a group"),
});
export type InnerGroup = z.infer<typeof innerGroupSchema>;

/** A condition or a group, told apart by `conditions` (so errors point into the right one, not at a union). */
const itemSchema = z.unknown().transform((item, ctx): Condition | InnerGroup => {
  const schema = item !== null && typeof item === "object" && "conditions" in item ? innerGroupSchema : conditionSchema;
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

export const ruleTreeSchema = z.object({
  combinator,
  /** Conditions and groups; empty = every row of the parent segment. */
  conditions: z.array(itemSchema).max(50, "at most 50 conditions"),
});
export type RuleTree = { combinator: "and" | "or"; conditions: (Condition | InnerGroup)[] };

export const EMPTY_RULES: RuleTree = { combinator: "and", conditions: [] };

export function isGroup(item: Condition | InnerGroup): item is InnerGroup {
  return "conditions" in item;
}

export interface Compiled {
  /** A boolean SQL expression (`true` for no conditions). */
  where: string;
  params: QueryParam[];
}

/** Collects bind parameters; `add` returns the placeholder. Shared with the output mapping. */
export class Params {
  readonly values: QueryParam[] = [];
  add(value: QueryParam, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ""}`;
  }
}

const CAST: Record<TypeFamily, string> = { number: "numeric", timestamp: "timestamptz", date: "date", boolean: "boolean", text: "text" };

/** Compile a rule tree; errors are AppErrors whose fields name the condition (`rules.conditions.1.value`). */
export function compileRules(tree: RuleTree, attributes: readonly Attribute[], params: Params = new Params()): Compiled {
  const parsed = ruleTreeSchema.safeParse(tree);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["rules", ...issue.path].join(".");
    throw new AppError("invalid_input", `${field}: ${issue.message}`, { [field]: issue.message });
  }
  const byName = new Map(attributes.map((a) => [a.name, a]));
  const group = (g: RuleTree | InnerGroup, path: string): string => {
    const parts = g.conditions.map((item, i) => (isGroup(item) ? group(item, `${path}.conditions.${i}`) : condition(item, `${path}.conditions.${i}`)));
    if (parts.length === 0) return "true";
    if (parts.length === 1) return parts[0]!;
    return `(${parts.join(` ${g.combinator} `)})`;
  };
  const condition = (c: Condition, path: string): string => {
    const attribute = byName.get(c.column);
    if (!attribute) fail(`${path}.column`, `"${c.column}" is not an attribute of this parent segment (it may have been removed)`);
    const family = typeFamily(attribute.type);
    if (!operatorsFor(family).includes(c.op)) fail(`${path}.op`, `${c.op} does not apply to ${attribute.name} (${family})`);
    const col = family === "text" && baseTypeName(attribute.type) !== "text" ? `${quoteIdent(attribute.name)}::text` : quoteIdent(attribute.name);
    const one = (v: string | undefined, field: string) => {
      const checked = checkValue(family, v, `${path}.${field}`);
      return params.add(checked, CAST[family]);
    };
    switch (c.op) {
      case "eq":
        return `${col} = ${one(c.value, "value")}`;
      case "neq":
        return `${col} <> ${one(c.value, "value")}`;
      case "before":
        return `${col} < ${one(c.value, "value")}`;
      case "after":
        return `${col} > ${one(c.value, "value")}`;
      case "contains": {
        if (!c.value) fail(`${path}.value`, "enter the text to look for");
        return `strpos(${col}, ${params.add(c.value, "text")}) > 0`;
      }
      case "in":
      case "not_in": {
        const values = c.values ?? [];
        if (values.length === 0) fail(`${path}.values`, "enter at least one value");
        const list = values.map((v, i) => one(v, `values.${i}`)).join(", ");
        return c.op === "in" ? `${col} in (${list})` : `${col} not in (${list})`;
      }
      case "between": {
        const hasFrom = c.from !== undefined && c.from !== "";
        const hasTo = c.to !== undefined && c.to !== "";
        if (!hasFrom && !hasTo) fail(`${path}.from`, "enter a lower bound, an upper bound or both");
        if (hasFrom && hasTo) return `${col} between ${one(c.from, "from")} and ${one(c.to, "to")}`;
        return hasFrom ? `${col} >= ${one(c.from, "from")}` : `${col} <= ${one(c.to, "to")}`;
      }
      case "is_null":
        return `${col} is null`;
      case "not_null":
        return `${col} is not null`;
    }
  };
  return { where: group(parsed.data, "rules"), params: params.values };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function checkValue(family: TypeFamily, raw: string | undefined, field: string): string {
  const v = (raw ?? "").trim();
  if (v === "" && family !== "text") fail(field, "enter a value");
  switch (family) {
    case "number":
      if (!NUMBER.test(v)) fail(field, `"${raw}" is not a number`);
      return v;
    case "date":
      if (!DATE.test(v) || Number.isNaN(Date.parse(v))) fail(field, `"${raw}" is not a date (YYYY-MM-DD)`);
      return v;
    case "timestamp":
      if (!TIMESTAMP.test(v) || Number.isNaN(Date.parse(v.replace(" ", "T")))) fail(field, `"${raw}" is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])`);
      return v;
    case "boolean":
      if (!["true", "false"].includes(v.toLowerCase())) fail(field, `"${raw}" is not true or false`);
      return v.toLowerCase();
    case "text":
      return raw ?? "";
  }
}

function fail(field: string, message: string): never {
  throw new AppError("invalid_input", `${field}: ${message}`, { [field]: message });
}

/** Attribute names a rule tree uses (to explain what a removed column breaks). */
export function columnsUsed(tree: RuleTree): string[] {
  const out = new Set<string>();
  for (const item of tree.conditions) {
    if (isGroup(item)) item.conditions.forEach((c) => out.add(c.column));
    else out.add(item.column);
  }
  return [...out];
}
