import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { PostgresEngine } from "@/lib/engine/postgres";
import { AppError } from "@/lib/errors";
import { closeWarehousePool } from "@/lib/warehouse/connection";
import { createDatabase, deleteDatabase, getTable } from "@/lib/warehouse/databases";
import { CsvImportError, importCsv, previewCsv, type CsvImportOptions, type CsvImportProgress } from "@/lib/warehouse/csv/import";
import { checkForImportType, valuePasses, type ImportColumnType } from "@/lib/warehouse/csv/types";
import { adminQuery, prepareTestWarehouse } from "@/lib/warehouse/testing";

const DB = "imports";
const engine = new PostgresEngine();

beforeAll(async () => {
  await prepareTestWarehouse();
});

beforeEach(async () => {
  await deleteDatabase(DB).catch(() => {});
  await createDatabase(DB);
});

afterAll(async () => {
  await deleteDatabase(DB).catch(() => {});
  await engine.close();
  await closeWarehousePool();
});

const U1 = "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01";
const U2 = "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c02";

const importText = (csv: string | Buffer, opts: Partial<CsvImportOptions> = {}) => importCsv(Buffer.from(csv), { database: DB, table: "t", ...opts });

async function rows(sql: string) {
  return (await adminQuery(sql)).rows;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the import to fail");
    },
    (e) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function tableExists(table = "t"): Promise<boolean> {
  return (await rows(`select to_regclass('${DB}.${table}') is not null as e`))[0].e;
}

