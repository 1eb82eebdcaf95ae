/**
 * The line encoder: the bytes of `COPY (<query>) TO STDOUT` (PostgreSQL text format, ONE column, the
 * adid) in, customer-file lines out — one `uuid\n` (37 bytes) per valid ADID, in the order read.
 *
 * Rules (SPEC §2 "Result validation for Kakao"):
 * - Trim: ASCII whitespace at either end — space, tab, LF, CR, VT, FF. In COPY text a value's space
 *   is a literal 0x20 while the others arrive escaped as two bytes (`\t` `\n` `\r` `\v` `\f`); both
 *   forms are trimmed (literal tab/CR/VT/FF bytes too, should another engine send them raw).
 *   Unicode spaces (NBSP, U+3000 …) are not trimmed: such a value is malformed.
 * - Empty (nothing left after trimming) → skipped, counted as `empty`.
 * - NULL (`\N`, the whole line) → skipped, counted as `null` (kept apart from `empty`).
 * - Not 8-4-4-4-12 hex digits (any case, any version nibble) → skipped, `malformed`. A value holding
 *   any other backslash escape (`\\`, `\b`, octal…) can never be a UUID, so it is malformed too.
 * - The all-zero ADID (opted-out devices, "limit ad tracking") → skipped, `optedOut`.
 * - Everything else is written exactly as stored (case kept: no lowercasing).
 *
 * Speed: a byte scan over Buffers, no per-row strings, regexes or objects. A row that is exactly
 * 36 bytes + `\n` takes the fast path: its shape is checked four bytes at a time (adidAt), and
 * runs of such rows are copied with one memcpy; anything else (padding, escapes, a row cut by a
 * chunk boundary) goes through a small state machine that carries its state across chunks.
 *
 * Two inputs: COPY text (`push`), or PostgreSQL's CopyData messages themselves (`pushFramed`, what
 * `copyOut(…, { framed: true })` streams: each message a `d`, an int32 length and one row). The
 * framed input saves a pass: the rows are checked and copied straight out of the network buffers
 * instead of being copied out of their messages first. See bench/encoder.ts.
 */
import { Transform, type TransformCallback } from "node:stream";

/** Bytes per output line: 36 characters + "\n". Every customer-file line has exactly this size. */
export const ADID_LINE_BYTES = 37;
const UUID_CHARS = 36;

export interface AdidCounts {
  /** Rows of the result (lines of the COPY stream). */
  rowsRead: number;
  /** Rows written as customer-file lines. */
  rowsExported: number;
  skipped: {
    /** Empty or whitespace-only values. */
    empty: number;
    /** NULL values. */
    null: number;
    /** Not in UUID shape (8-4-4-4-12 hex digits). */
    malformed: number;
    /** The all-zero ADID 00000000-0000-0000-0000-000000000000 (opted-out devices). */
    optedOut: number;
  };
}

export const ALL_ZERO_ADID = "00000000-0000-0000-0000-000000000000";

const NL = 0x0a;
const BS = 0x5c; // backslash
const DASH = 0x2d;
const ZERO = 0x30;
const UPPER_N = 0x4e;

/** 1 for [0-9a-fA-F]. */
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
/** Literal whitespace bytes that may be trimmed (LF never appears inside a line). */
const WS = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0d, 0x0b, 0x0c]) WS[b] = 1;
/** Letters after a backslash that stand for trimmable whitespace in COPY text. */
const WS_ESC = new Uint8Array(256);
for (const c of "tnrvf") WS_ESC[c.charCodeAt(0)] = 1;
/** Position in the UUID (0..35) where a dash is expected. */
const DASH_AT = new Uint8Array(UUID_CHARS);
for (const p of [8, 13, 18, 23]) DASH_AT[p] = 1;

/** adidAt's verdicts. */
const NOT_ADID = 0;
const ADID = 1;
const OPTED_OUT = 2;

const ZEROS = 0x30303030; // "0000"
const HIGH = 0x80808080 | 0; // bit 7 of each byte, as int32

