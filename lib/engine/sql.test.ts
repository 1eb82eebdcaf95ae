import { describe, expect, it } from "vitest";
import { positionFromServer, positionOf, singleReadStatement } from "@/lib/engine/sql";

const ok = (sql: string) => {
  const result = singleReadStatement(sql);
  if (!result.ok) throw new Error(result.message);
  return result;
};

describe("singleReadStatement", () => {
  it("accepts one read statement and drops a trailing semicolon and comments", () => {
    expect(ok("select 1")).toEqual({ ok: true, text: "select 1", keyword: "select" });
    expect(ok("select 1;")).toMatchObject({ text: "select 1" });
    expect(ok("  select 1 ;; -- done\n  /* bye */ \n")).toMatchObject({ text: "  select 1" });
    expect(ok("-- note\nSELECT 1")).toMatchObject({ keyword: "select" });
    expect(ok("/* a /* nested */ comment */ with x as (select 1) select * from x")).toMatchObject({ keyword: "with" });
    expect(ok("(select 1) union (select 2)")).toMatchObject({ keyword: "select" });
    expect(ok("values (1), (2)")).toMatchObject({ keyword: "values" });
    expect(ok("table customers")).toMatchObject({ keyword: "table" });
  });

  it("semicolons inside strings, identifiers, dollar quotes and comments are not statement ends", () => {
    for (const sql of [
      "select ';' as a",
      "select 'it''s; fine'",
      "select E'\\'; still a string'",
      'select 1 as ";"',
      "select $$;$$",
      "select $tag$ ; $ $$ ; $tag$",
      "select 1 -- ; drop table x",
      "select 1 /* ; drop table x */",
      "select a$b from t",
      "select U&'d\\0061t;a'",
    ]) {
      expect(singleReadStatement(sql).ok, sql).toBe(true);
    }
  });

  it("refuses a second statement and says where it starts", () => {
    expect(singleReadStatement("select 1; select 2")).toEqual({
      ok: false,
      reason: "multiple_statements",
      message: "Only one statement can run at a time: a second statement starts at line 1, column 11. Remove it, or run it separately.",
    });
    expect(singleReadStatement("select 1;\n\n  drop table x;")).toMatchObject({ reason: "multiple_statements", message: expect.stringContaining("line 3, column 3") });
    expect(singleReadStatement("select ';'; delete from t")).toMatchObject({ reason: "multiple_statements" });
  });

  it("refuses statements that are not reads, by name", () => {
    for (const [sql, word] of [
      ["insert into t values (1)", "INSERT"],
      ["drop table customers", "DROP"],
      ["create table x (a int)", "CREATE"],
      ["set role postgres", "SET"],
      ["reset role", "RESET"],
      ["copy (select 1) to program 'id'", "COPY"],
      ["  /* x */ Update t set a = 1", "UPDATE"],
      ["explain select 1", "EXPLAIN"],
    ] as const) {
      expect(singleReadStatement(sql)).toEqual({
        ok: false,
        reason: "not_read_only",
        message: `Only read queries can run in the workbench (SELECT, WITH, VALUES or TABLE); this statement starts with ${word}.`,
      });
    }
  });

  it("leaves unknown first words to PostgreSQL (so a typo gets its syntax error)", () => {
    expect(singleReadStatement("selec 1")).toMatchObject({ ok: true, keyword: "selec" });
  });

  it("an empty query", () => {
    for (const sql of ["", "   ", ";", "-- nothing\n", "/* */ ;"]) {
      expect(singleReadStatement(sql)).toMatchObject({ ok: false, reason: "empty" });
    }
  });
});

describe("positions", () => {
  it("line and column of an offset", () => {
    expect(positionOf("select\n  x", 9)).toEqual({ offset: 9, line: 2, column: 3 });
    expect(positionOf("abc", 0)).toEqual({ offset: 0, line: 1, column: 1 });
  });

  it("maps PostgreSQL's 1-based character position past a prefix", () => {
    const sql = "select adid\nfrom customerz";
    // PostgreSQL reports 1-based positions in the text it received: prefix + sql.
    const prefix = "declare c cursor for ";
    const serverPosition = prefix.length + sql.indexOf("customerz") + 1;
    expect(positionFromServer(sql, String(serverPosition), prefix.length)).toEqual({ offset: sql.indexOf("customerz"), line: 2, column: 6 });
    expect(positionFromServer(sql, undefined, 0)).toBeUndefined();
    expect(positionFromServer(sql, "3", 10)).toBeUndefined();
  });

  it("counts characters outside the BMP once, as PostgreSQL does", () => {
    const sql = "select '😀', nope";
    // PostgreSQL counts 😀 as one character: `nope` is its 13th character; JavaScript's index is 13.
    expect(positionFromServer(sql, 13, 0)).toEqual({ offset: sql.indexOf("nope"), line: 1, column: sql.indexOf("nope") + 1 });
  });
});
