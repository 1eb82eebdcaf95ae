import { describe, expect, it } from "vitest";
import { baseTypeName, checkAdidColumns, isStringType } from "@/lib/export/adid-check";

describe("checkAdidColumns", () => {
  it("accepts exactly one adid column of a string type, in any case", () => {
    for (const type of ["text", "character varying", "character varying(36)", "varchar(36)", "character(36)", "bpchar", "char(36)", "uuid", "name", "citext"]) {
      expect(checkAdidColumns([{ name: "adid", type }])).toEqual({ ok: true, column: { name: "adid", type } });
    }
    expect(checkAdidColumns([{ name: "ADID", type: "text" }])).toMatchObject({ ok: true, column: { name: "ADID" } });
    expect(checkAdidColumns([{ name: "AdId", type: "uuid" }]).ok).toBe(true);
  });

  it("no adid column", () => {
    expect(checkAdidColumns([{ name: "column_a", type: "text" }])).toEqual({
      ok: false,
      code: "no_adid_column",
      message: "No adid column: the result must have exactly one column named adid",
    });
    expect(checkAdidColumns([])).toMatchObject({ ok: false, code: "no_adid_column" });
    expect(checkAdidColumns([{ name: "adid ", type: "text" }])).toMatchObject({ ok: false, code: "no_adid_column" });
  });

  it("two adid columns", () => {
    expect(checkAdidColumns([{ name: "adid", type: "text" }, { name: "ADID", type: "text" }])).toEqual({
      ok: false,
      code: "no_adid_column",
      message: "2 adid columns: the result must have exactly one column named adid",
    });
  });

  it("adid of a type that is not a string", () => {
    expect(checkAdidColumns([{ name: "adid", type: "integer" }])).toEqual({
      ok: false,
      code: "adid_not_string",
      message: "adid is integer: it must be a string type (text, varchar, char or uuid)",
    });
    for (const type of ["bigint", "numeric(12,2)", "date", "timestamp with time zone", "json", "jsonb", "text[]", "bytea", "boolean", "double precision"]) {
      expect(checkAdidColumns([{ name: "adid", type }])).toMatchObject({ ok: false, code: "adid_not_string", message: `adid is ${type}: it must be a string type (text, varchar, char or uuid)` });
    }
  });

  it("extra columns are named", () => {
    expect(checkAdidColumns([{ name: "x", type: "text" }, { name: "adid", type: "text" }, { name: "y", type: "integer" }])).toEqual({
      ok: false,
      code: "extra_columns",
      message: "Extra columns x, y: Kakao customer files carry only the adid column",
      extra: ["x", "y"],
    });
  });

  it("the type is checked before the extra columns", () => {
    expect(checkAdidColumns([{ name: "adid", type: "integer" }, { name: "y", type: "text" }])).toMatchObject({ code: "adid_not_string" });
  });
});

describe("type names", () => {
  it("strips modifiers and schema", () => {
    expect(baseTypeName("character varying(36)")).toBe("character varying");
    expect(baseTypeName("numeric(12, 2)")).toBe("numeric");
    expect(baseTypeName("pg_catalog.text")).toBe("text");
    expect(baseTypeName(" TEXT ")).toBe("text");
    expect(baseTypeName("text[]")).toBe("text[]");
  });
  it("knows string types", () => {
    expect(isStringType("UUID")).toBe(true);
    expect(isStringType("character(36)")).toBe(true);
    expect(isStringType("character varying[]")).toBe(false);
    expect(isStringType("int4")).toBe(false);
  });
});