/**
 * Bit 7 set in each byte of `w` (4 ASCII bytes, all < 0x80) that is a hex digit. Per byte, with
 * x = b | 0x20 (folds A–F onto a–f; digits already have 0x20): x + (0x80 − k) has bit 7 set iff
 * x ≥ k, and no byte carries into the next (x < 0x80). Digit: 0x30 ≤ x < 0x3a; letter:
 * 0x61 ≤ x < 0x67; and b & 0x60 ≠ 0, which rules out the control bytes 0x10–0x19 that the fold
 * would turn into digits.
 */
function hexBytes(w: number): number {
  const x = w | 0x20202020;
  return (((x + 0x50505050) & ~(x + 0x46464646)) | ((x + 0x1f1f1f1f) & ~(x + 0x19191919))) & ((w & 0x60606060) + 0x7f7f7f7f);
}

/**
 * The 36 bytes at `i` of `view`: an ADID (8-4-4-4-12 hex digits), the all-zero one, or neither.
 * Read as nine big-endian words and checked four bytes at a time (hexBytes). The dashes (bytes 8,
 * 13, 18, 23) are checked, then replaced by '0' so every word is checked alike. Given `out`, an
 * ADID's 37-byte line is written there from the same words: the framed path checks and copies each
 * row in one pass.
 */
function adidAt(view: DataView, i: number, out: DataView | null = null, o = 0): number {
  const w0 = view.getUint32(i);
  const w1 = view.getUint32(i + 4);
  const w2 = view.getUint32(i + 8);
  const w3 = view.getUint32(i + 12);
  const w4 = view.getUint32(i + 16);
  const w5 = view.getUint32(i + 20);
  const w6 = view.getUint32(i + 24);
  const w7 = view.getUint32(i + 28);
  const w8 = view.getUint32(i + 32);
  if (w2 >>> 24 !== DASH || ((w3 >>> 16) & 0xff) !== DASH || ((w4 >>> 8) & 0xff) !== DASH || (w5 & 0xff) !== DASH) return NOT_ADID;
  if ((w0 | w1 | w2 | w3 | w4 | w5 | w6 | w7 | w8) & HIGH) return NOT_ADID;
  const d2 = (w2 & 0x00ffffff) | 0x30000000;
  const d3 = (w3 & 0xff00ffff) | 0x00300000;
  const d4 = (w4 & 0xffff00ff) | 0x00003000;
  const d5 = (w5 & 0xffffff00) | 0x00000030;
  if ((hexBytes(w0) & hexBytes(w1) & hexBytes(d2) & hexBytes(d3) & hexBytes(d4) & hexBytes(d5) & hexBytes(w6) & hexBytes(w7) & hexBytes(w8) & HIGH) !== HIGH) return NOT_ADID;
  if (((w0 ^ ZEROS) | (w1 ^ ZEROS) | (d2 ^ ZEROS) | (d3 ^ ZEROS) | (d4 ^ ZEROS) | (d5 ^ ZEROS) | (w6 ^ ZEROS) | (w7 ^ ZEROS) | (w8 ^ ZEROS)) === 0) return OPTED_OUT;
  if (out !== null) {
    out.setUint32(o, w0);
    out.setUint32(o + 4, w1);
    out.setUint32(o + 8, w2);
    out.setUint32(o + 12, w3);
    out.setUint32(o + 16, w4);
    out.setUint32(o + 20, w5);
    out.setUint32(o + 24, w6);
    out.setUint32(o + 28, w7);
    out.setUint32(o + 32, w8);
    out.setUint8(o + UUID_CHARS, NL);
  }
  return ADID;
}

/** Set by fastRun: it stopped at an all-zero row (37 bytes to skip and count). */
let fastStopZero = false;

/**
 * From `i`, the end of the longest run of plain rows — exactly 36 bytes in UUID shape, not the
 * all-zero ADID, then "\n" — within chunk[0..n). Sets `fastStopZero` when an all-zero row stopped it.
 */
