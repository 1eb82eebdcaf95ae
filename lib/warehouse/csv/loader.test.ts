/** The import's record loader without a database: what it passes to COPY and what it rejects. */
import { describe, expect, it } from "vitest";
import { RecordLoader } from "@/lib/warehouse/csv/import";
import { checkForImportType, type ImportColumnType } from "@/lib/warehouse/csv/types";

const U1 = "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01";
const U2 = "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c02";

function load(csv: string, types: ImportColumnType[], widths?: number[], chunk?: number) {
  const loader = new RecordLoader(",", types.map((type, i) => ({ name: `c${i}`, check: checkForImportType(type) })), 2);
  if (widths) loader.setWidths(widths);
  const data = Buffer.from(csv);
  const out: Buffer[] = [];
  if (!chunk) {
    loader.process(data, 0, true);
  } else {
    // Feed it as the importer does: chunks, with the unfinished record carried over.
    let carry = Buffer.alloc(0);
    for (let i = 0; i < data.length; i += chunk) {
      const buf = Buffer.concat([carry, data.subarray(i, i + chunk)]);
      const consumed = loader.process(buf, 0, false);
      out.push(...loader.takeOutput());
      carry = buf.subarray(consumed);
    }
    loader.process(carry, 0, true);
  }
  out.push(...loader.takeOutput());
  return { loader, sent: Buffer.concat(out).toString() };
}

describe("RecordLoader", () => {
  it("passes good records through byte for byte and drops bad ones", () => {
    const csv = `${U1},1\n${U2},x\n${U1},2\n\n${U2},3`;
    const { loader, sent } = load(csv, ["uuid", "integer"]);
    expect(sent).toBe(`${U1},1\n${U1},2\n${U2},3`);
    expect(loader.rejected).toEqual([{ line: 3, reason: 'column c1: "x" is not an integer' }]);
    expect({ imported: loader.rowsImported, rejected: loader.rowsRejected, blank: loader.blankLines }).toEqual({ imported: 3, rejected: 1, blank: 1 });
  });

  it("gives the same result in chunks of any size", () => {
    let csv = "";
    for (let i = 0; i < 200; i++) csv += i % 17 === 5 ? `bad,${i},"x"\n` : `${U1},${i},"note ""${i}""\nline 2"\r\n`;
    const whole = load(csv, ["uuid", "integer", "text"], [36]);
    for (const chunk of [1, 7, 64, 1000]) {
      const chunked = load(csv, ["uuid", "integer", "text"], [36], chunk);
      expect(chunked.sent).toBe(whole.sent);
      expect(chunked.loader.rejected).toEqual(whole.loader.rejected);
    }
    expect(whole.loader.rowsRejected).toBe(12);
  });

  it("a wrong width guess is rescanned: the reason and line are those of a plain scan", () => {
    // The guessed 36-byte field would end on the comma after the a's, swallowing "x,".
    const swallowed = `x,${"a".repeat(34)},b\n${U1},ok,c\n`;
    const guessed = load(swallowed, ["uuid", "text", "text"], [36]);
    const plain = load(swallowed, ["uuid", "text", "text"]);
    expect(guessed.loader.rejected).toEqual([{ line: 2, reason: 'column c0: "x" is not a UUID' }]);
    expect(guessed.loader.rejected).toEqual(plain.loader.rejected);
    expect(guessed.sent).toBe(`${U1},ok,c\n`);

    // A guess that spans a line break: the first record is short, the guess reaches into the next line.
    const spanning = `x,1\n${"z".repeat(32)},2\n${U2},3\n`;
    const g = load(spanning, ["uuid", "integer"], [36]);
    expect(g.loader.rejected).toEqual([
      { line: 2, reason: 'column c0: "x" is not a UUID' },
      { line: 3, reason: `column c0: "${"z".repeat(32)}" is not a UUID` },
    ]);
    expect(g.sent).toBe(`${U2},3\n`);
  });

  it("timestamps of the sampled width are taken without scanning, others are scanned", () => {
    const csv = "2024-01-01 10:00:00,1\n2024-01-01 10:00,2\n2024-01-01 10:00:00.5,3\n2024-13-01 10:00:00,4\n";
    const { loader, sent } = load(csv, ["timestamp", "integer"], [19]);
    expect(loader.rowsImported).toBe(3);
    expect(loader.rejected).toEqual([{ line: 5, reason: 'column c0: "2024-13-01 10:00:00" is not a timestamp (YYYY-MM-DD HH:MM:SS)' }]);
    expect(sent).toBe("2024-01-01 10:00:00,1\n2024-01-01 10:00,2\n2024-01-01 10:00:00.5,3\n");
  });

  it("line ends: the first good record's is kept for all", () => {
    const { sent } = load("a,1\r\nb,2\nc,3\r\nd,4\r", ["text", "integer"]);
    expect(sent).toBe("a,1\r\nb,2\r\nc,3\r\nd,4\r\n");
  });
});
