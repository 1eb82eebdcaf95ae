/**
 * A byte scanner for CSV records (RFC 4180 as PostgreSQL's COPY … CSV reads it): fields split by a
 * one-byte delimiter, `"` quoting with `""` inside, records ending in LF or CRLF, line breaks allowed
 * inside quotes. It records where each field starts and ends instead of making strings, so the
 * importer can check values in place and pass good records to COPY byte for byte.
 *
 * Anything PostgreSQL would read differently from RFC 4180 is reported as a broken record (a quote
 * inside an unquoted field, text after a closing quote, a bare carriage return), so the importer
 * skips it rather than send PostgreSQL something ambiguous.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

export const FIELD_QUOTED = 1;
export const FIELD_ESCAPED_QUOTE = 2;
/** The field's end was taken from its expected width, not scanned: valid only if its value check passes. */
export const FIELD_GUESSED = 4;

/** How a record ended. */
export const Eol = { none: 0, lf: 1, crlf: 2, crAtEnd: 3 } as const;
export type Eol = (typeof Eol)[keyof typeof Eol];

export class CsvScanner {
  /** 1 for the bytes that end an unquoted field (delimiter, LF, CR, quote): one table load per byte. */
  private readonly stops = new Uint8Array(256);
  /** Fields beyond this many are counted but not located (the record is ragged anyway). */
  readonly maxFields: number;
  readonly fieldStart: Int32Array;
  readonly fieldEnd: Int32Array;
  readonly fieldFlags: Uint8Array;
  /**
   * Expected byte width per field (0: unknown). A field whose width is known and that is followed by a
   * delimiter or line break at that width is taken without scanning it (FIELD_GUESSED). Only set for
   * types whose check refuses delimiters, quotes and line breaks (uuid, date, timestamp), so a guessed
   * field that passes its check is exactly the field a scan would have found; one that fails is rescanned.
   */
  readonly widths: Int32Array;

  // Results of the last successful scan():
  /** Number of fields in the record. */
  fields = 0;
  /** End of the record's content (before its line break). */
  bodyEnd = 0;
  /** Where the next record starts. */
  next = 0;
  eol: Eol = Eol.none;
  /** Line breaks inside the record (in quoted fields), not counting the one that ends it. */
  innerLines = 0;
  /** Why the record is malformed, or null. */
  problem: string | null = null;

  constructor(
    readonly delimiter: number,
    maxFields: number,
  ) {
    this.maxFields = Math.max(1, maxFields);
    this.fieldStart = new Int32Array(this.maxFields);
    this.fieldEnd = new Int32Array(this.maxFields);
    this.fieldFlags = new Uint8Array(this.maxFields);
    this.widths = new Int32Array(this.maxFields);
    for (const c of [delimiter, LF, CR, QUOTE]) this.stops[c] = 1;
  }

