import { describe, expect, it } from "vitest";
import { CsvScanner, Eol, FIELD_ESCAPED_QUOTE, FIELD_QUOTED } from "@/lib/warehouse/csv/scanner";
import { TypeGuess, checkForImportType, checkForPostgresType, isUuid, timestampShape, valuePasses, type ImportColumnType } from "@/lib/warehouse/csv/types";
import { columnNameFromHeader, nameProblem, suggestColumnName } from "@/lib/warehouse/names";

const bytes = (s: string) => Buffer.from(s);
const passes = (type: ImportColumnType, value: string) => valuePasses(checkForImportType(type), bytes(value), 0, Buffer.byteLength(value));
const passesPg = (type: string, value: string) => valuePasses(checkForPostgresType(type), bytes(value), 0, Buffer.byteLength(value));

describe("value checks", () => {
  it("integer and bigint, with their ranges", () => {
    for (const v of ["0", "42", "-7", "+7", " 12 ", "2147483647", "-2147483648"]) expect(passes("integer", v), v).toBe(true);
    for (const v of ["2147483648", "-2147483649", "1.0", "1e3", "abc", "-", "", "0x1F", "1_000", "１２"]) expect(passes("integer", v), v).toBe(false);
    expect(passes("bigint", "9223372036854775807")).toBe(true);
    expect(passes("bigint", "-9223372036854775808")).toBe(true);
    expect(passes("bigint", "9223372036854775808")).toBe(false);
    expect(passes("bigint", "000000000000000000000000001")).toBe(true);
    expect(passesPg("smallint", "32767")).toBe(true);
    expect(passesPg("smallint", "32768")).toBe(false);
  });

  it("numeric", () => {
    for (const v of ["0", "1.5", "-1.5", ".5", "5.", "1e10", "1.2E-3", "NaN", " 3.14 "]) expect(passes("numeric", v), v).toBe(true);
    for (const v of ["1,5", "1.2.3", "e5", "1e", "Infinity", "abc", "1e99999"]) expect(passes("numeric", v), v).toBe(false);
    expect(passesPg("numeric(5,2)", "999.99")).toBe(true);
    expect(passesPg("numeric(5,2)", "1000")).toBe(false);
    expect(passesPg("numeric(5,2)", "0.001")).toBe(true);
    expect(passesPg("double precision", "Infinity")).toBe(true);
    expect(passesPg("double precision", "1e400")).toBe(false);
    expect(passesPg("real", "1e39")).toBe(false);
  });

  it("boolean", () => {
    for (const v of ["true", "FALSE", "t", "f", "yes", "No", "on", "off", "1", "0", " y "]) expect(passes("boolean", v), v).toBe(true);
    for (const v of ["2", "truth", "maybe", "o"]) expect(passes("boolean", v), v).toBe(false);
  });

  it("date and timestamp", () => {
    for (const v of ["2024-02-29", "1999-12-31", " 2024-01-01 "]) expect(passes("date", v), v).toBe(true);
    for (const v of ["2023-02-29", "2024-13-01", "2024-04-31", "0000-01-01", "24-01-01", "2024/01/01", "2024-01-01 10:00"]) expect(passes("date", v), v).toBe(false);
    for (const v of ["2024-01-01", "2024-01-01 10:00", "2024-01-01T10:00:59", "2024-01-01 10:00:00.123456", "2024-01-01 10:00:00Z", "2024-01-01 10:00:00+09:00", "2024-01-01 10:00:00 -0530", "2024-01-01T23:59:59+09"]) {
      expect(passes("timestamptz", v), v).toBe(true);
    }
    for (const v of ["2024-01-01 24:00", "2024-01-01 10:60", "2024-01-01 10:00:61", "2024-01-01 10", "2024-01-01 10:00:00+16", "yesterday", "2024-01-01 10:00:00 UTC"]) {
      expect(passes("timestamp", v), v).toBe(false);
    }
    expect(timestampShape(bytes("2024-01-01"), 0, 10)).toBe(1);
    expect(timestampShape(bytes("2024-01-01 10:00"), 0, 16)).toBe(2);
    expect(timestampShape(bytes("2024-01-01 10:00Z"), 0, 17)).toBe(3);
  });

  it("uuid", () => {
    const u = "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01";
    expect(isUuid(bytes(u), 0, 36)).toBe(true);
    expect(isUuid(bytes(u.toUpperCase()), 0, 36)).toBe(true);
    expect(isUuid(bytes(u.replace(/-/g, "")), 0, 32)).toBe(true);
    expect(passes("uuid", `${u} `)).toBe(false);
    expect(passes("uuid", u.replace("6", "g"))).toBe(false);
    expect(passes("uuid", u.slice(0, 35))).toBe(false);
  });

  it("varchar length counts characters, not bytes", () => {
    expect(passesPg("character varying(3)", "한글자")).toBe(true);
    expect(passesPg("character varying(3)", "한글자x")).toBe(false);
    expect(passesPg("character(2)", "ab")).toBe(true);
    expect(passesPg("json", '{"a": [1, 2]}')).toBe(true);
    expect(passesPg("jsonb", "{a: 1}")).toBe(false);
    expect(passesPg("interval", "anything")).toBe(true); // left to PostgreSQL
  });
});

