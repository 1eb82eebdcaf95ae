import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { ADID_LINE_BYTES, AdidEncoder, createAdidTransform, encodeAdids, type AdidCounts } from "@/lib/export/encoder";

const A = "0f8fad5b-d9cb-469f-a165-70867728950e";
const B = "7C9E6679-7425-40DE-944B-E07FC1F90AE7";
const C = "6fa459ea-ee8a-3ca4-894e-db77e160355e";
const ZERO = "00000000-0000-0000-0000-000000000000";

/** Runs COPY text through the encoder in the given pieces. */
function encode(pieces: (string | Buffer)[]): { out: string; counts: AdidCounts; enc: AdidEncoder } {
  const enc = new AdidEncoder();
  const parts: Buffer[] = [];
  for (const p of pieces) parts.push(enc.push(typeof p === "string" ? Buffer.from(p, "utf8") : p));
  parts.push(enc.end());
  return { out: Buffer.concat(parts).toString("utf8"), counts: enc.counts, enc };
}
const one = (text: string) => encode([text]);
const counts = (rowsRead: number, rowsExported: number, skipped: Partial<AdidCounts["skipped"]> = {}): AdidCounts => ({
  rowsRead,
  rowsExported,
  skipped: { empty: 0, null: 0, malformed: 0, optedOut: 0, ...skipped },
});

/**
 * Reference implementation with strings and regexes (what the byte scanner must agree with):
 * trim ASCII whitespace, literal or COPY-escaped, at both ends; `\N` alone is NULL.
 */
function reference(copyText: string): { out: string; counts: AdidCounts } {
  const lines = copyText.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const c = counts(0, 0);
  let out = "";
  for (const line of lines) {
    c.rowsRead++;
    if (line === "\\N") {
      c.skipped.null++;
      continue;
    }
    const trimmed = line.replace(/^(?:[ \t\r\v\f]|\\[tnrvf])+/, "").replace(/(?:[ \t\r\v\f]|\\[tnrvf])+$/, "");
    if (trimmed === "") c.skipped.empty++;
    else if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(trimmed)) c.skipped.malformed++;
    else if (trimmed === ZERO) c.skipped.optedOut++;
    else {
      c.rowsExported++;
      out += `${trimmed}\n`;
    }
  }
  return { out, counts: c };
}