function fastRun(chunk: Buffer, view: DataView, i: number, n: number): number {
  fastStopZero = false;
  while (i + UUID_CHARS < n) {
    if (chunk[i + UUID_CHARS] !== NL) return i;
    const kind = adidAt(view, i);
    if (kind !== ADID) {
      fastStopZero = kind === OPTED_OUT;
      return i;
    }
    i += ADID_LINE_BYTES;
  }
  return i;
}

/** A CopyData message: 'd', then an int32 length counting itself (so 4 + the row's bytes). */
const COPY_DATA = 0x64;
const FRAME_HEADER = 5;
/** The length field of a CopyData message holding one plain 37-byte line. */
const LINE_FRAME_LENGTH = 4 + ADID_LINE_BYTES;

// Line states of the slow path.
const S_START = 0; // nothing on this line yet
const S_LEAD = 1; // only whitespace so far
const S_START_ESC = 2; // a backslash as the line's first byte (`\N`, or an escaped whitespace)
const S_LEAD_ESC = 3; // a backslash after leading whitespace
const S_CORE = 4; // inside the UUID (corePos bytes of it seen)
const S_TRAIL = 5; // the 36 UUID bytes seen, maybe trailing whitespace
const S_TRAIL_ESC = 6; // a backslash after the UUID
const S_NULL = 7; // the line is `\N` so far
const S_BAD = 8; // malformed, skipping to the end of the line

/** Malformed values kept as examples for the job log (raw COPY text, shortened). */
const MAX_SAMPLES = 3;
const SAMPLE_CHARS = 60;
const SAMPLE_BYTES = SAMPLE_CHARS * 4;

export class AdidEncoder {
  private rowsRead = 0;
  private rowsExported = 0;
  private empty = 0;
  private nulls = 0;
  private malformed = 0;
  private optedOut = 0;
  /** Bytes of COPY text read (given to push(), or inside the messages given to pushFramed()). */
  bytesIn = 0;
  /** Bytes returned by push()/end(). */
  bytesOut = 0;
  /** 1-based row number of the first malformed value, or null. */
  firstMalformedRow: number | null = null;
  /** Up to three malformed values as they appear in COPY text (escapes kept), shortened. */
  readonly malformedSamples: string[] = [];

  // Slow-path state, carried across chunks.
  private state = S_START;
  private corePos = 0;
  private coreNonZero = 0;
  private readonly core = Buffer.alloc(UUID_CHARS);
  /** The beginning of a line cut by a chunk boundary (for malformedSamples). */
  private readonly sampleHead = Buffer.alloc(SAMPLE_BYTES);
  private sampleHeadLen = 0;
  private ended = false;
  /** Which input this encoder takes (set by the first push or pushFramed). */
  private framing: "text" | "framed" | null = null;
  // Framed input: the header of a message cut by a chunk's end, and text bytes left in the message.
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private headerLen = 0;
  private frameLeft = 0;

  get counts(): AdidCounts {
    return {
      rowsRead: this.rowsRead,
      rowsExported: this.rowsExported,
      skipped: { empty: this.empty, null: this.nulls, malformed: this.malformed, optedOut: this.optedOut },
    };
  }

  /**
   * Output lines (`uuid\n` each) for the rows of COPY text completed by `chunk`. The result may be
   * empty. Written into `into` when it has room (chunk.length + 37 bytes), else into a new Buffer.
   */
  push(chunk: Buffer, into?: Buffer): Buffer {
    if (this.ended) throw new Error("AdidEncoder.push after end()");
    if (this.framing === "framed") throw new Error("AdidEncoder.push after pushFramed(): one encoder takes one kind of input");
    this.framing = "text";
    const n = chunk.length;
    // Each output line needs ≥ 37 input bytes, except one line begun in the previous chunk.
    const out = outputFor(n, into);
    const o = this.encodeText(chunk, viewOf(chunk), 0, n, out, 0);
    this.bytesOut += o;
    return out.subarray(0, o);
  }