describe("type inference", () => {
  const guess = (...values: string[]) => {
    const g = new TypeGuess();
    for (const v of values) g.add(bytes(v), 0, Buffer.byteLength(v), false);
    return g.type;
  };
  it("picks the narrowest type every value fits", () => {
    expect(guess("1", "2", "-3")).toBe("integer");
    expect(guess("1", "3000000000")).toBe("bigint");
    expect(guess("1", "2.5")).toBe("numeric");
    expect(guess("1", "99999999999999999999")).toBe("numeric");
    expect(guess("true", "False", "t", "no")).toBe("boolean");
    expect(guess("2024-01-01", "2024-12-31")).toBe("date");
    expect(guess("2024-01-01", "2024-12-31 10:00:00")).toBe("timestamp");
    expect(guess("2024-01-01 10:00:00+09:00", "2024-12-31 10:00:00")).toBe("timestamptz");
    expect(guess("6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01", "6F1C2A4E-0D4B-4C7E-9A51-3B1F2E8D9C02")).toBe("uuid");
    expect(guess("6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01", "not-a-uuid")).toBe("text");
    expect(guess("hello", "1")).toBe("text");
    expect(guess()).toBe("text");
  });
  it("keeps leading zeros (zip codes, phone numbers) as text, and 0/1 as integers", () => {
    expect(guess("01234", "12345")).toBe("text");
    expect(guess("0", "1")).toBe("integer");
    expect(guess("0.5", "1")).toBe("numeric");
    expect(guess("6f1c2a4e0d4b4c7e9a513b1f2e8d9c01")).toBe("text"); // an md5, not a UUID
  });
  it("a value with an escaped quote is text", () => {
    const g = new TypeGuess();
    g.add(bytes('1""'), 0, 3, true);
    expect(g.type).toBe("text");
  });
});

