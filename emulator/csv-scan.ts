import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ACCEPT_CRLF } from "./kakao-assumptions";

/**
 * Byte-level scanner for customer-file contents: counts bytes and lines, hashes (SHA-256) and
 * checks that every line is a UUID (8-4-4-4-12 hex digits, any case) ending with "\n".
 * No per-line strings are built: it walks the bytes with a small state machine.
 */
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;
const NL = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const UUID_LEN = 36;
const IS_DASH_POS = new Uint8Array(UUID_LEN + 1);
for (const p of [8, 13, 18, 23]) IS_DASH_POS[p] = 1;

export interface ScanSummary {
  bytes: number;
  /** Lines, counting a last line without "\n". */
  lines: number;
  badLines: number;
  /** 1-based number of the first bad line, or null. */
  firstBadLine: number | null;
  sha256: string;
}

export class CsvScanner {
  bytes = 0;
  lines = 0;
  badLines = 0;
  firstBadLine: number | null = null;
  private pos = 0; // bytes seen on the current line (capped)
  private bad = false; // current line already known bad
  private sawCr = false;
  private readonly hash: Hash = createHash("sha256");

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    let pos = this.pos;
    let bad = this.bad;
    let sawCr = this.sawCr;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NL) {
        this.endLine(bad || pos !== UUID_LEN);
        pos = 0;
        bad = false;
        sawCr = false;
        continue;
      }
      if (bad) continue;
      if (ACCEPT_CRLF && b === CR && pos === UUID_LEN && !sawCr) {
        sawCr = true;
        continue;
      }
      if (pos >= UUID_LEN || sawCr) bad = true;
      else if (IS_DASH_POS[pos] === 1 ? b !== DASH : HEX[b] !== 1) bad = true;
      else pos++;
    }
    this.pos = pos;
    this.bad = bad;
    this.sawCr = sawCr;
  }

  private endLine(isBad: boolean): void {
    this.lines++;
    if (isBad) {
      this.badLines++;
      if (this.firstBadLine === null) this.firstBadLine = this.lines;
    }
  }

  finish(): ScanSummary {
    if (this.pos > 0 || this.bad || this.sawCr) this.endLine(this.bad || this.pos !== UUID_LEN);
    this.pos = 0;
    this.bad = false;
    this.sawCr = false;
    return {
      bytes: this.bytes,
      lines: this.lines,
      badLines: this.badLines,
      firstBadLine: this.firstBadLine,
      sha256: this.hash.digest("hex"),
    };
  }
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`file exceeds ${limit} bytes`);
  }
}

/** Pass-through stream that scans what goes through and fails as soon as `maxBytes` is crossed. */
export class ScanTransform extends Transform {
  readonly scanner = new CsvScanner();
  summary: ScanSummary | null = null;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.scanner.bytes + chunk.length > this.maxBytes) {
      cb(new FileTooLargeError(this.maxBytes));
      return;
    }
    this.scanner.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.summary = this.scanner.finish();
    cb();
  }
}
