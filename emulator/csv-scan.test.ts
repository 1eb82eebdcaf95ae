import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CsvScanner } from "./csv-scan";

const U1 = "123e4567-e89b-12d3-a456-426614174000";
const U2 = "ABCDEF01-2345-F789-ABCD-EF0123456789"; // upper case, any version nibble

function scan(text: string, chunk = 0) {
  const s = new CsvScanner();
  const buf = Buffer.from(text);
  if (chunk <= 0) s.update(buf);
  else for (let i = 0; i < buf.length; i += chunk) s.update(buf.subarray(i, i + chunk));
  return s.finish();
}

describe("CsvScanner", () => {
  it("accepts UUID lines in any case and version, counts lines and bytes, hashes", () => {
    const text = `${U1}\n${U2}\n00000000-0000-0000-0000-000000000000\n`;
    const r = scan(text);
    expect(r).toMatchObject({ bytes: text.length, lines: 3, badLines: 0, firstBadLine: null });
    expect(r.sha256).toBe(createHash("sha256").update(text).digest("hex"));
  });

  it("gives the same answer whatever the chunking", () => {
    const text = `${U1}\nnot-a-uuid\n${U2}\n\n${U1}x\n${U1}`;
    const whole = scan(text);
    for (const c of [1, 2, 7, 36, 37, 38]) expect(scan(text, c)).toEqual(whole);
    expect(whole).toMatchObject({ lines: 6, badLines: 3, firstBadLine: 2 });
  });

  it("flags CRLF, blank lines, short/long lines, misplaced dashes and non-hex", () => {
    const bad = [
      `${U1}\r`,
      "",
      U1.slice(0, 35),
      `${U1}0`,
      "123e4567e-89b-12d3-a456-426614174000",
      "123e4567-e89b-12d3-a456-42661417400g",
      ` ${U1}`,
      `"${U1}"`,
    ];
    const r = scan(bad.map((l) => `${l}\n`).join(""));
    expect(r.lines).toBe(bad.length);
    expect(r.badLines).toBe(bad.length);
  });

  it("accepts a last line without newline, and rejects a bad one", () => {
    expect(scan(`${U1}\n${U2}`)).toMatchObject({ lines: 2, badLines: 0 });
    expect(scan(`${U1}\n${U2.slice(0, 10)}`)).toMatchObject({ lines: 2, badLines: 1, firstBadLine: 2 });
    expect(scan("")).toMatchObject({ lines: 0, badLines: 0, bytes: 0 });
  });
});