describe("types", () => {
  const csv =
    "id,big,price,active,born,seen_at,seen_tz,adid,name,zip\n" +
    `1,3000000000,9.99,true,1990-01-31,2024-05-01 10:00:00,2024-05-01 10:00:00+09:00,${U1},Kim,01234\n` +
    `2,,10,f,2001-12-01,2024-05-02T11:30,2024-05-02 02:00:00Z,${U2.toUpperCase()},"Lee, J",12345\n` +
    ",4,,,,,,,,\n";

  it("are inferred from the sample and shown by preview", async () => {
    const preview = await previewCsv(Buffer.from(csv), { database: DB, table: "t" });
    expect(preview.delimiter).toBe(",");
    expect(preview.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "integer"],
      ["big", "bigint"],
      ["price", "numeric"],
      ["active", "boolean"],
      ["born", "date"],
      ["seen_at", "timestamp"],
      ["seen_tz", "timestamptz"],
      ["adid", "uuid"],
      ["name", "text"],
      ["zip", "text"],
    ]);
    expect(preview.columns[8]!.examples).toEqual(["Kim", "Lee, J"]);
    expect(preview.rows[2]).toEqual([null, "4", null, null, null, null, null, null, null, null]);
    expect(preview).toMatchObject({ sampledRows: 3, table: { exists: false } });
  });

  it("are used for the new table, and the values land as typed", async () => {
    const report = await importText(csv);
    expect(report).toMatchObject({ mode: "create", created: true, rowsImported: 3, rowsRejected: 0, rejected: [] });
    expect(report.columns.map((c) => c.type)).toEqual(["integer", "bigint", "numeric", "boolean", "date", "timestamp without time zone", "timestamp with time zone", "uuid", "text", "text"]);
    const stored = await rows(`select id, big::text, price::text, active, born::text, seen_at::text, seen_tz::text, adid::text, name, zip from ${DB}.t order by id nulls last`);
    expect(stored[1]).toEqual({ id: 2, big: null, price: "10", active: false, born: "2001-12-01", seen_at: "2024-05-02 11:30:00", seen_tz: "2024-05-02 02:00:00+00", adid: U2, name: "Lee, J", zip: "12345" });
    expect(stored[0].seen_tz).toBe("2024-05-01 01:00:00+00");
    expect(stored[0].zip).toBe("01234");
  });

  it("can be overridden; an override for a column not in the header is an error", async () => {
    const report = await importText(csv, { columnTypes: { id: "text", adid: "text", big: "numeric" } });
    expect(report.columns.slice(0, 2).map((c) => c.type)).toEqual(["text", "numeric"]);
    expect(report.columns[7]).toEqual({ name: "adid", type: "text" });
    expect((await rows(`select adid from ${DB}.t where id = '2'`))[0].adid).toBe(U2.toUpperCase());
    const error = await failure(importText(csv, { table: "t2", columnTypes: { nope: "text" } }));
    expect(error.message).toBe("Type override for column nope, which is not in the header row (id, big, price, active, born, seen_at, seen_tz, adid, name, zip)");
    const badType = await failure(importText(csv, { table: "t3", columnTypes: { id: "float" as ImportColumnType } }));
    expect(badType.message).toMatch(/^Column id: unknown type "float"; use one of integer, bigint/);
    expect(await tableExists("t2")).toBe(false);
  });

  it("what the checks accept, PostgreSQL accepts (checks are a subset of PostgreSQL's input functions)", async () => {
    const candidates: Record<string, string[]> = {
      integer: ["0", "-2147483648", "2147483647", " 7 ", "+5", "007", "2147483648", "1.0", "1e3"],
      bigint: ["9223372036854775807", "-9223372036854775808", "9223372036854775808"],
      numeric: ["1.5", ".5", "5.", "-1e10", "1E-3", "NaN", "Infinity", "1e1000", " 2 "],
      boolean: ["t", "TRUE", "no", "On", "0", " yes ", "maybe"],
      date: ["2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31", "2024-1-1"],
      timestamp: ["2024-01-01 00:00", "2024-01-01T23:59:59.999999", "2024-01-01 10:00:00+09:00", "2024-01-01 10:00:00 -0530", "2024-01-01 10:00:00Z", "2024-01-01 24:00:00"],
      timestamptz: ["2024-01-01 00:00:00+15:59", "2024-01-01", "2024-01-01 10:00:00.123456789+09"],
      uuid: [U1, U1.toUpperCase(), U1.replace(/-/g, ""), `{${U1}}`, U1.slice(1)],
    };
    const sqlType: Record<string, string> = { timestamp: "timestamp", timestamptz: "timestamptz" };
    for (const [type, values] of Object.entries(candidates)) {
      for (const value of values) {
        const ours = valuePasses(checkForImportType(type as ImportColumnType), Buffer.from(value), 0, Buffer.byteLength(value));
        if (!ours) continue;
        const cast = await adminQuery(`select $1::${sqlType[type] ?? type} as v`, [value]).then(
          () => "ok",
          (e) => e.message,
        );
        expect(cast, `${type} ${JSON.stringify(value)}`).toBe("ok");
      }
    }
  });
});

