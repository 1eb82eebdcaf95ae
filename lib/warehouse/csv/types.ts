/**
 * CSV column types: inference from a sample, and value checks that run on raw bytes (no strings
 * are made on the hot path). A check accepts a subset of what PostgreSQL's input function accepts,
 * never more, so a line we pass never makes PostgreSQL fail the whole COPY; what we reject is
 * reported with its line number instead.
 */
import { z } from "zod";

/** Types a new table's columns can get from an import (inferred, or chosen by the user). */
export const IMPORT_COLUMN_TYPES = ["integer", "bigint", "numeric", "boolean", "date", "timestamp", "timestamptz", "uuid", "text"] as const;
export type ImportColumnType = (typeof IMPORT_COLUMN_TYPES)[number];
export const importColumnTypeSchema = z.enum(IMPORT_COLUMN_TYPES, { error: `must be one of ${IMPORT_COLUMN_TYPES.join(", ")}` });

/** SQL for a column of that type in CREATE TABLE. */
export const IMPORT_TYPE_SQL: Record<ImportColumnType, string> = {
  integer: "integer",
  bigint: "bigint",
  numeric: "numeric",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp without time zone",
  timestamptz: "timestamp with time zone",
  uuid: "uuid",
  text: "text",
};

/** What a value check does; numbers so the scanner's hot loop is a switch, not a closure call. */
export const Check = {
  none: 0,
  int2: 1,
  int4: 2,
  int8: 3,
  numeric: 4,
  float4: 5,
  float8: 6,
  boolean: 7,
  date: 8,
  timestamp: 9,
  uuid: 10,
  maxChars: 11,
  json: 12,
} as const;
export type CheckKind = (typeof Check)[keyof typeof Check];

export interface ColumnCheck {
  kind: CheckKind;
  /** numeric(p, s): at most p - s digits before the point; varchar(n)/char(n): at most n characters; -1: none. */
  limit: number;
  /** For messages: "an integer", "a date (YYYY-MM-DD)", … */
  expected: string;
  /** Read `""` as NULL too (COPY's FORCE_NULL): every type but the text ones, where `""` is the empty string. */
  forceNull: boolean;
  /** The column is NOT NULL (existing tables): an empty field is a bad row, not a failed import. */
  notNull: boolean;
}

/** Every check has the same shape (one hidden class for the hot loop). */
const makeCheck = (kind: CheckKind, expected: string, forceNull: boolean, limit = -1): ColumnCheck => ({ kind, limit, expected, forceNull, notNull: false });

export function checkForImportType(type: ImportColumnType): ColumnCheck {
  switch (type) {
    case "integer":
      return makeCheck(Check.int4, "an integer", true);
    case "bigint":
      return makeCheck(Check.int8, "a bigint (whole number)", true);
    case "numeric":
      return makeCheck(Check.numeric, "a number", true);
    case "boolean":
      return makeCheck(Check.boolean, "a boolean (true/false)", true);
    case "date":
      return makeCheck(Check.date, "a date (YYYY-MM-DD)", true);
    case "timestamp":
    case "timestamptz":
      return makeCheck(Check.timestamp, "a timestamp (YYYY-MM-DD HH:MM:SS)", true);
    case "uuid":
      return makeCheck(Check.uuid, "a UUID", true);
    case "text":
      return makeCheck(Check.none, "text", false);
  }
}

/**
 * The check for an existing table's column, from its `format_type` name. Types we do not check
 * here (arrays, intervals, …) are left to PostgreSQL, which then fails the import on a bad value
 * with the line number (the import is rolled back).
 */
