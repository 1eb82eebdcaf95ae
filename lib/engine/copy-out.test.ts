import { describe, expect, it } from "vitest";
import { copyOutStream } from "@/lib/engine/copy-out";

const msg = (code: string, payload = Buffer.alloc(0)) => {
  const head = Buffer.alloc(5);
  head[0] = code.charCodeAt(0);
  head.writeUInt32BE(payload.length + 4, 1);
  return Buffer.concat([head, payload]);
};

/** Feed the bytes to the parser in pieces; collect what it pushes and what it hands back to pg. */
function run(bytes: Buffer, cut: (i: number) => boolean, opts: { framed?: boolean } = {}) {
  const stream = copyOutStream("copy x to stdout", opts) as unknown as {
    _parse(chunk: Buffer): boolean | undefined;
    _detach(): void;
    _cleanup(): void;
    _buffer: { size: number; take(n: number): Buffer };
    on(event: "data", fn: (b: Buffer) => void): void;
  };
  const pushed: Buffer[] = [];
  const handedBack: Buffer[] = [];
  let ended = false;
  (stream as unknown as { push(b: Buffer | null): boolean }).push = (b) => {
    if (b === null) ended = true;
    else pushed.push(Buffer.from(b));
    return true;
  };
  stream._detach = () => handedBack.push(stream._buffer.take(stream._buffer.size));
  stream._cleanup = () => {};
  let start = 0;
  for (let i = 1; i <= bytes.length; i++) {
    if (i === bytes.length || cut(i)) {
      if (handedBack.length) break;
      stream._parse(bytes.subarray(start, i));
      start = i;
    }
  }
  return { data: Buffer.concat(pushed).toString(), bytes: Buffer.concat(pushed), handedBack: Buffer.concat(handedBack), ended };
}

describe("COPY OUT parser", () => {
  // Short rows, an ADID line (copied word by word plus a tail byte) and a long row (Buffer#copy).
  const rows = ["a\tb\n", "\\N\tx\\ty\n", "", "ünï\n", "0123abcd-0123-4567-89ab-0123456789ab\n", `${"long ".repeat(60)}\n`].map((r) => Buffer.from(r));
  const after = Buffer.concat([msg("C", Buffer.from("COPY 3\0")), msg("Z", Buffer.from("I"))]);
  const stream = Buffer.concat([msg("H", Buffer.from([0, 0, 2, 0, 0, 0, 0])), ...rows.map((r) => msg("d", r)), msg("N", Buffer.from("notice\0")), msg("c"), after]);

  it("passes the CopyData payloads through, whatever the chunk boundaries, and hands the rest to pg", () => {
    const expected = Buffer.concat(rows).toString();
    for (let size = 1; size <= stream.length; size++) {
      const result = run(stream, (i) => i % size === 0);
      expect(result.data, `chunks of ${size}`).toBe(expected);
      expect(result.ended).toBe(true);
      expect(result.handedBack.equals(after.subarray(0, result.handedBack.length)), `chunks of ${size}`).toBe(true);
    }
    const whole = run(stream, () => false);
    expect(whole.handedBack.equals(after)).toBe(true);
  });

  it("framed: passes the CopyData messages on whole, headers included, and drops the others", () => {
    const expected = Buffer.concat(rows.map((r) => msg("d", r)));
    for (let size = 1; size <= stream.length; size++) {
      const result = run(stream, (i) => i % size === 0, { framed: true });
      expect(result.bytes.equals(expected), `chunks of ${size}`).toBe(true);
      expect(result.ended).toBe(true);
      expect(result.handedBack.equals(after.subarray(0, result.handedBack.length)), `chunks of ${size}`).toBe(true);
    }
    // Interspersed messages between rows (a notice, a parameter status) are not passed on.
    const interspersed = Buffer.concat([msg("H"), msg("d", rows[0]), msg("S", Buffer.from("a\0b\0")), msg("d", rows[1]), msg("N", Buffer.from("n\0")), msg("c"), after]);
    for (let size = 1; size <= interspersed.length; size++) {
      const result = run(interspersed, (i) => i % size === 0, { framed: true });
      expect(result.bytes.equals(Buffer.concat([msg("d", rows[0]), msg("d", rows[1])])), `chunks of ${size}`).toBe(true);
    }
  });

  it("an ErrorResponse goes back to pg from its first byte, with nothing after it consumed", () => {
    const error = msg("E", Buffer.from("SERROR\0Mcanceling statement\0\0"));
    const bytes = Buffer.concat([msg("d", Buffer.from("x\n")), error, after]);
    for (let size = 1; size <= bytes.length * 2; size++) {
      const framed = size > bytes.length;
      const result = run(bytes, (i) => i % (framed ? size - bytes.length : size) === 0, { framed });
      expect(result.ended).toBe(false);
      expect(result.handedBack.subarray(0, error.length).equals(error.subarray(0, Math.min(error.length, result.handedBack.length))), `chunks of ${size}`).toBe(true);
      expect(result.handedBack[0]).toBe("E".charCodeAt(0));
      expect(result.bytes.equals(framed ? msg("d", Buffer.from("x\n")) : Buffer.from("x\n")), `chunks of ${size}`).toBe(true);
    }
  });
});