  /**
   * The same for PostgreSQL's CopyData messages (`'d'`, int32 length, one row of COPY text each)
   * as they came off the wire: a message may be cut anywhere by the chunk's end and go on in the
   * next chunk. A message holding one plain line (the common case) is checked and copied straight
   * from `chunk`; any other goes through the text path, which keeps its state across messages.
   * `into` as for push().
   */
  pushFramed(chunk: Buffer, into?: Buffer): Buffer {
    if (this.ended) throw new Error("AdidEncoder.pushFramed after end()");
    if (this.framing === "text") throw new Error("AdidEncoder.pushFramed after push(): one encoder takes one kind of input");
    this.framing = "framed";
    const n = chunk.length;
    const view = viewOf(chunk);
    // Each message holds ≥ 5 bytes of header besides its text: n + 37 is room enough here too.
    const out = outputFor(n, into);
    const outView = viewOf(out);
    let o = 0;
    let i = 0;
    while (i < n) {
      if (this.frameLeft > 0) {
        // The text of the current message, or of the part of it in this chunk.
        const end = Math.min(n, i + this.frameLeft);
        o = this.encodeText(chunk, view, i, end, out, o);
        this.frameLeft -= end - i;
        i = end;
        continue;
      }
      if (this.headerLen === 0 && this.state === S_START) {
        // Whole one-line messages, checked and copied four bytes at a time.
        let rows = 0;
        let zeros = 0;
        while (i + FRAME_HEADER + ADID_LINE_BYTES <= n && chunk[i] === COPY_DATA && view.getUint32(i + 1) === LINE_FRAME_LENGTH && chunk[i + FRAME_HEADER + UUID_CHARS] === NL) {
          const kind = adidAt(view, i + FRAME_HEADER, outView, o);
          if (kind === NOT_ADID) break;
          if (kind === ADID) {
            o += ADID_LINE_BYTES;
            rows++;
          } else zeros++;
          i += FRAME_HEADER + ADID_LINE_BYTES;
        }
        this.rowsRead += rows + zeros;
        this.rowsExported += rows;
        this.optedOut += zeros;
        this.bytesIn += (rows + zeros) * ADID_LINE_BYTES;
        if (i >= n) break;
      }
      // A message header, maybe cut by the chunk's end.
      while (this.headerLen < FRAME_HEADER && i < n) this.header[this.headerLen++] = chunk[i++]!;
      if (this.headerLen < FRAME_HEADER) break;
      this.headerLen = 0;
      if (this.header[0] !== COPY_DATA) throw new Error(`AdidEncoder.pushFramed: expected a CopyData message, got message type 0x${this.header[0]!.toString(16)}`);
      this.frameLeft = this.header.readUInt32BE(1) - 4;
      if (this.frameLeft < 0) throw new Error("AdidEncoder.pushFramed: a CopyData message with a bad length");
    }
    this.bytesOut += o;
    return out.subarray(0, o);
  }

  /**
   * COPY text chunk[i..end) → lines at out[o..]; returns the new output offset. The line in
   * progress (from an earlier chunk or message) continues first.
   */
  private encodeText(chunk: Buffer, view: DataView, i: number, end: number, out: Buffer, o: number): number {
    this.bytesIn += end - i;
    if (this.state !== S_START) {
      i = this.slowLine(chunk, i, -1, end, out, o);
      o = this.lastO;
    }
    while (i < end) {
      // A run of plain rows (36 UUID bytes + "\n", not all-zero) is copied in one go.
      const stop = fastRun(chunk, view, i, end);
      if (stop > i) {
        const count = (stop - i) / ADID_LINE_BYTES;
        this.rowsRead += count;
        this.rowsExported += count;
        o += chunk.copy(out, o, i, stop);
        i = stop;
        if (i >= end) break;
      }
      if (fastStopZero) {
        this.rowsRead++;
        this.optedOut++;
        i += ADID_LINE_BYTES;
        continue;
      }
      // Anything else (padding, escapes, NULL, a row cut by the chunk's end): the state machine.
      i = this.slowLine(chunk, i, i, end, out, o);
      o = this.lastO;
    }
    return o;
  }