describe("rejected lines", () => {
  it("are reported with line numbers and reasons; good rows are imported", async () => {
    const csv = Buffer.concat([
      Buffer.from(`adid,age,note\n${U1},30,ok\n`), // line 2
      Buffer.from(`${U2},31\n`), // line 3: ragged
      Buffer.from(`${U1},thirty,x\n`), // line 4: not an integer
      Buffer.from(`${U1},32,"multi\nline note"\n`), // lines 5-6
      Buffer.from(`${U1},33,`),
      Buffer.from([0xff, 0xfe, 0x0a]), // line 7: not UTF-8
      Buffer.from(`not-a-uuid,34,x\n`), // line 8
      Buffer.from(`${U1},35,x,extra\n`), // line 9: ragged
      Buffer.from(`${U1},36,"bad"quote\n`), // line 10
      Buffer.from(`${U1},37,\0\n`), // line 11: NUL
      Buffer.from(`\n${U2},38,last`), // line 12 blank, 13 without a final newline
    ]);
    const report = await importCsv(csv, { database: DB, table: "t", columnTypes: { adid: "uuid", age: "integer" }, maxRejectedRatio: 1 });
    expect(report.rejected).toEqual([
      { line: 3, reason: "expected 3 fields, found 2" },
      { line: 4, reason: 'column age: "thirty" is not an integer' },
      { line: 7, reason: "not valid UTF-8 text (save the file as UTF-8)" },
      { line: 8, reason: 'column adid: "not-a-uuid" is not a UUID' },
      { line: 9, reason: "expected 3 fields, found 4" },
      { line: 10, reason: "text after the closing quote of a field" },
      { line: 11, reason: "contains a NUL byte (is this a text file?)" },
    ]);
    expect(report).toMatchObject({ rowsImported: 3, rowsRejected: 7, blankLines: 1 });
    expect((await rows(`select age, note from ${DB}.t order by age`)).map((r) => [r.age, r.note])).toEqual([
      [30, "ok"],
      [32, "multi\nline note"],
      [38, "last"],
    ]);
  });

  it("the report keeps the first 100, with the total count", async () => {
    let csv = "n,v\n";
    for (let i = 0; i < 2000; i++) csv += i % 10 === 3 ? `${i},x,extra\n` : `${i},v${i}\n`;
    const report = await importText(csv);
    expect(report.rowsRejected).toBe(200);
    expect(report.rowsImported).toBe(1800);
    expect(report.rejected).toHaveLength(100);
    expect(report.rejected[0]).toEqual({ line: 5, reason: "expected 2 fields, found 3" });
  });

  it("more than 10 % bad rows (the default) imports nothing", async () => {
    let csv = "n\n";
    for (let i = 0; i < 100; i++) csv += i < 20 ? "x\n" : `${i}\n`;
    const error = await failure(importText(csv, { columnTypes: { n: "integer" } }));
    expect(error).toBeInstanceOf(CsvImportError);
    expect(error.message).toBe('20 of 100 rows (20.0%) were rejected, more than the 10% allowed, so nothing was imported. First: line 2: column n: "x" is not an integer; line 3: column n: "x" is not an integer; line 4: column n: "x" is not an integer.');
    expect((error as CsvImportError).report).toMatchObject({ rowsRejected: 20, rowsImported: 80 });
    expect(await tableExists()).toBe(false);
    // Allowed with a higher ratio.
    expect(await importText(csv, { columnTypes: { n: "integer" }, maxRejectedRatio: 0.5 })).toMatchObject({ rowsImported: 80, rowsRejected: 20 });
  });

  it("strict: maxRejectedRows 0 stops at the first bad row", async () => {
    const error = await failure(importText("a,b\n1,2\n3\n4,5\n", { maxRejectedRows: 0 }));
    expect(error.message).toBe("More than 0 rows were rejected, so nothing was imported. First: line 3: expected 2 fields, found 1.");
    expect(await tableExists()).toBe(false);
  });
});

