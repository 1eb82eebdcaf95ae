import { describe, expect, it } from "vitest";
import { columnsUsed, compileRules, operatorsFor, typeFamily, type Attribute, type RuleTree } from "@/lib/audiences/rules";
import { thrownAppError } from "@/lib/audiences/test-support";

const attributes: Attribute[] = [
  { name: "adid", type: "text" },
  { name: "gender", type: "text" },
  { name: "age", type: "integer" },
  { name: "country", type: "character varying(2)" },
  { name: "app_installed", type: "boolean" },
  { name: "last_purchase_at", type: "timestamp with time zone" },
  { name: "ltv", type: "numeric(12,2)" },
  { name: "birthday", type: "date" },
];

const tree = (...conditions: RuleTree["conditions"]): RuleTree => ({ combinator: "and", conditions });

const error = thrownAppError;

describe("rule → SQL", () => {
  it("no conditions: every row", () => {
    expect(compileRules(tree(), attributes)).toEqual({ where: "true", params: [] });
  });

  it("gender = F and age 20–39 (the activation example)", () => {
    const compiled = compileRules(tree({ column: "gender", op: "eq", value: "F" }, { column: "age", op: "between", from: "20", to: "39" }), attributes);
    expect(compiled.where).toBe(`("gender" = $1::text and "age" between $2::numeric and $3::numeric)`);
    expect(compiled.params).toEqual(["F", "20", "39"]);
  });

  it("every operator", () => {
    const cases: [RuleTree["conditions"][number], string, unknown[]][] = [
      [{ column: "gender", op: "neq", value: "M" }, `"gender" <> $1::text`, ["M"]],
      [{ column: "country", op: "in", values: ["KR", "JP"] }, `"country"::text in ($1::text, $2::text)`, ["KR", "JP"]],
      [{ column: "age", op: "not_in", values: ["1", "2"] }, `"age" not in ($1::numeric, $2::numeric)`, ["1", "2"]],
      [{ column: "gender", op: "contains", value: "%_" }, `strpos("gender", $1::text) > 0`, ["%_"]],
      [{ column: "adid", op: "is_null" }, `"adid" is null`, []],
      [{ column: "adid", op: "not_null" }, `"adid" is not null`, []],
      [{ column: "last_purchase_at", op: "before", value: "2024-01-01" }, `"last_purchase_at" < $1::timestamptz`, ["2024-01-01"]],
      [{ column: "last_purchase_at", op: "after", value: "2024-01-01T09:00:00+09:00" }, `"last_purchase_at" > $1::timestamptz`, ["2024-01-01T09:00:00+09:00"]],
      [{ column: "birthday", op: "after", value: "2000-02-29" }, `"birthday" > $1::date`, ["2000-02-29"]],
      [{ column: "ltv", op: "between", from: "100.5" }, `"ltv" >= $1::numeric`, ["100.5"]],
      [{ column: "ltv", op: "between", to: "1e3" }, `"ltv" <= $1::numeric`, ["1e3"]],
      [{ column: "app_installed", op: "eq", value: "TRUE" }, `"app_installed" = $1::boolean`, ["true"]],
    ];
    for (const [condition, where, params] of cases) expect(compileRules(tree(condition), attributes), JSON.stringify(condition)).toEqual({ where, params });
  });

  it("AND/OR groups, one level of nesting, parameters numbered in order", () => {
    const rules: RuleTree = {
      combinator: "or",
      conditions: [
        { combinator: "and", conditions: [{ column: "gender", op: "eq", value: "F" }, { column: "age", op: "between", from: "20", to: "29" }] },
        { combinator: "and", conditions: [{ column: "country", op: "eq", value: "KR" }, { column: "app_installed", op: "eq", value: "true" }] },
        { column: "ltv", op: "between", from: "1000" },
      ],
    };
    const compiled = compileRules(rules, attributes);
    expect(compiled.where).toBe(
      `(("gender" = $1::text and "age" between $2::numeric and $3::numeric) or ("country"::text = $4::text and "app_installed" = $5::boolean) or "ltv" >= $6::numeric)`,
    );
    expect(compiled.params).toEqual(["F", "20", "29", "KR", "true", "1000"]);
    expect(columnsUsed(rules).sort()).toEqual(["age", "app_installed", "country", "gender", "ltv"]);
  });

  it("deeper nesting than one level is refused", () => {
    const nested = { combinator: "and", conditions: [{ combinator: "or", conditions: [{ combinator: "and", conditions: [{ column: "age", op: "is_null" }] }] }] } as unknown as RuleTree;
    expect(error(() => compileRules(nested, attributes)).message).toMatch(/^rules\.conditions\.0/);
  });

  it("injection in values: the value is a parameter, the SQL text never contains it", () => {
    const attacks = ["F' or '1'='1", "'; drop table customers; --", "$1", "\\'; select pg_sleep(10); --", "F\u0000"];
    for (const value of attacks) {
      const compiled = compileRules(tree({ column: "gender", op: "eq", value }, { column: "country", op: "in", values: [value, "KR"] }), attributes);
      expect(compiled.where).toBe(`("gender" = $1::text and "country"::text in ($2::text, $3::text))`);
      expect(compiled.params).toEqual([value, value, "KR"]);
    }
  });

  it("injection in column names: only the parent segment's attributes are accepted", () => {
    for (const column of [`gender" = 'x' or "1`, "gender; drop table customers", "pg_read_file('/etc/passwd')", "GENDER", "ltv2"]) {
      const e = error(() => compileRules(tree({ column, op: "is_null" }), attributes));
      expect(e.code).toBe("invalid_input");
      expect(e.fieldErrors).toEqual({ "rules.conditions.0.column": `"${column}" is not an attribute of this parent segment (it may have been removed)` });
    }
    // A (hypothetical) attribute with a quote in its name is still one quoted identifier.
    const odd = compileRules(tree({ column: 'we"ird', op: "is_null" }), [{ name: 'we"ird', type: "text" }]);
    expect(odd.where).toBe(`"we""ird" is null`);
  });

  it("bad values name the condition and the problem", () => {
    const cases: [RuleTree["conditions"][number], string, RegExp][] = [
      [{ column: "age", op: "eq", value: "twenty" }, "rules.conditions.0.value", /"twenty" is not a number/],
      [{ column: "age", op: "eq", value: "1; drop" }, "rules.conditions.0.value", /is not a number/],
      [{ column: "age", op: "between" }, "rules.conditions.0.from", /lower bound, an upper bound or both/],
      [{ column: "age", op: "between", from: "20", to: "x" }, "rules.conditions.0.to", /"x" is not a number/],
      [{ column: "country", op: "in", values: [] }, "rules.conditions.0.values", /at least one value/],
      [{ column: "age", op: "in", values: ["1", "b"] }, "rules.conditions.0.values.1", /"b" is not a number/],
      [{ column: "last_purchase_at", op: "before", value: "yesterday" }, "rules.conditions.0.value", /not a date or time/],
      [{ column: "last_purchase_at", op: "before", value: "2024-13-45" }, "rules.conditions.0.value", /not a date or time/],
      [{ column: "birthday", op: "after", value: "2024-01-01T00:00" }, "rules.conditions.0.value", /not a date/],
      [{ column: "app_installed", op: "eq", value: "yes" }, "rules.conditions.0.value", /not true or false/],
      [{ column: "gender", op: "contains", value: "" }, "rules.conditions.0.value", /text to look for/],
      [{ column: "age", op: "contains", value: "1" }, "rules.conditions.0.op", /contains does not apply to age \(number\)/],
      [{ column: "gender", op: "before", value: "2024-01-01" }, "rules.conditions.0.op", /before does not apply/],
      [{ column: "gender", op: "like" as never, value: "x" }, "rules.conditions.0.op", /must be one of/],
      [{ column: "", op: "is_null" }, "rules.conditions.0.column", /choose an attribute/],
    ];
    for (const [condition, field, message] of cases) {
      const e = error(() => compileRules(tree(condition), attributes));
      expect(Object.keys(e.fieldErrors ?? {}), JSON.stringify(condition)).toEqual([field]);
      expect(e.message, JSON.stringify(condition)).toMatch(message);
    }
    expect(Object.keys(error(() => compileRules({ combinator: "xor", conditions: [] } as never, attributes)).fieldErrors ?? {})).toEqual(["rules.combinator"]);
    expect(error(() => compileRules({ combinator: "and", conditions: [{ combinator: "or", conditions: [] }] }, attributes)).message).toMatch(/at least one condition/);
  });

  it("type families and the operators each offers", () => {
    expect(attributes.map((a) => typeFamily(a.type))).toEqual(["text", "text", "number", "text", "boolean", "timestamp", "number", "date"]);
    expect(operatorsFor("text")).toContain("contains");
    expect(operatorsFor("timestamp")).toEqual(expect.arrayContaining(["before", "after"]));
    expect(operatorsFor("number")).not.toContain("contains");
  });
});