describe("CsvScanner", () => {
  const scanAll = (csv: string, delimiter = ",") => {
    const b = bytes(csv);
    const sc = new CsvScanner(delimiter.charCodeAt(0), 10);
    const records: { fields: string[]; flags: number[]; eol: number; lines: number; problem: string | null }[] = [];
    let p = 0;
    while (p < b.length) {
      expect(sc.scan(b, p, b.length, true)).toBe(true);
      const fields: string[] = [];
      const flags: number[] = [];
      for (let i = 0; i < Math.min(sc.fields, 10); i++) {
        fields.push(b.subarray(sc.fieldStart[i], sc.fieldEnd[i]).toString());
        flags.push(sc.fieldFlags[i]!);
      }
      records.push({ fields, flags, eol: sc.eol, lines: sc.innerLines, problem: sc.problem });
      p = sc.next;
    }
    return records;
  };

  it("splits fields, with quotes, escaped quotes and line breaks in quotes", () => {
    const records = scanAll('a,b,c\n"x,1","say ""hi""",""\n"multi\nline",,last');
    expect(records.map((r) => r.fields)).toEqual([
      ["a", "b", "c"],
      ["x,1", 'say ""hi""', ""],
      ["multi\nline", "", "last"],
    ]);
    expect(records[1]!.flags).toEqual([FIELD_QUOTED, FIELD_QUOTED | FIELD_ESCAPED_QUOTE, FIELD_QUOTED]);
    expect(records[2]!.lines).toBe(1);
    expect(records[2]!.eol).toBe(Eol.none);
  });

  it("CRLF, tabs, and a carriage return at the very end", () => {
    expect(scanAll("a\tb\r\n1\t2\r", "\t").map((r) => [r.fields, r.eol])).toEqual([
      [["a", "b"], Eol.crlf],
      [["1", "2"], Eol.crAtEnd],
    ]);
  });

  it("reports what PostgreSQL would read differently, and skips to the end of that line", () => {
    const records = scanAll('a,b"c,d\n"x"y,z\n1,2\rx\nok,ok\n');
    expect(records.map((r) => r.problem)).toEqual([
      'a quote (") inside an unquoted field: quote the whole field and double the quote',
      "text after the closing quote of a field",
      "a carriage return inside an unquoted field (only LF or CRLF line ends are supported)",
      null,
    ]);
    expect(records[3]!.fields).toEqual(["ok", "ok"]);
  });

  it("an unterminated quote at the end of the input", () => {
    expect(scanAll('a,"open\nstill open')[0]!.problem).toBe("a quoted field is not closed before the end of the file");
  });

  it("asks for more input when a record is cut off", () => {
    const sc = new CsvScanner(44, 4);
    for (const partial of ["a,b", 'a,"b\n', 'a,"b"', "a,b\r"]) {
      expect(sc.scan(bytes(partial), 0, partial.length, false), partial).toBe(false);
    }
    expect(sc.scan(bytes("a,b\n"), 0, 4, false)).toBe(true);
  });
});

describe("names", () => {
  it("databases and tables: lower-case identifiers, not reserved", () => {
    expect(nameProblem("database", "kakao_db")).toBeNull();
    expect(nameProblem("database", "a1_b")).toBeNull();
    expect(nameProblem("database", "")).toBe("Database name is empty");
    expect(nameProblem("database", "Kakao")).toMatch(/^Database name "Kakao" is not valid: use lower-case letters/);
    expect(nameProblem("database", "1db")).toMatch(/is not valid/);
    expect(nameProblem("database", "_x")).toMatch(/is not valid/);
    expect(nameProblem("database", "a-b")).toMatch(/is not valid/);
    expect(nameProblem("database", "a".repeat(64))).toMatch(/is longer than 63 characters/);
    expect(nameProblem("database", "a".repeat(63))).toBeNull();
    expect(nameProblem("database", "public")).toBe('Database name "public" is reserved by PostgreSQL; choose another name');
    expect(nameProblem("database", "pg_stats")).toMatch(/reserved by PostgreSQL/);
    expect(nameProblem("database", "information_schema")).toMatch(/reserved by PostgreSQL/);
    expect(nameProblem("table", "select")).toBe('Table name "select" is a reserved SQL word; choose another name');
    expect(nameProblem("table", "users; drop")).toMatch(/is not valid/);
  });
  it("columns from a header", () => {
    expect(columnNameFromHeader("  ADID ")).toBe("adid");
    expect(nameProblem("column", "_id")).toBeNull();
    expect(suggestColumnName("Last Purchase (KRW)")).toBe("last_purchase_krw");
    expect(suggestColumnName("1st")).toBe("c_1st");
    expect(suggestColumnName("user")).toBe("user_");
  });
});