describe("AdidEncoder — the rules", () => {
  it("passes plain UUIDs through, one 37-byte line each", () => {
    const r = one(`${A}\n${C}\n`);
    expect(r.out).toBe(`${A}\n${C}\n`);
    expect(Buffer.byteLength(r.out)).toBe(2 * ADID_LINE_BYTES);
    expect(r.counts).toEqual(counts(2, 2));
    expect(r.enc.bytesOut).toBe(74);
  });

  it("keeps the case as stored (upper and mixed case are not lowercased)", () => {
    const mixed = "0F8fAD5b-D9cb-469F-a165-70867728950E";
    expect(one(`${B}\n${mixed}\n`).out).toBe(`${B}\n${mixed}\n`);
  });

  it("accepts any version nibble and variant", () => {
    const values = ["ffffffff-ffff-ffff-ffff-ffffffffffff", "12345678-1234-0234-1234-123456789abc", "12345678-1234-7234-c234-123456789abc", "00000000-0000-0000-0000-000000000001"];
    expect(one(values.map((v) => `${v}\n`).join("")).counts).toEqual(counts(4, 4));
  });

  it("trims spaces and literal tab/CR/VT/FF at both ends", () => {
    const r = one(`  ${A}  \n\t${C}\r\n \x0b${B}\x0c \n`);
    expect(r.out).toBe(`${A}\n${C}\n${B}\n`);
    expect(r.counts).toEqual(counts(3, 3));
  });

  it("trims COPY-escaped whitespace (\\t \\n \\r \\v \\f are two bytes each) at both ends", () => {
    const r = one(`\\t${A}\\t\n\\r\\n ${C} \\n\\r\n\\v\\f${B}\\f\n`);
    expect(r.out).toBe(`${A}\n${C}\n${B}\n`);
    expect(r.counts).toEqual(counts(3, 3));
  });

  it("does not trim inside the value, nor Unicode spaces", () => {
    const r = one(`${A.slice(0, 10)} ${A.slice(10)}\n\u00a0${A}\n\u3000${C}\n${A}\u00a0\n`);
    expect(r.out).toBe("");
    expect(r.counts).toEqual(counts(4, 0, { malformed: 4 }));
  });

  it("skips and counts empty and whitespace-only rows as empty", () => {
    const r = one(`\n   \n\\t\\t\n \\r \n${A}\n`);
    expect(r.out).toBe(`${A}\n`);
    expect(r.counts).toEqual(counts(5, 1, { empty: 4 }));
  });

  it("skips and counts NULL (\\N) apart from empty; \\N with anything else is malformed", () => {
    const r = one(`\\N\n${A}\n\\N\n \\N\n\\N \n\\\\N\n\\Nx\n`);
    expect(r.out).toBe(`${A}\n`);
    expect(r.counts).toEqual(counts(7, 1, { null: 2, malformed: 4 }));
  });

  it("skips and counts values not in UUID shape as malformed", () => {
    const bad = [
      "not-an-adid",
      A.slice(0, 35), // too short
      `${A}0`, // too long
      A.replace(/-/g, ""), // no dashes
      `{${A}}`, // braces
      `urn:uuid:${A}`,
      "0f8fad5b-d9cb-469f-a165-70867728950g", // non-hex
      "0f8fad5bd-9cb-469f-a165-70867728950e", // dash misplaced
      "0f8fad5b_d9cb_469f_a165_70867728950e",
      "12345",
      "한글한글",
      `${A},${C}`,
    ];
    const r = one(bad.map((b) => `${b}\n`).join(""));
    expect(r.out).toBe("");
    expect(r.counts).toEqual(counts(bad.length, 0, { malformed: bad.length }));
  });

  it("treats any other backslash escape as malformed (\\\\, \\b, octal, an escaped tab inside)", () => {
    const bad = [`${A}\\\\`, `\\\\${A}`, `\\b${A}`, `${A}\\b`, `\\011${A}`, `${A.slice(0, 8)}\\t${A.slice(9)}`, `${A}\\x`, "\\"];
    const r = one(bad.map((b) => `${b}\n`).join(""));
    expect(r.counts).toEqual(counts(bad.length, 0, { malformed: bad.length }));
  });

  it("skips and counts the all-zero ADID as opted out, padded or not", () => {
    const r = one(`${ZERO}\n  ${ZERO}\\t\n${A}\n`);
    expect(r.out).toBe(`${A}\n`);
    expect(r.counts).toEqual(counts(3, 1, { optedOut: 2 }));
  });

  it("takes a last row without a final newline", () => {
    expect(one(`${A}\n${C}`).out).toBe(`${A}\n${C}\n`);
    expect(one(`${A}\n  `).counts).toEqual(counts(2, 1, { empty: 1 }));
    expect(one(`${A}\n\\N`).counts).toEqual(counts(2, 1, { null: 1 }));
    expect(one("").counts).toEqual(counts(0, 0));
  });

  it("remembers where and what the first malformed values were", () => {
    const r = one(`${A}\n${A}\nnope\n${"x".repeat(200)}\n\\\\weird\\tvalue\nmore\n`);
    expect(r.enc.firstMalformedRow).toBe(3);
    expect(r.enc.malformedSamples).toEqual(["nope", `${"x".repeat(60)}…`, "\\\\weird\\tvalue"]);
  });

  it("keeps samples of malformed rows cut by chunk boundaries", () => {
    const r = encode(["abc", "def\n", `${A}\nxy`, "", "z"]);
    expect(r.enc.malformedSamples).toEqual(["abcdef", "xyz"]);
    expect(r.counts).toEqual(counts(3, 1, { malformed: 2 }));
  });

  it("refuses push after end", () => {
    const enc = new AdidEncoder();
    enc.end();
    expect(() => enc.push(Buffer.from(`${A}\n`))).toThrow(/after end/);
  });
});

