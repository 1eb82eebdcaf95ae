import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { csvLine, decodeCopyField, decodeCopyLine, formatResult, headerLine, jsonLineFor, tsvLine } from "@/lib/jobs/result-format";

async function text(stream: Readable): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk;
  return out;
}

describe("COPY text → tsv / csv / json", () => {
  it("decodes COPY's escapes and NULL", () => {
    expect(decodeCopyField("\\N")).toBeNull();
    expect(decodeCopyField("a\\tb\\nc\\\\d\\re")).toBe("a\tb\nc\\d\re");
    expect(decodeCopyField("\\x41\\101\\b\\f\\v")).toBe("AA\b\f\v");
    expect(decodeCopyLine("1\t\\N\t")).toEqual(["1", null, ""]);
  });

  it("writes each format", () => {
    const row = ["Kim, \"J\"", null, "a\tb\nc", "42"];
    expect(tsvLine(row)).toBe('Kim, "J"\t\ta\\tb\\nc\t42\n');
    expect(csvLine(row)).toBe('"Kim, ""J""",,"a\tb\nc",42\r\n');
    const json = jsonLineFor([{ type: "text" }, { type: "integer" }, { type: "text" }, { type: "bigint" }]);
    expect(json(row)).toBe('["Kim, \\"J\\"",null,"a\\tb\\nc",42]\n');
    expect(headerLine("csv", [{ name: "a" }, { name: "b,c" }])).toBe('a,"b,c"\r\n');
  });

  it("types JSON values from the column types, keeping what a double cannot hold as text", () => {
    const json = jsonLineFor(["bigint", "numeric(12,2)", "double precision", "boolean", "jsonb", "date", "numeric"].map((type) => ({ type })));
    expect(JSON.parse(json(["9007199254740993", "12.50", "NaN", "t", '{"a":1}', "2024-01-01", "123456789012345678"]))).toEqual([
      "9007199254740993",
      12.5,
      "NaN",
      true,
      { a: 1 },
      "2024-01-01",
      "123456789012345678",
    ]);
  });

  it("streams across chunk boundaries, even inside a multi-byte character", async () => {
    const copy = Buffer.from("가나\t1\n\\N\t2\nlast\t3", "utf8");
    const chunks = [copy.subarray(0, 2), copy.subarray(2, 9), copy.subarray(9)];
    expect(await text(formatResult(Readable.from(chunks), "json", [{ type: "text" }, { type: "integer" }]))).toBe('["가나",1]\n[null,2]\n["last",3]\n');
  });
});