  /** Finish: a last row without a final "\n" is taken as a row. */
  end(): Buffer {
    if (this.ended) return Buffer.alloc(0);
    this.ended = true;
    if (this.frameLeft > 0 || this.headerLen > 0) throw new Error("AdidEncoder: the input ended inside a CopyData message");
    if (this.state === S_START) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(ADID_LINE_BYTES);
    const malformedBefore = this.malformed;
    const o = this.endLine(out, 0);
    this.rowsRead++;
    if (this.malformed !== malformedBefore && this.malformedSamples.length < MAX_SAMPLES) {
      this.malformedSamples.push(this.sampleHead.toString("utf8", 0, this.sampleHeadLen));
    }
    this.bytesOut += o;
    return out.subarray(0, o);
  }

  // --- slow path -------------------------------------------------------------------------------

  /** Output offset after the last slowLine call (kept in a field to avoid returning a pair). */
  private lastO = 0;

  /**
   * Runs the state machine from `i` until the end of the current line (inclusive) or `n` (the end
   * of the chunk's text). `lineStart` is where the line began in this chunk (-1: in an earlier
   * chunk). Returns the next index; the output offset is left in `lastO`.
   */
  private slowLine(chunk: Buffer, i: number, lineStart: number, n: number, out: Buffer, o: number): number {
    const first = i;
    let state = this.state;
    let corePos = this.corePos;
    let nz = this.coreNonZero;
    const core = this.core;
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (b === NL) {
        this.state = state;
        this.corePos = corePos;
        this.coreNonZero = nz;
        const malformedBefore = this.malformed;
        this.lastO = this.endLine(out, o);
        this.rowsRead++;
        if (this.malformed !== malformedBefore && this.malformedSamples.length < MAX_SAMPLES) {
          const from = lineStart < 0 ? first : lineStart;
          const head = lineStart < 0 ? this.sampleHead.subarray(0, this.sampleHeadLen) : Buffer.alloc(0);
          const text = Buffer.concat([head, chunk.subarray(from, Math.min(i, from + SAMPLE_BYTES))]).toString("utf8");
          const chars = [...text];
          this.malformedSamples.push(chars.length > SAMPLE_CHARS ? `${chars.slice(0, SAMPLE_CHARS).join("")}…` : text);
        }
        this.sampleHeadLen = 0;
        return i + 1;
      }
      switch (state) {
        case S_START:
        case S_LEAD:
          if (WS[b] === 1) state = S_LEAD;
          else if (b === BS) state = state === S_START ? S_START_ESC : S_LEAD_ESC;
          else if (HEX[b] === 1) {
            core[0] = b;
            corePos = 1;
            nz = b ^ ZERO;
            state = S_CORE;
          } else state = S_BAD;
          break;
        case S_START_ESC:
          state = b === UPPER_N ? S_NULL : WS_ESC[b] === 1 ? S_LEAD : S_BAD;
          break;
        case S_LEAD_ESC:
          state = WS_ESC[b] === 1 ? S_LEAD : S_BAD;
          break;
        case S_CORE:
          if (DASH_AT[corePos] === 1 ? b === DASH : HEX[b] === 1) {
            core[corePos++] = b;
            nz |= DASH_AT[corePos - 1] === 1 ? 0 : b ^ ZERO;
            if (corePos === UUID_CHARS) state = S_TRAIL;
          } else state = S_BAD;
          break;
        case S_TRAIL:
          if (WS[b] === 1) break;
          state = b === BS ? S_TRAIL_ESC : S_BAD;
          break;
        case S_TRAIL_ESC:
          state = WS_ESC[b] === 1 ? S_TRAIL : S_BAD;
          break;
        case S_NULL:
          state = S_BAD;
          break;
        default: // S_BAD: skip to the end of the line
          break;
      }
    }
    this.state = state;
    this.corePos = corePos;
    this.coreNonZero = nz;
    this.lastO = o;
    // The line goes on in the next chunk: keep its beginning in case it turns out malformed.
    if (this.malformedSamples.length < MAX_SAMPLES) {
      const from = lineStart < 0 ? first : lineStart;
      if (lineStart >= 0) this.sampleHeadLen = 0;
      this.sampleHeadLen += chunk.copy(this.sampleHead, this.sampleHeadLen, from, Math.min(n, from + SAMPLE_BYTES - this.sampleHeadLen));
    }
    return n;
  }

  /** Classifies the line whose state is in the fields, writes it when valid, resets the state. */
  private endLine(out: Buffer, o: number): number {
    const state = this.state;
    this.state = S_START;
    this.corePos = 0;
    if (state === S_START || state === S_LEAD) this.empty++;
    else if (state === S_NULL) this.nulls++;
    else if (state === S_TRAIL) {
      if (this.coreNonZero === 0) this.optedOut++;
      else {
        this.core.copy(out, o);
        out[o + UUID_CHARS] = NL;
        this.rowsExported++;
        this.coreNonZero = 0;
        return o + ADID_LINE_BYTES;
      }
    } else {
      this.malformed++;
      this.firstMalformedRow ??= this.rowsRead + 1;
    }
    this.coreNonZero = 0;
    return o;
  }
}

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The output buffer for an input of n bytes: `into` when it has room, else a new one. */
function outputFor(n: number, into: Buffer | undefined): Buffer {
  return into !== undefined && into.length >= n + ADID_LINE_BYTES ? into : Buffer.allocUnsafe(n + ADID_LINE_BYTES);
}