describe("AdidEncoder — chunk boundaries", () => {
  const sample =
    `${A}\n  ${B}\\t\n\\N\n\n${ZERO}\nnot-a-uuid\n${C}\n\\t${A}\\r\n${A}\\\\\n` +
    `   \n${B}\n${ZERO}  \n\\N\n0f8fad5b-d9cb-469f-a165-70867728950\n${C}`;
  const expected = reference(sample);

  it("the reference agrees with the rules", () => {
    expect(expected.counts).toEqual(counts(15, 6, { empty: 2, null: 2, malformed: 3, optedOut: 2 }));
    expect(one(sample)).toMatchObject(expected);
  });

  it("gives the same result when split in two at every offset", () => {
    for (let k = 0; k <= sample.length; k++) {
      const r = encode([sample.slice(0, k), sample.slice(k)]);
      expect({ at: k, out: r.out, counts: r.counts }).toEqual({ at: k, ...expected });
    }
  });

  it("gives the same result when split in three at every pair of offsets (short input)", () => {
    const small = `${A}\n \\t${ZERO}\n\\N\n${B}  \nx\n${C}`;
    const ref = reference(small);
    for (let i = 0; i <= small.length; i++) {
      for (let j = i; j <= small.length; j++) {
        const r = encode([small.slice(0, i), small.slice(i, j), small.slice(j)]);
        if (r.out !== ref.out || JSON.stringify(r.counts) !== JSON.stringify(ref.counts)) {
          expect({ i, j, out: r.out, counts: r.counts }).toEqual({ i, j, ...ref });
        }
      }
    }
  });

  it("gives the same result fed one byte at a time", () => {
    const r = encode([...Buffer.from(sample)].map((b) => Buffer.from([b])));
    expect(r).toMatchObject(expected);
  });

  it("agrees with the reference on a few MB of random rows in random chunks", () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const hex = "0123456789abcdefABCDEF";
    const uuid = () => {
      let s = "";
      for (let i = 0; i < 36; i++) s += i === 8 || i === 13 || i === 18 || i === 23 ? "-" : hex[Math.floor(rnd() * hex.length)];
      return s;
    };
    const variants = [
      () => uuid(),
      () => uuid(),
      () => uuid(),
      () => uuid(),
      () => ` ${uuid()} `,
      () => `\\t${uuid()}`,
      () => "\\N",
      () => "",
      () => ZERO,
      () => uuid().slice(1),
      () => `${uuid()}\\\\`,
      () => uuid().replace("-", "x"),
    ];
    const rows: string[] = [];
    for (let i = 0; i < 80_000; i++) rows.push(variants[Math.floor(rnd() * variants.length)]!());
    const text = `${rows.join("\n")}\n`;
    const buf = Buffer.from(text);
    expect(buf.length).toBeGreaterThan(2_500_000);
    const ref = reference(text);
    const pieces: Buffer[] = [];
    for (let off = 0; off < buf.length; ) {
      const size = 1 + Math.floor(rnd() * 70_000);
      pieces.push(buf.subarray(off, off + size));
      off += size;
    }
    const r = encode(pieces);
    expect(r.counts).toEqual(ref.counts);
    expect(createHash("sha256").update(r.out).digest("hex")).toBe(createHash("sha256").update(ref.out).digest("hex"));
    expect(r.enc.bytesIn).toBe(buf.length);
    const c = r.counts;
    expect(c.rowsRead).toBe(c.rowsExported + c.skipped.empty + c.skipped.null + c.skipped.malformed + c.skipped.optedOut);
  });
});

describe("streaming helpers", () => {
  const text = `${A}\n\\N\n${B}\n${C}\nbad\n`;

  it("encodeAdids yields the lines of an async source and returns the counts", async () => {
    const enc = new AdidEncoder();
    const out: Buffer[] = [];
    const source = Readable.from([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))]);
    const gen = encodeAdids(source, enc);
    let r = await gen.next();
    while (!r.done) {
      out.push(r.value);
      r = await gen.next();
    }
    expect(Buffer.concat(out).toString()).toBe(`${A}\n${B}\n${C}\n`);
    expect(r.value).toEqual(counts(5, 3, { null: 1, malformed: 1 }));
    expect(enc.counts).toEqual(r.value);
  });

  it("createAdidTransform works in a stream pipeline", async () => {
    const enc = new AdidEncoder();
    const out: Buffer[] = [];
    await pipeline(Readable.from([Buffer.from(text)]), createAdidTransform(enc), async (src: AsyncIterable<Buffer>) => {
      for await (const b of src) out.push(b);
    });
    expect(Buffer.concat(out).toString()).toBe(`${A}\n${B}\n${C}\n`);
    expect(enc.counts.rowsExported).toBe(3);
  });
});
