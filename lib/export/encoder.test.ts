import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { copyDataMessages } from "@/lib/engine/test-support";
import { ADID_LINE_BYTES, AdidEncoder, createAdidTransform, encodeAdids, type AdidCounts } from "@/lib/export/encoder";

const A = "0f8fad5b-d9cb-469f-a165-70867728950e";
const B = "7C9E6679-7425-40DE-944B-E07FC1F90AE7";
const C = "6fa459ea-ee8a-3ca4-894e-db77e160355e";
const ZERO = "00000000-0000-0000-0000-000000000000";

type Input = "text" | "framed";

/** Runs COPY text (or, `framed`, CopyData messages) through the encoder in the given pieces. */
function encode(pieces: (string | Buffer)[], input: Input = "text"): { out: string; counts: AdidCounts; enc: AdidEncoder } {
  const enc = new AdidEncoder();
  const parts: Buffer[] = [];
  for (const p of pieces) {
    const buf = typeof p === "string" ? Buffer.from(p, "utf8") : p;
    parts.push(input === "framed" ? enc.pushFramed(buf) : enc.push(buf));
  }
  parts.push(enc.end());
  return { out: Buffer.concat(parts).toString("utf8"), counts: enc.counts, enc };
}


/** The input bytes of `text` for each kind of input. */
const bytesOf = (text: string | Buffer, input: Input) => (input === "framed" ? copyDataMessages(text) : Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8"));
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

describe.each(["text", "framed"] as const)("AdidEncoder — chunk boundaries (%s input)", (input) => {
  const sample =
    `${A}\n  ${B}\\t\n\\N\n\n${ZERO}\nnot-a-uuid\n${C}\n\\t${A}\\r\n${A}\\\\\n` +
    `   \n${B}\n${ZERO}  \n\\N\n0f8fad5b-d9cb-469f-a165-70867728950\n${C}`;
  const expected = reference(sample);

  it("the reference agrees with the rules", () => {
    expect(expected.counts).toEqual(counts(15, 6, { empty: 2, null: 2, malformed: 3, optedOut: 2 }));
    expect(encode([bytesOf(sample, input)], input)).toMatchObject(expected);
  });

  it("gives the same result when split in two at every offset", () => {
    const bytes = bytesOf(sample, input);
    for (let k = 0; k <= bytes.length; k++) {
      const r = encode([bytes.subarray(0, k), bytes.subarray(k)], input);
      expect({ at: k, out: r.out, counts: r.counts }).toEqual({ at: k, ...expected });
    }
  });

  it("gives the same result when split in three at every pair of offsets (short input)", () => {
    const small = `${A}\n \\t${ZERO}\n\\N\n${B}  \nx\n${C}`;
    const ref = reference(small);
    const bytes = bytesOf(small, input);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const r = encode([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)], input);
        if (r.out !== ref.out || JSON.stringify(r.counts) !== JSON.stringify(ref.counts)) {
          expect({ i, j, out: r.out, counts: r.counts }).toEqual({ i, j, ...ref });
        }
      }
    }
  });

  it("gives the same result fed one byte at a time", () => {
    const r = encode([...bytesOf(sample, input)].map((b) => Buffer.from([b])), input);
    expect(r).toMatchObject(expected);
  });

  it("checks every byte value at every position of a UUID as the reference does", () => {
    // The fast path checks four bytes at a time with arithmetic (adidAt): every byte value in
    // every position, a newline just after or not, must get the reference's verdict.
    const rows: Buffer[] = [];
    for (let pos = 0; pos < 36; pos++) {
      for (let b = 0; b < 256; b++) {
        const row = Buffer.from(A, "latin1");
        row[pos] = b;
        rows.push(row, Buffer.from("\n"));
      }
    }
    rows.push(Buffer.from(`${ZERO.slice(0, 35)}1\n${ZERO}\n`));
    const text = Buffer.concat(rows);
    const ref = reference(text.toString("latin1"));
    expect(ref.counts.skipped.malformed).toBeGreaterThan(30 * 200);
    const r = encode([bytesOf(text, input)], input);
    expect(r.counts).toEqual(ref.counts);
    expect(Buffer.from(r.out, "utf8").equals(Buffer.from(ref.out, "latin1"))).toBe(true);
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
    const buf = bytesOf(text, input);
    expect(buf.length).toBeGreaterThan(2_500_000);
    const ref = reference(text);
    const pieces: Buffer[] = [];
    for (let off = 0; off < buf.length; ) {
      const size = 1 + Math.floor(rnd() * 70_000);
      pieces.push(buf.subarray(off, off + size));
      off += size;
    }
    const r = encode(pieces, input);
    expect(r.counts).toEqual(ref.counts);
    expect(createHash("sha256").update(r.out).digest("hex")).toBe(createHash("sha256").update(ref.out).digest("hex"));
    expect(r.enc.bytesIn).toBe(Buffer.byteLength(text));
    const c = r.counts;
    expect(c.rowsRead).toBe(c.rowsExported + c.skipped.empty + c.skipped.null + c.skipped.malformed + c.skipped.optedOut);
  });
});

describe("AdidEncoder — framed input", () => {
  it("refuses a message that is not CopyData, input cut inside a message, and mixed inputs", () => {
    const notice = Buffer.concat([Buffer.from([0x4e, 0, 0, 0, 5]), Buffer.from("x")]);
    expect(() => new AdidEncoder().pushFramed(notice)).toThrow(/expected a CopyData message/);
    const cut = new AdidEncoder();
    cut.pushFramed(copyDataMessages(`${A}\n`).subarray(0, 20));
    expect(() => cut.end()).toThrow(/inside a CopyData message/);
    const text = new AdidEncoder();
    text.push(Buffer.from(`${A}\n`));
    expect(() => text.pushFramed(copyDataMessages(`${A}\n`))).toThrow(/one encoder takes one kind of input/);
  });

  it("counts bytesIn as COPY text, without the message headers", () => {
    const r = encode([copyDataMessages(`${A}\n\\N\n${ZERO}\n x\n`)], "framed");
    expect(r.counts).toEqual(counts(4, 1, { null: 1, optedOut: 1, malformed: 1 }));
    expect(r.enc.bytesIn).toBe(37 + 3 + 37 + 3);
    expect(r.enc.malformedSamples).toEqual([" x"]);
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

  it("encodeAdids takes CopyData messages with framed: true", async () => {
    const enc = new AdidEncoder();
    const bytes = copyDataMessages(text);
    const out: Buffer[] = [];
    for await (const b of encodeAdids(Readable.from([bytes.subarray(0, 50), bytes.subarray(50)]), enc, { framed: true })) out.push(b);
    expect(Buffer.concat(out).toString()).toBe(`${A}\n${B}\n${C}\n`);
    expect(enc.counts).toEqual(counts(5, 3, { null: 1, malformed: 1 }));
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