/** The reused output buffer's smallest size (network reads are 64 KB). */
const SCRATCH_BYTES = 128 * 1024;

/**
 * The encoder over an async source (e.g. `copyOut(...).stream`): yields the non-empty outputs;
 * backpressure is the consumer's pace. Counts are on `encoder.counts` once the loop ends.
 * `framed`: the source yields CopyData messages (`copyOut(…, { framed: true })`), not COPY text.
 * `reuseOutput`: every output is written into the same buffer, so each is valid only until the
 * next one is asked for — for a consumer that copies it first (the chunk spool). It spares an
 * allocation per input chunk: with 64 KB network reads, ~7,000 buffers per 444 MB exported, whose
 * memory outside the heap set off a full garbage collection every few hundred milliseconds.
 */
export async function* encodeAdids(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  encoder = new AdidEncoder(),
  opts: { framed?: boolean; reuseOutput?: boolean } = {},
): AsyncGenerator<Buffer, AdidCounts> {
  let scratch: Buffer | undefined;
  for await (const raw of source) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (opts.reuseOutput && (scratch === undefined || scratch.length < chunk.length + ADID_LINE_BYTES)) {
      scratch = Buffer.allocUnsafeSlow(Math.max(chunk.length + ADID_LINE_BYTES, SCRATCH_BYTES)); // never from the shared pool
    }
    const out = opts.framed ? encoder.pushFramed(chunk, scratch) : encoder.push(chunk, scratch);
    if (out.length > 0) yield out;
  }
  const tail = encoder.end();
  if (tail.length > 0) yield tail;
  return encoder.counts;
}

/** The same as a stream Transform, for `stream.pipeline(copy, createAdidTransform(enc), …)`. */
export function createAdidTransform(encoder = new AdidEncoder()): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      try {
        const out = encoder.push(chunk);
        cb(null, out.length > 0 ? out : undefined);
      } catch (error) {
        cb(error as Error);
      }
    },
    flush(cb: TransformCallback) {
      const tail = encoder.end();
      cb(null, tail.length > 0 ? tail : undefined);
    },
  });
}