describe("bad files", () => {
  it("a 0-byte file", async () => {
    const error = await failure(importText(""));
    expect(error.message).toBe("The file is empty (0 bytes): a CSV file needs a header row with the column names, then one row per line.");
    expect(await tableExists()).toBe(false);
  });

  it("header problems name the column", async () => {
    const cases: [string, string][] = [
      ["adid,age,adid\n1,2,3\n", "Column name adid appears twice in the header row (columns 1 and 3): column names must be unique."],
      ["adid,,age\n1,2,3\n", "Column 2 of the header row has no name: every column needs one."],
      ["adid,Last Purchase\n1,2\n", 'Column 2 of the header row: Column name "last purchase" is not valid: use lower-case letters, digits and underscores, starting with a letter or underscore (for example last_purchase).'],
      ["adid,select\n1,2\n", 'Column 2 of the header row: Column name "select" is a reserved SQL word; choose another name (for example select_).'],
      ['adid,"a"b\n1,2\n', "The header row is malformed: text after the closing quote of a field."],
      ["\n1,2\n", "The header row is empty: the first line must hold the column names, separated by commas."],
    ];
    for (const [csv, message] of cases) {
      const error = await failure(importText(csv));
      expect(error.message, csv).toBe(message);
    }
    const notUtf8 = await failure(importText(Buffer.concat([Buffer.from("adid,"), Buffer.from([0xe9]), Buffer.from("\n1,2\n")])));
    expect(notUtf8.message).toBe("The header row is not valid UTF-8 text: save the file as UTF-8.");
    expect(await tableExists()).toBe(false);
  });

  it("a table name that is not an identifier, an unknown database", async () => {
    expect((await failure(importText("a\n1\n", { table: "Bad Name" }))).message).toBe('Table name "Bad Name" is not valid: use lower-case letters, digits and underscores, starting with a letter');
    expect((await failure(importText("a\n1\n", { table: "t; drop table x" }))).code).toBe("invalid_input");
    expect(await failure(importText("a\n1\n", { database: "nope" }))).toMatchObject({ code: "not_found", message: "Database nope does not exist" });
  });

  it("an upload that breaks off imports nothing", async () => {
    async function* broken() {
      yield Buffer.from("a,b\n1,2\n");
      yield Buffer.alloc(2 * 1024 * 1024, "3,4\n");
      throw new Error("socket hang up");
    }
    const error = await failure(importCsv(broken(), { database: DB, table: "t" }));
    expect(error.message).toBe("The upload was interrupted (socket hang up); nothing was imported.");
    expect(await tableExists()).toBe(false);
  });

  it("a cancelled import imports nothing", async () => {
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from("a\n");
      for (let i = 0; i < 100; i++) {
        yield Buffer.alloc(64 * 1024, "1\n");
        if (i === 40) controller.abort();
      }
    }
    const error = await failure(importCsv(slow(), { database: DB, table: "t", signal: controller.signal, sampleBytes: 1024 }));
    expect(error.message).toBe("The import was cancelled; nothing was imported.");
    expect(await tableExists()).toBe(false);
  });

  it("a row PostgreSQL refuses (a constraint) rolls the whole import back and names the line", async () => {
    await adminQuery(`create table ${DB}.checked (adid text not null, age integer check (age > 0))`);
    await adminQuery(`insert into ${DB}.checked values ('before', 1)`);
    const error = await failure(importText(`age,adid\n5,a\n6,"b\nc"\nx,skipped\n-1,d\n7,e\n`, { table: "checked", maxRejectedRatio: 1 }));
    expect(error.message).toMatch(/^Line 6: PostgreSQL rejected the row: new row for relation "checked" violates check constraint "checked_age_check"\. Nothing was imported\.$/);
    expect((await rows(`select count(*)::int as n from ${DB}.checked`))[0].n).toBe(1);
  });
});

