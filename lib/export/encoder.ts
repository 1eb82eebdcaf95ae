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
 * 36 bytes + `\n` takes the fast path (shape check, then runs of such rows are copied with one
 * memcpy); anything else (padding, escapes, a row cut by a chunk boundary) goes through a small
 * state machine that carries its state across chunks. See bench/encoder.ts.
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
/** Fast-path digit classes: 0 not hex, 1 the digit '0', 3 any other hex digit. */
const V = new Uint8Array(256);
for (const c of "123456789abcdefABCDEF") V[c.charCodeAt(0)] = 3;
V[ZERO] = 1;
/** Literal whitespace bytes that may be trimmed (LF never appears inside a line). */
const WS = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0d, 0x0b, 0x0c]) WS[b] = 1;
/** Letters after a backslash that stand for trimmable whitespace in COPY text. */
const WS_ESC = new Uint8Array(256);
for (const c of "tnrvf") WS_ESC[c.charCodeAt(0)] = 1;
/** Position in the UUID (0..35) where a dash is expected. */
const DASH_AT = new Uint8Array(UUID_CHARS);
for (const p of [8, 13, 18, 23]) DASH_AT[p] = 1;

/** The 36 bytes at `i` (already known to be UUID-shaped) are the all-zero ADID. */
function isAllZero(chunk: Buffer, i: number): boolean {
  for (let k = i; k < i + UUID_CHARS; k++) {
    const b = chunk[k]!;
    if (b !== ZERO && b !== DASH) return false;
  }
  return true;
}

/** Set by fastRun: it stopped at an all-zero row (37 bytes to skip and count). */
let fastStopZero = false;

/**
 * From `i`, the end of the longest run of plain rows — exactly 36 bytes in UUID shape, not the
 * all-zero ADID, then "\n" — within chunk[0..n). Sets `fastStopZero` when an all-zero row stopped it.
 * Unrolled on purpose: this is the hot loop (see bench/encoder.ts).
 */
function fastRun(chunk: Buffer, i: number, n: number): number {
  fastStopZero = false;
  while (i + UUID_CHARS < n) {
    if (chunk[i + UUID_CHARS] !== NL || chunk[i + 8] !== DASH || chunk[i + 13] !== DASH || chunk[i + 18] !== DASH || chunk[i + 23] !== DASH) return i;
    // V: 0 not hex, 1 '0', 3 another hex digit. AND over the 32 digits: 0 = not a UUID,
    // 1 = holds a '0' (so check for the all-zero ADID), 3 = no '0' at all.
    const a =
      V[chunk[i]!]! & V[chunk[i + 1]!]! & V[chunk[i + 2]!]! & V[chunk[i + 3]!]! & V[chunk[i + 4]!]! & V[chunk[i + 5]!]! & V[chunk[i + 6]!]! & V[chunk[i + 7]!]! &
      V[chunk[i + 9]!]! & V[chunk[i + 10]!]! & V[chunk[i + 11]!]! & V[chunk[i + 12]!]! &
      V[chunk[i + 14]!]! & V[chunk[i + 15]!]! & V[chunk[i + 16]!]! & V[chunk[i + 17]!]! &
      V[chunk[i + 19]!]! & V[chunk[i + 20]!]! & V[chunk[i + 21]!]! & V[chunk[i + 22]!]! &
      V[chunk[i + 24]!]! & V[chunk[i + 25]!]! & V[chunk[i + 26]!]! & V[chunk[i + 27]!]! & V[chunk[i + 28]!]! & V[chunk[i + 29]!]! &
      V[chunk[i + 30]!]! & V[chunk[i + 31]!]! & V[chunk[i + 32]!]! & V[chunk[i + 33]!]! & V[chunk[i + 34]!]! & V[chunk[i + 35]!]!;
    if (a === 0) return i;
    if (a === 1 && isAllZero(chunk, i)) {
      fastStopZero = true;
      return i;
    }
    i += ADID_LINE_BYTES;
  }
  return i;
}

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
  /** Bytes given to push(). */
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

  get counts(): AdidCounts {
    return {
      rowsRead: this.rowsRead,
      rowsExported: this.rowsExported,
      skipped: { empty: this.empty, null: this.nulls, malformed: this.malformed, optedOut: this.optedOut },
    };
  }

  /** Output lines (`uuid\n` each) for the rows completed by `chunk`. The result may be empty. */
  push(chunk: Buffer): Buffer {
    if (this.ended) throw new Error("AdidEncoder.push after end()");
    const n = chunk.length;
    this.bytesIn += n;
    // Each output line needs ≥ 37 input bytes, except one line begun in the previous chunk.
    const out = Buffer.allocUnsafe(n + ADID_LINE_BYTES);
    let o = 0;
    let i = 0;
    if (this.state !== S_START) {
      i = this.slowLine(chunk, 0, -1, out, o);
      o = this.lastO;
    }
    while (i < n) {
      // A run of plain rows (36 UUID bytes + "\n", not all-zero) is copied in one go.
      const stop = fastRun(chunk, i, n);
      if (stop > i) {
        const count = (stop - i) / ADID_LINE_BYTES;
        this.rowsRead += count;
        this.rowsExported += count;
        o += chunk.copy(out, o, i, stop);
        i = stop;
        if (i >= n) break;
      }
      if (fastStopZero) {
        this.rowsRead++;
        this.optedOut++;
        i += ADID_LINE_BYTES;
        continue;
      }
      // Anything else (padding, escapes, NULL, a row cut by the chunk's end): the state machine.
      i = this.slowLine(chunk, i, i, out, o);
      o = this.lastO;
    }
    this.bytesOut += o;
    return out.subarray(0, o);
  }

  /** Finish: a last row without a final "\n" is taken as a row. */
  end(): Buffer {
    if (this.ended) return Buffer.alloc(0);
    this.ended = true;
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
   * Runs the state machine from `i` until the end of the current line (inclusive) or of the chunk.
   * `lineStart` is where the line began in this chunk (-1: in an earlier chunk). Returns the next
   * index; the output offset is left in `lastO`.
   */
  private slowLine(chunk: Buffer, i: number, lineStart: number, out: Buffer, o: number): number {
    const n = chunk.length;
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
          const from = lineStart < 0 ? 0 : lineStart;
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
      const from = lineStart < 0 ? 0 : lineStart;
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

/**
 * The encoder over an async source (e.g. `copyOut(...).stream`): yields the non-empty outputs;
 * backpressure is the consumer's pace. Counts are on `encoder.counts` once the loop ends.
 */
export async function* encodeAdids(source: AsyncIterable<Buffer | Uint8Array | string>, encoder = new AdidEncoder()): AsyncGenerator<Buffer, AdidCounts> {
  for await (const raw of source) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = encoder.push(chunk);
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