export function checkForPostgresType(formatted: string): ColumnCheck {
  const t = formatted.toLowerCase();
  const args = /\(([\d\s,]+)\)/.exec(t)?.[1]?.split(",").map((x) => Number(x.trim()));
  const base = t.replace(/\(.*?\)/g, "").trim();
  switch (base) {
    case "smallint":
      return makeCheck(Check.int2, "a smallint (whole number from -32768 to 32767)", true);
    case "integer":
      return makeCheck(Check.int4, "an integer", true);
    case "bigint":
      return makeCheck(Check.int8, "a bigint (whole number)", true);
    case "numeric":
      return args && args.length >= 1
        ? makeCheck(Check.numeric, `a number with at most ${args[0]! - (args[1] ?? 0)} digits before the point`, true, args[0]! - (args[1] ?? 0))
        : makeCheck(Check.numeric, "a number", true);
    case "real":
      return makeCheck(Check.float4, "a real number", true);
    case "double precision":
      return makeCheck(Check.float8, "a double precision number", true);
    case "boolean":
      return makeCheck(Check.boolean, "a boolean (true/false)", true);
    case "date":
      return makeCheck(Check.date, "a date (YYYY-MM-DD)", true);
    case "timestamp without time zone":
    case "timestamp with time zone":
      return makeCheck(Check.timestamp, "a timestamp (YYYY-MM-DD HH:MM:SS)", true);
    case "uuid":
      return makeCheck(Check.uuid, "a UUID", true);
    case "text":
    case "name":
    case "citext":
      return makeCheck(Check.none, "text", false);
    case "character varying":
    case "character":
      return args
        ? makeCheck(Check.maxChars, `text of at most ${args[0]} characters`, false, args[0]!)
        : makeCheck(Check.none, "text", false);
    case "json":
    case "jsonb":
      return makeCheck(Check.json, "JSON", true);
    default:
      return makeCheck(Check.none, formatted, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Byte-level checks. `s..e` is the value without surrounding quotes; it never holds a quote (a
// typed value with an escaped quote in it is rejected before a check runs).

const isWs = (c: number) => c === 32 || c === 9;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** 1 for hex digits (either case). */
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;

const INT2_MAX = "32767";
const INT4_MAX = "2147483647";
const INT8_MAX = "9223372036854775807";

/** Digits `s..e` (no sign) ≤ max (or max+1 when negative), comparing as decimal strings. */
function withinRange(b: Uint8Array, s: number, e: number, max: string, negative: boolean): boolean {
  while (s < e - 1 && b[s] === 48) s++; // leading zeros
  const len = e - s;
  if (len !== max.length) return len < max.length;
  for (let i = 0; i < len; i++) {
    const d = b[s + i]!;
    const m = max.charCodeAt(i) + (negative && i === len - 1 ? 1 : 0);
    if (d !== m) return d < m;
  }
  return true;
}

function checkInteger(b: Uint8Array, s: number, e: number, max: string): boolean {
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  let negative = false;
  if (s < e && (b[s] === 45 || b[s] === 43)) {
    negative = b[s] === 45;
    s++;
  }
  if (s >= e) return false;
  for (let i = s; i < e; i++) if (!isDigit(b[i]!)) return false;
  return withinRange(b, s, e, max, negative);
}

const lowerEquals = (b: Uint8Array, s: number, e: number, word: string) => {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if ((b[s + i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
};

const Specials = { none: 0, nan: 1, nanAndInfinity: 2 } as const;
type Specials = (typeof Specials)[keyof typeof Specials];

/**
 * A decimal number: digits with an optional point and exponent. Returns the decimal exponent of the
 * leading significant digit (0 for 1–9, 2 for 100–999, -1 for 0.1–0.9), NaN when not a number, and
 * -Infinity for zero. NaN is accepted for numeric (PostgreSQL < 14 has no numeric Infinity), both
 * NaN and Infinity for floating point.
 */
function numberMagnitude(b: Uint8Array, s: number, e: number, specials: Specials): number {
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  if (specials !== Specials.none && lowerEquals(b, s, e, "nan")) return 0;
  if (s < e && (b[s] === 45 || b[s] === 43)) s++;
  if (specials === Specials.nanAndInfinity && (lowerEquals(b, s, e, "infinity") || lowerEquals(b, s, e, "inf"))) return 0;
  let i = s;
  let digits = 0;
  let firstSig = -1; // index among digits of the first non-zero digit
  let pointAt = -1; // digits before the point
  while (i < e && isDigit(b[i]!)) {
    if (firstSig < 0 && b[i] !== 48) firstSig = digits;
    digits++;
    i++;
  }
  if (i < e && b[i] === 46) {
    pointAt = digits;
    i++;
    while (i < e && isDigit(b[i]!)) {
      if (firstSig < 0 && b[i] !== 48) firstSig = digits;
      digits++;
      i++;
    }
  }
  if (digits === 0 || digits > 1000) return NaN;
  let exponent = 0;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let negative = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      negative = b[i] === 45;
      i++;
    }
    const start = i;
    while (i < e && isDigit(b[i]!) && i - start < 5) exponent = exponent * 10 + (b[i++]! - 48);
    if (i === start || exponent > 1000) return NaN;
    if (negative) exponent = -exponent;
  }
  if (i !== e) return NaN;
  if (firstSig < 0) return -Infinity;
  const intDigits = pointAt < 0 ? digits : pointAt;
  return intDigits - firstSig - 1 + exponent;
}

const BOOLEAN_WORDS: Record<number, string[]> = { 1: ["t", "f", "y", "n", "1", "0"], 2: ["no", "on"], 3: ["yes", "off"], 4: ["true"], 5: ["false"] };

function checkBoolean(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  const words = BOOLEAN_WORDS[e - s];
  if (!words) return false;
  for (let i = 0; i < words.length; i++) if (lowerEquals(b, s, e, words[i]!)) return true;
  return false;
}

const num2 = (b: Uint8Array, i: number) => (isDigit(b[i]!) && isDigit(b[i + 1]!) ? (b[i]! - 48) * 10 + (b[i + 1]! - 48) : -1);

/** YYYY-MM-DD at `s` (a real calendar day, years 0001–9999); returns the index after it or -1. */
function datePart(b: Uint8Array, s: number, e: number): number {
  if (e - s < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return -1;
  const hi = num2(b, s);
  const lo = num2(b, s + 2);
  const month = num2(b, s + 5);
  const day = num2(b, s + 8);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) return -1;
  const year = hi * 100 + lo;
  if (year === 0) return -1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days ? s + 10 : -1;
}

/**
 * `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]][ ][Z|±HH[[:]MM]]]`. Returns 0 when not a timestamp,
 * 1 for a date only, 2 for a timestamp without offset, 3 with an offset.
 */
export function timestampShape(b: Uint8Array, s: number, e: number): 0 | 1 | 2 | 3 {
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  let i = datePart(b, s, e);
  if (i < 0) return 0;
  if (i === e) return 1;
  if (b[i] !== 32 && b[i] !== 84) return 0;
  i++;
  const hour = num2(b, i);
  if (hour < 0 || hour > 23 || b[i + 2] !== 58) return 0;
  const minute = num2(b, i + 3);
  if (minute < 0 || minute > 59) return 0;
  i += 5;
  if (i < e && b[i] === 58) {
    const second = num2(b, i + 1);
    if (second < 0 || second > 59) return 0;
    i += 3;
    if (i < e && b[i] === 46) {
      const start = ++i;
      while (i < e && isDigit(b[i]!)) i++;
      if (i === start || i - start > 9) return 0;
    }
  }
  if (i === e) return 2;
  if (b[i] === 32) i++;
  if (i === e - 1 && b[i] === 90) return 3;
  if (b[i] !== 43 && b[i] !== 45) return 0;
  const offsetHours = num2(b, i + 1);
  if (offsetHours < 0 || offsetHours > 15) return 0;
  i += 3;
  if (i === e) return 3;
  if (b[i] === 58) i++;
  const offsetMinutes = num2(b, i);
  if (offsetMinutes < 0 || offsetMinutes > 59) return 0;
  return i + 2 === e ? 3 : 0;
}

/** 8-4-4-4-12 hex digits (any case), or 32 hex digits without hyphens. */
export function isUuid(b: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  let ok = 1;
  if (len === 36) {
    if (b[s + 8] !== 45 || b[s + 13] !== 45 || b[s + 18] !== 45 || b[s + 23] !== 45) return false;
    for (let i = 0; i < 8; i++) ok &= HEX[b[s + i]!]!;
    for (let i = 9; i < 13; i++) ok &= HEX[b[s + i]!]!;
    for (let i = 14; i < 18; i++) ok &= HEX[b[s + i]!]!;
    for (let i = 19; i < 23; i++) ok &= HEX[b[s + i]!]!;
    for (let i = 24; i < 36; i++) ok &= HEX[b[s + i]!]!;
    return ok === 1;
  }
  if (len === 32) {
    for (let i = 0; i < 32; i++) ok &= HEX[b[s + i]!]!;
    return ok === 1;
  }
  return false;
}

/** Characters in UTF-8 bytes `s..e` (bytes that do not continue a sequence), `""` counting once. */
function charCount(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if ((c & 0xc0) !== 0x80) n++;
    if (c === 34 && b[i + 1] === 34) i++;
  }
  return n;
}

const decoder = new TextDecoder();

/** Checks whose accepted values never hold a delimiter, quote or line break (the scanner may guess their width). */
export function checkHasFixedShape(check: ColumnCheck): boolean {
  return check.kind === Check.uuid || check.kind === Check.date || check.kind === Check.timestamp;
}

/** Whether the value `s..e` (quotes removed, non-empty) passes the column's check. */
export function valuePasses(check: ColumnCheck, b: Uint8Array, s: number, e: number): boolean {
  switch (check.kind) {
    case Check.none:
      return true;
    case Check.int2:
      return checkInteger(b, s, e, INT2_MAX);
    case Check.int4:
      return checkInteger(b, s, e, INT4_MAX);
    case Check.int8:
      return checkInteger(b, s, e, INT8_MAX);
    case Check.numeric: {
      const m = numberMagnitude(b, s, e, check.limit < 0 ? Specials.nan : Specials.none);
      if (Number.isNaN(m)) return false;
      return check.limit < 0 || m < check.limit || m === -Infinity;
    }
    case Check.float4: {
      const m = numberMagnitude(b, s, e, Specials.nanAndInfinity);
      return m === -Infinity || (m >= -36 && m <= 37);
    }
    case Check.float8: {
      const m = numberMagnitude(b, s, e, Specials.nanAndInfinity);
      return m === -Infinity || (m >= -300 && m <= 300);
    }
    case Check.boolean:
      return checkBoolean(b, s, e);
    case Check.date: {
      let ss = s;
      let ee = e;
      while (ss < ee && isWs(b[ss]!)) ss++;
      while (ee > ss && isWs(b[ee - 1]!)) ee--;
      return datePart(b, ss, ee) === ee;
    }
    case Check.timestamp:
      return timestampShape(b, s, e) !== 0;
    case Check.uuid:
      return isUuid(b, s, e);
    case Check.maxChars:
      return charCount(b, s, e) <= check.limit;
    case Check.json:
      try {
        JSON.parse(decoder.decode(b.subarray(s, e)).replace(/""/g, '"'));
        return true;
      } catch {
        return false;
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Inference.

const T_BOOLEAN = 1;
const T_INTEGER = 2;
const T_BIGINT = 4;
const T_NUMERIC = 8;
const T_DATE = 16;
const T_TIMESTAMP = 32;
const T_TIMESTAMPTZ = 64;
const T_UUID = 128;
const T_ALL = 255;
const INFERENCE_BOOLEANS = ["true", "false", "t", "f", "yes", "no", "y", "n"];

/** Candidate types one sample value fits (a bit set). Numbers with leading zeros stay text (zip codes, phone numbers). */
function candidates(b: Uint8Array, s: number, e: number): number {
  let set = 0;
  for (const word of INFERENCE_BOOLEANS) {
    if (lowerEquals(b, s, e, word)) {
      set |= T_BOOLEAN;
      break;
    }
  }
  let ds = s;
  if (b[ds] === 45 || b[ds] === 43) ds++;
  const leadingZero = b[ds] === 48 && ds + 1 < e && b[ds + 1] !== 46;
  if (!leadingZero) {
    if (checkInteger(b, s, e, INT4_MAX)) set |= T_INTEGER | T_BIGINT | T_NUMERIC;
    else if (checkInteger(b, s, e, INT8_MAX)) set |= T_BIGINT | T_NUMERIC;
    else if (!Number.isNaN(numberMagnitude(b, s, e, Specials.none))) set |= T_NUMERIC;
  }
  const shape = timestampShape(b, s, e);
  if (shape === 1) set |= T_DATE | T_TIMESTAMP | T_TIMESTAMPTZ;
  else if (shape === 2) set |= T_TIMESTAMP | T_TIMESTAMPTZ;
  else if (shape === 3) set |= T_TIMESTAMPTZ;
  if (isUuid(b, s, e) && e - s === 36) set |= T_UUID;
  return set;
}

/** Accumulates sample values of one column and names the narrowest type that fits them all. */
export class TypeGuess {
  private set = T_ALL;
  private sawOffset = false;
  values = 0;
  /** The byte length every value had (unquoted), or -1 when they differ; 0 before any. */
  width = 0;

  /** A non-empty, unquoted-content value; `hasQuote` when it contained an escaped quote. */
  add(b: Uint8Array, s: number, e: number, hasQuote: boolean, quoted = false): void {
    this.values++;
    this.width = quoted || (this.width !== 0 && this.width !== e - s) ? -1 : e - s;
    if (hasQuote) {
      this.set = 0;
      return;
    }
    const c = candidates(b, s, e);
    if (c & T_TIMESTAMPTZ && !(c & T_TIMESTAMP)) this.sawOffset = true;
    this.set &= c;
  }

  get type(): ImportColumnType {
    const set = this.set;
    if (this.values === 0 || set === 0) return "text";
    if (set & T_BOOLEAN) return "boolean";
    if (set & T_INTEGER) return "integer";
    if (set & T_BIGINT) return "bigint";
    if (set & T_NUMERIC) return "numeric";
    if (set & T_DATE) return "date";
    if (set & T_TIMESTAMP && !this.sawOffset) return "timestamp";
    if (set & T_TIMESTAMPTZ) return "timestamptz";
    if (set & T_UUID) return "uuid";
    return "text";
  }
}