describe("modes and shapes", () => {
  it("appends to an existing table by header name, with its types, in any column order", async () => {
    await importText(`adid,age\n${U1},30\n`);
    const report = await importText(`age,adid\n31,${U2}\nold,${U1}\n,\n`, { maxRejectedRatio: 1 });
    expect(report).toMatchObject({ mode: "append", created: false, rowsImported: 2, rowsRejected: 1 });
    expect(report.rejected).toEqual([{ line: 3, reason: 'column age: "old" is not an integer' }]);
    expect((await getTable(DB, "t")).rowCount).toBe(3);
    const unknown = await failure(importText(`adid,email\n${U1},x\n`));
    expect(unknown.message).toBe(`Column email of the header row is not in table ${DB}.t (its columns: adid, age).`);
    expect((await failure(importText(`adid\n${U1}\n`, { columnTypes: { adid: "integer" } }))).message).toBe(`Column adid of ${DB}.t is uuid: an import into an existing table cannot change its type.`);
  });

  it("create refuses an existing table; append a missing one; replace recreates it", async () => {
    await importText("a\n1\n");
    expect(await failure(importText("a\n2\n", { mode: "create" }))).toMatchObject({ code: "conflict", message: `Table ${DB}.t already exists: choose another name, or append to it` });
    expect(await failure(importText("a\n2\n", { mode: "append", table: "missing" }))).toMatchObject({ code: "not_found" });
    const replaced = await importText("b,c\nx,2\n", { mode: "replace" });
    expect(replaced).toMatchObject({ mode: "replace", created: true, rowsImported: 1 });
    expect((await getTable(DB, "t")).columns.map((c) => c.name)).toEqual(["b", "c"]);
  });

  it("a NOT NULL column of an existing table rejects empty fields instead of failing the import", async () => {
    await adminQuery(`create table ${DB}.strict (adid text not null, n integer not null)`);
    const report = await importText('adid,n\na,1\n,2\n"",3\nb,\nc,""\n', { table: "strict", maxRejectedRatio: 1 });
    expect(report.rejected.map((r) => r.line)).toEqual([3, 5, 6]);
    expect((await rows(`select adid, n from ${DB}.strict order by n`)).map((r) => [r.adid, r.n])).toEqual([
      ["a", 1],
      ["", 3],
    ]);
  });

  it("quotes, delimiters inside quotes, CRLF and mixed line ends, a BOM, tabs", async () => {
    const crlf = await importText('\ufeffid,text\r\n1,"a,b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\n4,last\r\n5,x');
    expect(crlf).toMatchObject({ rowsImported: 5, rowsRejected: 0 });
    expect((await rows(`select text from ${DB}.t order by id`)).map((r) => r.text)).toEqual(["a,b", 'say "hi"', "two\r\nlines", "last", "x"]);
    const tsv = await importText("id\tname\n1\tKim, J\n", { table: "tabs" });
    expect(tsv).toMatchObject({ rowsImported: 1 });
    expect((await rows(`select name from ${DB}.tabs`))[0].name).toBe("Kim, J");
  });

  it("NULL and empty strings as PostgreSQL's CSV reads them; a lone \\. is data", async () => {
    await importText('adid,n\n,1\n"",2\n\\.,3\n', { columnTypes: { n: "integer" } });
    expect((await rows(`select adid, n from ${DB}.t order by n`)).map((r) => r.adid)).toEqual([null, "", "\\."]);
    await importText('v\n1\n\\.\n2\n""\n', { table: "one", columnTypes: { v: "text" } });
    expect((await rows(`select v from ${DB}.one`)).map((r) => r.v)).toEqual(["1", "\\.", "2", ""]);
  });

  it("streams: tiny chunks give the same result as one buffer, and progress is reported", async () => {
    let csv = "adid,age,note\n";
    for (let i = 0; i < 3000; i++) csv += `${U1},${i},"note ${i}, with ""quotes""\nand a line break"\n`;
    csv += "bad row\n";
    const data = Buffer.from(csv);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 7) chunks.push(data.subarray(i, i + 7));
    const progress: CsvImportProgress[] = [];
    const report = await importCsv(Readable.from(chunks), {
      database: DB,
      table: "chunked",
      totalBytes: data.length,
      sampleBytes: 4096,
      onProgress: (p) => progress.push(p),
    });
    expect(report).toMatchObject({ rowsImported: 3000, rowsRejected: 1, bytesRead: data.length });
    expect(report.rejected).toEqual([{ line: 6002, reason: "expected 3 fields, found 1" }]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ bytesRead: data.length, totalBytes: data.length, rowsImported: 3000, rowsRejected: 1 });
    const whole = await importText(csv, { table: "whole" });
    expect(whole).toMatchObject({ rowsImported: 3000, rowsRejected: 1 });
    const same = await rows(`select (select md5(string_agg(note, '|' order by age)) from ${DB}.chunked) = (select md5(string_agg(note, '|' order by age)) from ${DB}.whole) as same`);
    expect(same[0].same).toBe(true);
  });

  it("imported tables are readable by workbench queries", async () => {
    await importText(`adid\n${U1}\n${U2}\n`);
    const preview = await engine.preview("select adid from t order by adid", { database: DB, timeoutMs: 10_000 });
    expect(preview).toMatchObject({ columns: [{ name: "adid", type: "uuid" }], rows: [[U1], [U2]], totalRows: 2 });
    expect((await getTable(DB, "t")).rowCount).toBe(2);
  });
});