  /**
   * Scan the record that starts at `p`. Returns false when the record does not end before `end`
   * and more input may follow (`final` false): call again from the same `p` with more bytes.
   */
  scan(b: Uint8Array, p: number, end: number, final: boolean, guess = true): boolean {
    const D = this.delimiter;
    const widths = this.widths;
    const maxF = this.maxFields;
    const fieldStart = this.fieldStart;
    const fieldEnd = this.fieldEnd;
    const fieldFlags = this.fieldFlags;
    const stops = this.stops;
    let nf = 0;
    let innerLines = 0;
    for (;;) {
      if (p >= end) {
        if (!final) return false;
        if (nf < maxF) {
          fieldStart[nf] = p;
          fieldEnd[nf] = p;
          fieldFlags[nf] = 0;
        }
        nf++;
        return this.done(nf, innerLines, p, p, Eol.none, null);
      }
      let c = b[p]!;
      if (c === QUOTE) {
        const fs = p + 1;
        let flags = FIELD_QUOTED;
        p++;
        for (;;) {
          if (p >= end) {
            if (!final) return false;
            return this.done(nf + 1, innerLines, end, end, Eol.none, "a quoted field is not closed before the end of the file");
          }
          c = b[p]!;
          if (c === QUOTE) {
            if (p + 1 >= end && !final) return false;
            if (b[p + 1] === QUOTE) {
              flags |= FIELD_ESCAPED_QUOTE;
              p += 2;
              continue;
            }
            break;
          }
          if (c === LF) innerLines++;
          p++;
        }
        if (nf < maxF) {
          fieldStart[nf] = fs;
          fieldEnd[nf] = p;
          fieldFlags[nf] = flags;
        }
        nf++;
        p++; // past the closing quote
      } else if (guess && nf < maxF && widths[nf]! > 0 && p + widths[nf]! < end && stops[b[p + widths[nf]!]!] === 1 && b[p + widths[nf]!] !== QUOTE) {
        fieldStart[nf] = p;
        p += widths[nf]!;
        fieldEnd[nf] = p;
        fieldFlags[nf] = FIELD_GUESSED;
        nf++;
      } else {
        const fs = p;
        while (p < end && stops[b[p]!] === 0) p++;
        if (p < end && b[p] === QUOTE) {
          return this.recover(b, p, end, final, nf + 1, innerLines, 'a quote (") inside an unquoted field: quote the whole field and double the quote');
        }
        if (nf < maxF) {
          fieldStart[nf] = fs;
          fieldEnd[nf] = p;
          fieldFlags[nf] = 0;
        }
        nf++;
      }
      // After a field: a delimiter, a line break, the end, or (after a closing quote) anything else.
      if (p >= end) {
        if (!final) return false;
        return this.done(nf, innerLines, p, p, Eol.none, null);
      }
      c = b[p]!;
      if (c === D) {
        p++;
        continue;
      }
      if (c === LF) return this.done(nf, innerLines, p, p + 1, Eol.lf, null);
      if (c === CR) {
        if (p + 1 >= end) {
          if (!final) return false;
          return this.done(nf, innerLines, p, p + 1, Eol.crAtEnd, null);
        }
        if (b[p + 1] === LF) return this.done(nf, innerLines, p, p + 2, Eol.crlf, null);
        return this.recover(b, p, end, final, nf, innerLines, "a carriage return inside an unquoted field (only LF or CRLF line ends are supported)");
      }
      return this.recover(b, p, end, final, nf, innerLines, "text after the closing quote of a field");
    }
  }

  private done(fields: number, innerLines: number, bodyEnd: number, next: number, eol: Eol, problem: string | null): true {
    this.fields = fields;
    this.innerLines = innerLines;
    this.bodyEnd = bodyEnd;
    this.next = next;
    this.eol = eol;
    this.problem = problem;
    return true;
  }

  /**
   * Skip the rest of a malformed record's line. (PostgreSQL would let the stray quote toggle quoting
   * and swallow the following lines; a bad line is more likely just a bad line.)
   */
  private recover(b: Uint8Array, p: number, end: number, final: boolean, fields: number, innerLines: number, problem: string): boolean {
    const lf = b.indexOf(LF, p);
    if (lf >= 0 && lf < end) {
      const bodyEnd = lf > 0 && b[lf - 1] === CR ? lf - 1 : lf;
      return this.done(fields, innerLines, bodyEnd, lf + 1, bodyEnd === lf ? Eol.lf : Eol.crlf, problem);
    }
    if (!final) return false;
    return this.done(fields, innerLines, end, end, Eol.none, problem);
  }
}

/** Count of `byte` in `b` outside double quotes, up to the first LF outside quotes. */
export function countInFirstLine(b: Uint8Array, byte: number): number {
  let inQuote = false;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) inQuote = !inQuote;
    else if (!inQuote) {
      if (c === LF) break;
      if (c === byte) n++;
    }
  }
  return n;
}
