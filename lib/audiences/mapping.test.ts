import { describe, expect, it } from "vitest";
import { compileMapping, EXPORT_TIMESTAMP_SQL, mappedColumns, type MappingContext, type MappingInput } from "@/lib/audiences/mapping";
import { Params } from "@/lib/audiences/rules";
import { activationSql } from "@/lib/audiences/sql";
import { checkAdidColumns } from "@/lib/export/adid-check";
import { thrownAppError } from "@/lib/audiences/test-support";

const ctx: MappingContext = {
  keyColumn: "adid",
  attributes: [
    { name: "adid", type: "text" },
    { name: "gender", type: "text" },
    { name: "age", type: "integer" },
  ],
  segmentId: 7,
  segmentName: "Women 20–39",
  audienceId: 3,
};

const error = thrownAppError;

function compile(mapping: MappingInput) {
  const params = new Params();
  return { list: compileMapping(mapping, ctx, params), params: params.values };
}

describe("output mapping", () => {
  it("Export All Columns: the key then the attributes, as they are", () => {
    expect(compile({ mode: "all" })).toEqual({ list: [`"adid"`, `"gender"`, `"age"`], params: [] });
    expect(mappedColumns({ mode: "all" }, ctx)).toEqual(ctx.attributes);
    expect(checkAdidColumns(mappedColumns({ mode: "all" }, ctx))).toMatchObject({ ok: false, code: "extra_columns" });
  });

  it("+ Add Columns: source → output name (renamed or not)", () => {
    expect(compile({ mode: "columns", columns: [{ source: "adid", output: "adid" }] })).toEqual({ list: [`"adid"`], params: [] });
    expect(compile({ mode: "columns", columns: [{ source: "gender", output: "adid" }, { source: "age", output: "years" }] }).list).toEqual([`"gender" as "adid"`, `"age" as "years"`]);
    expect(mappedColumns({ mode: "columns", columns: [{ source: "age", output: "years" }] }, ctx)).toEqual([{ name: "years", type: "integer" }]);
    expect(checkAdidColumns(mappedColumns({ mode: "columns", columns: [{ source: "adid", output: "adid" }] }, ctx)).ok).toBe(true);
  });

  it("String Builder: each part", () => {
    const part = (p: object) => compile({ mode: "columns", columns: [], strings: [{ output: "s", parts: [p as never] }] });
    expect(part({ kind: "string", value: "it's; --" })).toEqual({ list: [`($1::text) as "s"`], params: ["it's; --"] });
    expect(part({ kind: "timestamp" })).toEqual({ list: [`(${EXPORT_TIMESTAMP_SQL}) as "s"`], params: [] });
    expect(part({ kind: "segment_id" })).toEqual({ list: [`($1::text) as "s"`], params: ["7"] });
    expect(part({ kind: "segment_name" })).toEqual({ list: [`($1::text) as "s"`], params: ["Women 20–39"] });
    expect(part({ kind: "audience_id" })).toEqual({ list: [`($1::text) as "s"`], params: ["3"] });
  });

  it("String Builder: parts concatenate in order, after the added columns", () => {
    const out = compile({
      mode: "columns",
      columns: [{ source: "adid", output: "adid" }],
      strings: [{ output: "tag", parts: [{ kind: "string", value: "seg-" }, { kind: "segment_id" }, { kind: "string", value: "@" }, { kind: "timestamp" }, { kind: "audience_id" }] }],
    });
    expect(out.list).toEqual([`"adid"`, `($1::text || $2::text || $3::text || ${EXPORT_TIMESTAMP_SQL} || $4::text) as "tag"`]);
    expect(out.params).toEqual(["seg-", "7", "@", "3"]);
    expect(mappedColumns({ mode: "columns", columns: [], strings: [{ output: "adid", parts: [{ kind: "segment_name" }] }] }, ctx)).toEqual([{ name: "adid", type: "text" }]);
  });

  it("bad mappings: clear messages naming the field", () => {
    const cases: [MappingInput, string, RegExp][] = [
      [{ mode: "columns", columns: [{ source: "adid", output: "adid" }, { source: "gender", output: "ADID" }] }, "mapping.columns.1.output", /collides with mapping\.columns\.0\.output/],
      [{ mode: "columns", columns: [{ source: "adid", output: "x" }], strings: [{ output: "x", parts: [{ kind: "timestamp" }] }] }, "mapping.strings.0.output", /collides/],
      [{ mode: "columns", columns: [], strings: [{ output: "s", parts: [] }] }, "mapping.strings.0.parts", /at least one part/],
      [{ mode: "columns", columns: [], strings: [{ output: "s", parts: [{ kind: "string", value: "" }] }] }, "mapping.strings.0.parts.0.value", /enter the text/],
      [{ mode: "columns", columns: [{ source: "email", output: "email" }] }, "mapping.columns.0.source", /"email" is not a column/],
      [{ mode: "columns", columns: [{ source: "adid", output: 'a"; drop table x; --' }] }, "mapping.columns.0.output", /letters, digits and _/],
      [{ mode: "columns", columns: [{ source: "adid", output: "" }] }, "mapping.columns.0.output", /enter an output column name/],
      [{ mode: "columns", columns: [] }, "mapping.columns", /at least one column/],
      [{ mode: "some" } as never, "mapping.mode", /must be all or columns/],
      [{ mode: "columns", columns: [], strings: [{ output: "s", parts: [{ kind: "now" }] }] } as never, "mapping.strings.0.parts.0.kind", /must be one of/],
    ];
    for (const [mapping, field, message] of cases) {
      const e = error(() => mappedColumns(mapping, ctx));
      expect(Object.keys(e.fieldErrors ?? {}), JSON.stringify(mapping)).toEqual([field]);
      expect(e.message).toMatch(message);
    }
  });

  it("two adid columns or none fail the Kakao check before anything runs", () => {
    expect(checkAdidColumns(mappedColumns({ mode: "columns", columns: [{ source: "gender", output: "g" }] }, ctx))).toMatchObject({ ok: false, code: "no_adid_column" });
    expect(checkAdidColumns(mappedColumns({ mode: "columns", columns: [{ source: "age", output: "adid" }] }, ctx))).toMatchObject({ ok: false, code: "adid_not_string" });
  });

  it("the activation query: distinct mapped columns of the segment, values as parameters", () => {
    const parent = { id: 3, database: "kakao_db", table: "customers", keyColumn: "adid", attributes: [...ctx.attributes] };
    const segment = { id: 7, name: "Women", rules: { combinator: "and" as const, conditions: [{ column: "gender", op: "eq" as const, value: "F" }, { column: "age", op: "between" as const, from: "20", to: "39" }] } };
    const out = activationSql(parent, segment, { mode: "columns", columns: [{ source: "adid", output: "adid" }], strings: [{ output: "tag", parts: [{ kind: "segment_name" }] }] });
    expect(out.sql).toBe(`select distinct "adid", ($1::text) as "tag"\nfrom "kakao_db"."customers"\nwhere ("gender" = $2::text and "age" between $3::numeric and $4::numeric)`);
    expect(out.params).toEqual(["Women", "F", "20", "39"]);
  });
});
