/**
 * Treasure Data's cron, as its scheduler documents it (td-conventions.md "Schedules"; the seed's
 * "Custom cron..." tables). Two rules differ from Vixie cron and from every npm cron library:
 *
 *  1. A step `*∕n` selects the values that are multiples of n (value mod n = 0), not "every n from the
 *     field's minimum": `*∕5` in day-of-month is 5,10,…,30 and `5,*∕10,25` is 5,10,20,25,30.
 *     A range with a step `a-b/n` keeps its usual meaning: a, a+n, … ≤ b.
 *  2. When both day-of-month and day-of-week are restricted, the one that fires more often wins and
 *     the other is ignored (`0 0 1 * 1` runs every Monday). "More often" = matching days over one
 *     400-year Gregorian cycle with the month field applied; a tie goes to day-of-week.
 *
 * Everything else is ANDed. Times are wall-clock times in an IANA zone (default UTC): a wall time
 * that does not exist that day (spring-forward gap) is skipped, one that occurs twice (fall-back
 * overlap) runs once, at its first occurrence.
 *
 * Decisions where TD's documentation is silent (each also produces a clear CronError):
 *  - `a/n` (a start with a step, no range) is rejected: TD documents only `*∕n` and ranges; write
 *    `a-59/n` or `*∕n`.
 *  - A reversed range `5-1` is rejected (no wrap-around), except the day-of-week spelling `sat-sun`,
 *    where the name `sun` at the end of a range means 7.
 *  - A bare `*` inside a comma list is rejected (the seed: lists of anything "except the `*` wildcard").
 *  - `*∕n` with n beyond the field's maximum is allowed when it still selects a value (`*∕60` minute =
 *    0) and rejected when it selects none (`*∕40` day-of-month).
 *  - An expression that can never fire (`0 0 31 4 *`, `0 0 30 2 *`) is rejected, naming day-of-month.
 *
 * Pure: no I/O, safe in client components (the schedule form previews runs with it).
 */
import { isValidTimeZone, zoneClock, type ZoneClock } from "./timezones";

export { isValidTimeZone } from "./timezones";

// ─── Public types ────────────────────────────────────────────────────────────────────────────────

export type CronErrorField = "expression" | "minute" | "hour" | "day-of-month" | "month" | "day-of-week" | "timezone";

export class CronError extends Error {
  readonly field: CronErrorField;
  readonly token: string;
  constructor(field: CronErrorField, token: string, message: string) {
    super(message);
    this.name = "CronError";
    this.field = field;
    this.token = token;
  }
}

export type DayRule = "both-any" | "dom" | "dow";

export interface ParsedCron {
  /** The expression as given (a shortcut stays a shortcut). */
  source: string;
  /** The five fields after expanding a shortcut; "" for the never-expression. */
  expanded: string;
  /** `""`: a saved query without a schedule. All value arrays are empty then. */
  never: boolean;
  minutes: number[];
  hours: number[];
  /** Null when day-of-month is `*` or ignored by the more-frequent rule. */
  daysOfMonth: number[] | null;
  months: number[];
  /** 0–6, Sunday = 0 (7 folded into 0). Null when day-of-week is `*` or ignored. */
  daysOfWeek: number[] | null;
  /** Which day field decides: neither (every day of the selected months), day-of-month, or day-of-week. */
  dayRule: DayRule;
  /** The day field dropped by the more-frequent rule, if any. */
  ignoredField: "day-of-month" | "day-of-week" | null;
  /** When both day fields were restricted: matching days of each over a 400-year cycle (months applied). */
  dayCounts: { dayOfMonth: number; dayOfWeek: number } | null;
  /** The raw field texts; null for the never-expression. */
  fields: { minute: string; hour: string; dayOfMonth: string; month: string; dayOfWeek: string } | null;
}

export type CronValidation =
  | { ok: true; cron: ParsedCron }
  | { ok: false; error: { field: CronErrorField; token: string; message: string } };

/** TD's shortcuts and the five fields each stands for. */
export const TD_SHORTCUTS: Readonly<Record<string, string>> = Object.freeze({
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
});

/** The console's Schedule dropdown, in the seed's order of appearance. `custom` opens the cron input. */
export const SCHEDULE_PRESETS = [
  { value: "", label: "None" },
  { value: "@daily", label: "@daily (midnight)" },
  { value: "@hourly", label: "@hourly (:00)" },
  { value: "custom", label: "Custom cron..." },
] as const;

export type SchedulePresetValue = (typeof SCHEDULE_PRESETS)[number]["value"];

// ─── Field grammar ───────────────────────────────────────────────────────────────────────────────

type FieldName = "minute" | "hour" | "day-of-month" | "month" | "day-of-week";

interface FieldSpec {
  name: FieldName;
  min: number;
  max: number;
  /** Largest *distinct* value (day-of-week 7 is Sunday again). */
  maxDistinct: number;
  names?: readonly string[];
  nameOffset?: number;
  hint: string;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const SPECS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59, maxDistinct: 59, hint: "0-59" },
  { name: "hour", min: 0, max: 23, maxDistinct: 23, hint: "0-23" },
  { name: "day-of-month", min: 1, max: 31, maxDistinct: 31, hint: "1-31" },
  { name: "month", min: 1, max: 12, maxDistinct: 12, names: MONTH_NAMES, nameOffset: 1, hint: "1-12 or jan-dec" },
  { name: "day-of-week", min: 0, max: 7, maxDistinct: 6, names: DOW_NAMES, nameOffset: 0, hint: "0-7 or sun-sat" },
];

function fail(field: CronErrorField, token: string, reason: string): never {
  throw new CronError(field, token, `${field}: "${token}" ${reason}`);
}

interface ParsedValue {
  value: number;
  isName: boolean;
}

function parseValue(spec: FieldSpec, text: string, item: string): ParsedValue {
  if (/^\d+$/.test(text)) {
    const value = text.length > 15 ? Number.POSITIVE_INFINITY : Number(text);
    if (value < spec.min || value > spec.max) {
      const where = text === item ? "" : ` in "${item}"`;
      throw new CronError(spec.name, item, `${spec.name}: "${text}"${where} is out of range ${spec.min}-${spec.max}`);
    }
    return { value, isName: false };
  }
  if (/^[a-z]+$/i.test(text)) {
    const index = spec.names ? spec.names.indexOf(text.toLowerCase()) : -1;
    if (index >= 0) return { value: index + (spec.nameOffset ?? 0), isName: true };
    const where = text === item ? "" : ` in "${item}"`;
    throw new CronError(spec.name, item, `${spec.name}: "${text}"${where} is not a valid ${spec.name} (use ${spec.hint})`);
  }
  const where = text === item ? "" : ` in "${item}"`;
  throw new CronError(spec.name, item, `${spec.name}: "${text}"${where} is not a valid value (use ${spec.hint})`);
}

function parseStep(spec: FieldSpec, text: string, item: string): number {
  if (!/^\d+$/.test(text)) fail(spec.name, item, `has a step that is not a whole number ("${text}")`);
  const n = text.length > 15 ? Number.MAX_SAFE_INTEGER : Number(text);
  if (n < 1) fail(spec.name, item, "step must be at least 1");
  return n;
}

/** Values of one comma-list item, before folding day-of-week 7 into 0. */
function parseItem(spec: FieldSpec, item: string, inList: boolean): number[] {
  if (item === "*") {
    if (inList) fail(spec.name, item, `cannot be part of a list (use "*" on its own)`);
    return range(spec.min, spec.maxDistinct, 1);
  }
  if (item.startsWith("*/")) {
    const n = parseStep(spec, item.slice(2), item);
    // TD rule 1: multiples of n, not "every n from the minimum".
    const values: number[] = [];
    for (let v = spec.min; v <= spec.maxDistinct; v++) if (v % n === 0) values.push(v);
    if (values.length === 0) {
      fail(spec.name, item, `selects no ${spec.name} (no multiple of ${n} in ${spec.min}-${spec.maxDistinct})`);
    }
    return values;
  }
  const slash = item.indexOf("/");
  const body = slash >= 0 ? item.slice(0, slash) : item;
  const stepText = slash >= 0 ? item.slice(slash + 1) : null;
  if (body.includes("-")) {
    const parts = body.split("-");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "" || parts[0] === "*" || parts[1] === "*") {
      fail(spec.name, item, "is not a valid range (write start-end, e.g. 1-5)");
    }
    const start = parseValue(spec, parts[0]!, item);
    const end = parseValue(spec, parts[1]!, item);
    let endValue = end.value;
    // `sat-sun`: the name sun closing a range means 7, so weekend ranges read naturally.
    if (spec.name === "day-of-week" && end.isName && endValue === 0 && start.value > 0) endValue = 7;
    if (start.value > endValue) fail(spec.name, item, "is a reversed range (the start must not be after the end)");
    const step = stepText === null ? 1 : parseStep(spec, stepText, item);
    return range(start.value, endValue, step);
  }
  if (stepText !== null) {
    if (body === "") fail(spec.name, item, "is not a valid step (write */n or start-end/n)");
    fail(spec.name, item, `is not supported: a step needs "*" or a range (write */${stepText} or ${body}-${spec.maxDistinct}/${stepText})`);
  }
  if (body === "") fail(spec.name, item, "is empty");
  return [parseValue(spec, body, item).value];
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function parseField(spec: FieldSpec, text: string): number[] {
  const items = text.split(",");
  if (items.some((item) => item === "")) fail(spec.name, text, "has an empty item in its comma list");
  const seen = new Set<number>();
  for (const item of items) {
    for (const v of parseItem(spec, item, items.length > 1)) seen.add(spec.name === "day-of-week" && v === 7 ? 0 : v);
  }
  return [...seen].sort((a, b) => a - b);
}

// ─── The more-frequent rule: exact 400-year counts ───────────────────────────────────────────────

const CYCLE_YEARS = 400;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Years in a 400-year cycle in which month m has day d. */
function domYears(m: number, d: number): number {
  if (d <= 28) return CYCLE_YEARS;
  if (m === 2) return d === 29 ? 97 : 0; // 97 leap years per cycle
  return d <= daysInMonth(2001, m) ? CYCLE_YEARS : 0;
}

let dowTable: number[][] | null = null;

/** dowTable[m][w] = days in month m that fall on weekday w over one 400-year cycle (computed once). */
function dowCounts(): number[][] {
  if (dowTable) return dowTable;
  const table = Array.from({ length: 13 }, () => [0, 0, 0, 0, 0, 0, 0]);
  for (let y = 2000; y < 2000 + CYCLE_YEARS; y++) {
    for (let m = 1; m <= 12; m++) {
      const first = weekday(y, m, 1);
      const extra = daysInMonth(y, m) - 28; // weekdays first … first+extra-1 occur five times
      const row = table[m]!;
      for (let w = 0; w < 7; w++) row[w] = row[w]! + 4 + ((w - first + 7) % 7 < extra ? 1 : 0);
    }
  }
  dowTable = table;
  return table;
}

// ─── Parsing ─────────────────────────────────────────────────────────────────────────────────────

const parseCache = new Map<string, ParsedCron>();
const PARSE_CACHE_LIMIT = 5000;

function cloneParsed(p: ParsedCron): ParsedCron {
  return {
    ...p,
    minutes: [...p.minutes],
    hours: [...p.hours],
    daysOfMonth: p.daysOfMonth ? [...p.daysOfMonth] : null,
    months: [...p.months],
    daysOfWeek: p.daysOfWeek ? [...p.daysOfWeek] : null,
    dayCounts: p.dayCounts ? { ...p.dayCounts } : null,
    fields: p.fields ? { ...p.fields } : null,
  };
}

/** Parse a TD cron expression or shortcut; throws CronError naming the field and the token. */
export function parseCron(expr: string): ParsedCron {
  if (typeof expr !== "string") throw new CronError("expression", String(expr), "expression: the cron must be a string");
  const cached = parseCache.get(expr);
  if (cached) return cloneParsed(cached);
  const parsed = parseUncached(expr);
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value!);
  parseCache.set(expr, parsed);
  return cloneParsed(parsed);
}

function parseUncached(source: string): ParsedCron {
  if (source === "") {
    return {
      source, expanded: "", never: true, minutes: [], hours: [], daysOfMonth: null, months: [], daysOfWeek: null,
      dayRule: "both-any", ignoredField: null, dayCounts: null, fields: null,
    };
  }
  let expanded = source;
  if (source.startsWith("@")) {
    const shortcut = TD_SHORTCUTS[source.toLowerCase()];
    if (shortcut === undefined) {
      throw new CronError(
        "expression", source,
        `expression: "${source}" is not a known shortcut (use ${Object.keys(TD_SHORTCUTS).join(", ")})`,
      );
    }
    expanded = shortcut;
  }
  const parts = expanded.split(" ");
  if (parts.length !== 5 || parts.some((p) => p === "" || /\s/.test(p))) {
    const count = expanded.trim() === "" ? 0 : expanded.trim().split(/\s+/).length;
    const why = count === 5 ? "extra whitespace" : `${count} field${count === 1 ? "" : "s"}`;
    throw new CronError(
      "expression", source,
      `expression: "${source}": expected 5 fields separated by single spaces (min hour day-of-month month day-of-week), got ${why}`,
    );
  }
  const [minuteText, hourText, domText, monthText, dowText] = parts as [string, string, string, string, string];
  const minutes = parseField(SPECS[0]!, minuteText);
  const hours = parseField(SPECS[1]!, hourText);
  const doms = parseField(SPECS[2]!, domText);
  const months = parseField(SPECS[3]!, monthText);
  const dows = parseField(SPECS[4]!, dowText);

  const domStar = domText === "*";
  const dowStar = dowText === "*";
  let dayRule: DayRule;
  let ignoredField: ParsedCron["ignoredField"] = null;
  let dayCounts: ParsedCron["dayCounts"] = null;
  if (domStar && dowStar) dayRule = "both-any";
  else if (domStar) dayRule = "dow";
  else if (dowStar) dayRule = "dom";
  else {
    // TD rule 2: the more frequent field wins, the other is ignored; a tie goes to day-of-week.
    const table = dowCounts();
    let dayOfMonth = 0;
    let dayOfWeek = 0;
    for (const m of months) {
      for (const d of doms) dayOfMonth += domYears(m, d);
      for (const w of dows) dayOfWeek += table[m]![w]!;
    }
    dayCounts = { dayOfMonth, dayOfWeek };
    dayRule = dayOfMonth > dayOfWeek ? "dom" : "dow";
    ignoredField = dayRule === "dom" ? "day-of-week" : "day-of-month";
  }

  if (dayRule === "dom" && !months.some((m) => doms.some((d) => domYears(m, d) > 0))) {
    const monthWords = months.map((m) => MONTH_NAMES[m - 1]).join(",");
    throw new CronError(
      "day-of-month", domText,
      `day-of-month: "${domText}" never occurs in the selected months (${monthWords}), so this schedule would never run`,
    );
  }

  return {
    source,
    expanded,
    never: false,
    minutes,
    hours,
    daysOfMonth: dayRule === "dom" ? doms : null,
    months,
    daysOfWeek: dayRule === "dow" ? dows : null,
    dayRule,
    ignoredField,
    dayCounts,
    fields: { minute: minuteText, hour: hourText, dayOfMonth: domText, month: monthText, dayOfWeek: dowText },
  };
}

/** parseCron as a value: never throws. */
export function validateCron(expr: string): CronValidation {
  try {
    return { ok: true, cron: parseCron(expr) };
  } catch (error) {
    if (error instanceof CronError) {
      return { ok: false, error: { field: error.field, token: error.token, message: error.message } };
    }
    throw error;
  }
}

// ─── Compiled form for evaluation ────────────────────────────────────────────────────────────────

interface Compiled {
  never: boolean;
  rule: DayRule;
  months: number[];
  monthOk: boolean[]; // index 0..13
  /** next[x] = smallest allowed value ≥ x, or -1; prev[x] = largest allowed ≤ x, or -1. */
  nextMinute: Int8Array;
  prevMinute: Int8Array;
  nextHour: Int8Array;
  prevHour: Int8Array;
  nextDom: Int8Array;
  prevDom: Int8Array;
  dowOk: boolean[];
}

const compiledByObject = new WeakMap<ParsedCron, Compiled>();
const compiledBySource = new Map<string, Compiled>();

function stepTables(values: readonly number[], size: number): { next: Int8Array; prev: Int8Array } {
  const ok = new Array<boolean>(size).fill(false);
  for (const v of values) if (v >= 0 && v < size) ok[v] = true;
  const next = new Int8Array(size + 1).fill(-1);
  const prev = new Int8Array(size + 1).fill(-1);
  for (let x = size - 1; x >= 0; x--) next[x] = ok[x] ? x : next[x + 1]!;
  let last = -1;
  for (let x = 0; x < size; x++) {
    if (ok[x]) last = x;
    prev[x] = last;
  }
  return { next, prev };
}

function compile(p: ParsedCron): Compiled {
  const minute = stepTables(p.minutes, 60);
  const hour = stepTables(p.hours, 24);
  const dom = stepTables(p.dayRule === "dom" ? (p.daysOfMonth ?? []) : [], 32);
  const monthOk = new Array<boolean>(14).fill(false);
  for (const m of p.months) if (m >= 1 && m <= 12) monthOk[m] = true;
  const dowOk = new Array<boolean>(7).fill(false);
  for (const w of p.dayRule === "dow" ? (p.daysOfWeek ?? []) : []) dowOk[w % 7] = true;
  const months = [...p.months].filter((m) => m >= 1 && m <= 12).sort((a, b) => a - b);
  const empty = months.length === 0 || p.minutes.length === 0 || p.hours.length === 0;
  return {
    never: p.never || empty,
    rule: p.dayRule,
    months,
    monthOk,
    nextMinute: minute.next,
    prevMinute: minute.prev,
    nextHour: hour.next,
    prevHour: hour.prev,
    nextDom: dom.next,
    prevDom: dom.prev,
    dowOk,
  };
}

function compiled(cron: ParsedCron | string): Compiled {
  if (typeof cron === "string") {
    let c = compiledBySource.get(cron);
    if (!c) {
      c = compile(parseCron(cron));
      if (compiledBySource.size >= PARSE_CACHE_LIMIT) compiledBySource.delete(compiledBySource.keys().next().value!);
      compiledBySource.set(cron, c);
    }
    return c;
  }
  let c = compiledByObject.get(cron);
  if (!c) {
    c = compile(cron);
    compiledByObject.set(cron, c);
  }
  return c;
}

function clockFor(timeZone: string | undefined): ZoneClock {
  const tz = timeZone ?? "UTC";
  if (!isValidTimeZone(tz)) throw new CronError("timezone", tz, `timezone: "${tz}" is not a known IANA timezone (e.g. UTC, Asia/Seoul)`);
  return zoneClock(tz);
}

function instantOf(date: Date, what: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

// ─── Calendar arithmetic (proleptic Gregorian, "local ms" = wall time encoded as UTC ms) ─────────

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function weekday(y: number, m: number, d: number): number {
  return (((daysFromCivil(y, m, d) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function localMs(y: number, m: number, d: number, h: number, mi: number): number {
  return daysFromCivil(y, m, d) * DAY_MS + h * 3_600_000 + mi * MINUTE_MS;
}

/** Split local ms (whole minutes) into [year, month, day, hour, minute]. */
function splitLocal(ms: number): [number, number, number, number, number] {
  const days = Math.floor(ms / DAY_MS);
  const minuteOfDay = Math.floor((ms - days * DAY_MS) / MINUTE_MS);
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60];
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** First allowed day ≥ d in (y, m), or -1. */
function nextDay(c: Compiled, y: number, m: number, d: number, dim: number): number {
  if (d > dim) return -1;
  if (c.rule === "both-any") return d;
  if (c.rule === "dom") {
    const n = c.nextDom[d]!;
    return n >= 0 && n <= dim ? n : -1;
  }
  let w = weekday(y, m, d);
  for (let day = d; day <= dim; day++, w = (w + 1) % 7) if (c.dowOk[w]) return day;
  return -1;
}

/** Last allowed day ≤ d in (y, m), or -1 (d is already ≤ days in month). */
function prevDay(c: Compiled, y: number, m: number, d: number): number {
  if (d < 1) return -1;
  if (c.rule === "both-any") return d;
  if (c.rule === "dom") return c.prevDom[d]!;
  let w = weekday(y, m, d);
  for (let day = d; day >= 1; day--, w = (w + 6) % 7) if (c.dowOk[w]) return day;
  return -1;
}

/**
 * How far to look before giving up. Every parse-accepted expression fires at least once per 8 years
 * (Feb 29 across a skipped century leap year); the margin covers runs lost to DST gaps.
 */
const MAX_SEARCH_YEARS = 30;

function searchForward(c: Compiled, clock: ZoneClock, afterMs: number): number | null {
  // Candidates are wall-clock minutes after the wall time of `after`; local order = instant order
  // (first occurrences only), so the first candidate whose instant is > after is the answer.
  let [y, mo, d, h, mi] = splitLocal(floorMinute(afterMs + clock.offsetAt(afterMs)) + MINUTE_MS);
  const lastYear = y + MAX_SEARCH_YEARS;
  while (y <= lastYear) {
    if (!c.monthOk[mo]) {
      let m = mo + 1;
      while (m <= 12 && !c.monthOk[m]) m++;
      if (m > 12) {
        y++;
        m = c.months[0]!;
      }
      mo = m;
      d = 1; h = 0; mi = 0;
      continue;
    }
    const nd = nextDay(c, y, mo, d, daysInMonth(y, mo));
    if (nd < 0) {
      if (++mo > 12) { mo = 1; y++; }
      d = 1; h = 0; mi = 0;
      continue;
    }
    if (nd !== d) { d = nd; h = 0; mi = 0; }
    const nh = c.nextHour[h]!;
    if (nh < 0) { d++; h = 0; mi = 0; continue; }
    if (nh !== h) { h = nh; mi = 0; }
    const nm = c.nextMinute[mi]!;
    if (nm < 0) { h++; mi = 0; continue; }
    mi = nm;
    const at = clock.firstInstant(localMs(y, mo, d, h, mi));
    // null: skipped by a spring-forward gap. ≤ after: a first occurrence already past (after is in the
    // second pass of a fall-back overlap).
    if (at !== null && at > afterMs) return at;
    mi++;
  }
  return null;
}

function searchBackward(c: Compiled, clock: ZoneClock, beforeMs: number): number | null {
  // If `before` lies in the second pass of a fall-back overlap, first occurrences of wall times later
  // than its wall clock are still earlier instants: start from the wall time under the earlier offset.
  const wall = floorMinute(beforeMs + clock.offsetAt(beforeMs));
  const occurrences = clock.instantsAt(wall);
  const offset = occurrences.length > 0 ? wall - occurrences[0]! : clock.offsetAt(beforeMs);
  let [y, mo, d, h, mi] = splitLocal(floorMinute(beforeMs + offset));
  const firstYear = y - MAX_SEARCH_YEARS;
  while (y >= firstYear) {
    if (!c.monthOk[mo]) {
      let m = mo - 1;
      while (m >= 1 && !c.monthOk[m]) m--;
      if (m < 1) {
        y--;
        m = c.months[c.months.length - 1]!;
      }
      mo = m;
      d = 31; h = 23; mi = 59;
      continue;
    }
    const dim = daysInMonth(y, mo);
    if (d > dim) { d = dim; h = 23; mi = 59; }
    const pd = prevDay(c, y, mo, d);
    if (pd < 0) {
      if (--mo < 1) { mo = 12; y--; }
      d = 31; h = 23; mi = 59;
      continue;
    }
    if (pd !== d) { d = pd; h = 23; mi = 59; }
    const ph = h < 0 ? -1 : c.prevHour[h]!;
    if (ph < 0) { d--; h = 23; mi = 59; continue; }
    if (ph !== h) { h = ph; mi = 59; }
    const pm = mi < 0 ? -1 : c.prevMinute[mi]!;
    if (pm < 0) { h--; mi = 59; continue; }
    mi = pm;
    const at = clock.firstInstant(localMs(y, mo, d, h, mi));
    if (at !== null && at < beforeMs) return at;
    mi--;
  }
  return null;
}

// ─── Evaluation API ──────────────────────────────────────────────────────────────────────────────

/** The first run strictly after `after`, or null (never-expression, or nothing within 30 years). */
export function nextRun(cron: ParsedCron | string, after: Date, timeZone?: string): Date | null {
  const c = compiled(cron);
  const clock = clockFor(timeZone);
  const afterMs = instantOf(after, "after");
  if (c.never) return null;
  const at = searchForward(c, clock, afterMs);
  return at === null ? null : new Date(at);
}

/** The last run strictly before `before`, or null. */
export function previousRun(cron: ParsedCron | string, before: Date, timeZone?: string): Date | null {
  const c = compiled(cron);
  const clock = clockFor(timeZone);
  const beforeMs = instantOf(before, "before");
  if (c.never) return null;
  const at = searchBackward(c, clock, beforeMs);
  return at === null ? null : new Date(at);
}

/** The next `count` runs after `after`, ascending (fewer if the schedule stops). */
export function nextRuns(cron: ParsedCron | string, after: Date, count: number, timeZone?: string): Date[] {
  const c = compiled(cron);
  const clock = clockFor(timeZone);
  let at: number | null = instantOf(after, "after");
  if (!Number.isFinite(count)) throw new RangeError("count must be a finite number");
  const out: Date[] = [];
  if (c.never || count < 1) return out;
  const n = Math.floor(count);
  while (out.length < n) {
    at = searchForward(c, clock, at);
    if (at === null) break;
    out.push(new Date(at));
  }
  return out;
}

// ─── Words ───────────────────────────────────────────────────────────────────────────────────────

/**
 * The phrases describeCron assembles, kept small so a translation only has to supply this object.
 * Lists arrive already joined (`list`), times already formatted (`time`, `minuteMark`).
 */
export interface CronWords {
  never: string;
  list: (items: string[]) => string;
  /** A long evenly spaced run, shortened: first, second, …, last. */
  progression: (first: string, second: string, last: string) => string;
  through: (from: string, to: string) => string;
  time: (hour: number, minute: number) => string;
  minuteMark: (minute: number) => string;
  hourSpan: (fromHour: number, toHour: number) => string;
  everyMinute: string;
  everyNMinutes: (n: number) => string;
  atMinutes: (marks: string) => string;
  everyHourAt: (marks: string) => string;
  at: (times: string) => string;
  everyNHoursNote: (n: number) => string;
  everyHourFromTo: (from: string, to: string) => string;
  during: (what: string, spans: string) => string;
  weekdays: readonly string[]; // Sunday first
  months: readonly string[]; // January first
  day: (d: string) => string;
  days: (ds: string) => string;
  everyMonth: string;
  /** "at 00:00" + "every day" → "every day at 00:00". */
  everyDayAt: (time: string) => string;
  everyDayInAt: (months: string, time: string) => string;
  repeatingIn: (time: string, months: string) => string;
  everyWeekdayAt: (weekdays: string, time: string) => string;
  everyWeekdayInAt: (weekdays: string, months: string, time: string) => string;
  repeatingOn: (time: string, weekdays: string) => string;
  repeatingOnIn: (time: string, weekdays: string, months: string) => string;
  onDaysOf: (time: string, days: string, months: string) => string;
  ignored: (field: "day-of-month" | "day-of-week", token: string, winner: "day-of-month" | "day-of-week") => string;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

export const CRON_WORDS_EN: CronWords = {
  never: "never (no schedule)",
  list: (items) =>
    items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`,
  progression: (first, second, last) => `${first}, ${second}, …, ${last}`,
  through: (from, to) => `${from} through ${to}`,
  time: (h, m) => `${pad2(h)}:${pad2(m)}`,
  minuteMark: (m) => `:${pad2(m)}`,
  hourSpan: (from, to) => `${pad2(from)}:00–${pad2(to)}:59`,
  everyMinute: "every minute",
  everyNMinutes: (n) => `every ${n} minutes`,
  atMinutes: (marks) => `at ${marks}`,
  everyHourAt: (marks) => `every hour at ${marks}`,
  at: (times) => `at ${times}`,
  everyNHoursNote: (n) => `(every ${n} hours)`,
  everyHourFromTo: (from, to) => `every hour from ${from} to ${to}`,
  during: (what, spans) => `${what} during ${spans}`,
  weekdays: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
  months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  day: (d) => `day ${d}`,
  days: (ds) => `days ${ds}`,
  everyMonth: "every month",
  everyDayAt: (time) => `every day ${time}`,
  everyDayInAt: (months, time) => `every day in ${months} ${time}`,
  repeatingIn: (time, months) => `${time} in ${months}`,
  everyWeekdayAt: (weekdays, time) => `every ${weekdays} ${time}`,
  everyWeekdayInAt: (weekdays, months, time) => `every ${weekdays} in ${months} ${time}`,
  repeatingOn: (time, weekdays) => `${time} on ${weekdays}`,
  repeatingOnIn: (time, weekdays, months) => `${time} on ${weekdays} in ${months}`,
  onDaysOf: (time, days, months) => `${time} on ${days} of ${months}`,
  ignored: (field, token, winner) => `(${field} ${token} is ignored: ${winner} runs more often)`,
};

/** Step of an evenly spaced list (≥ 3 values), or 0. */
function evenStep(values: readonly number[]): number {
  if (values.length < 3) return 0;
  const step = values[1]! - values[0]!;
  for (let i = 2; i < values.length; i++) if (values[i]! - values[i - 1]! !== step) return 0;
  return step;
}

/** Join labels; an evenly spaced run longer than five is shortened to "a, b, …, z". */
function joinValues(w: CronWords, values: readonly number[], label: (v: number) => string): string {
  if (values.length > 5 && evenStep(values) > 0) {
    return w.progression(label(values[0]!), label(values[1]!), label(values[values.length - 1]!));
  }
  return w.list(values.map(label));
}

/** Contiguous runs [from, to] of sorted values. */
function runs(values: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else out.push([v, v]);
  }
  return out;
}

/** Runs of three or more read "a through b"; shorter ones are listed. */
function joinRuns(w: CronWords, values: readonly number[], label: (v: number) => string): string {
  const rs = runs(values);
  if (rs.length === 1 && values.length >= 3) return w.through(label(rs[0]![0]), label(rs[0]![1]));
  if (values.length > 5 && evenStep(values) > 0) return joinValues(w, values, label);
  const parts: string[] = [];
  for (const [a, b] of rs) {
    if (b - a >= 2) parts.push(w.through(label(a), label(b)));
    else for (let v = a; v <= b; v++) parts.push(label(v));
  }
  return w.list(parts);
}

interface TimePhrase {
  text: string;
  /** Starts with "every …" ("every hour at :00") rather than naming clock times ("at 00:00"). */
  repeating: boolean;
}

function describeTime(w: CronWords, minutes: readonly number[], hours: readonly number[]): TimePhrase {
  const allMinutes = minutes.length === 60;
  const allHours = hours.length === 24;
  const minuteStep = minutes[0] === 0 && minutes.length > 1 && evenStep([...minutes, 60]) > 0 ? minutes[1]! : 0;
  const minutePhrase = allMinutes
    ? w.everyMinute
    : minuteStep > 0
      ? w.everyNMinutes(minuteStep)
      : w.atMinutes(joinValues(w, minutes, w.minuteMark));
  if (allHours) {
    if (allMinutes || minuteStep > 0) return { text: minutePhrase, repeating: true };
    return { text: w.everyHourAt(joinValues(w, minutes, w.minuteMark)), repeating: true };
  }
  if (minutes.length * hours.length <= 6) {
    const times: string[] = [];
    for (const h of hours) for (const m of minutes) times.push(w.time(h, m));
    return { text: w.at(w.list(times)), repeating: false };
  }
  if (minutes.length === 1) {
    const m = minutes[0]!;
    const hourStep = evenStep(hours);
    if (hourStep === 1) {
      return { text: w.everyHourFromTo(w.time(hours[0]!, m), w.time(hours[hours.length - 1]!, m)), repeating: true };
    }
    const times = joinValues(w, hours, (h) => w.time(h, m));
    return { text: hourStep > 1 ? `${w.at(times)} ${w.everyNHoursNote(hourStep)}` : w.at(times), repeating: false };
  }
  const spans = w.list(runs(hours).map(([a, b]) => w.hourSpan(a, b)));
  return { text: w.during(minutePhrase, spans), repeating: true };
}

/**
 * The expression in English words, e.g. "every Monday at 00:00", "every hour at :00",
 * "at 00:00 on day 1 of every month". Throws CronError for an invalid expression.
 * Pass another CronWords to translate.
 */
export function describeCron(expr: string, words: CronWords = CRON_WORDS_EN): string {
  const w = words;
  const p = parseCron(expr);
  if (p.never) return w.never;
  const time = describeTime(w, p.minutes, p.hours);
  const allMonths = p.months.length === 12;
  const monthText = allMonths ? w.everyMonth : joinRuns(w, p.months, (m) => w.months[m - 1]!);
  let sentence: string;
  if (p.dayRule === "dom") {
    const doms = p.daysOfMonth ?? [];
    const days = doms.length === 1 ? w.day(String(doms[0])) : w.days(joinRuns(w, doms, String));
    sentence = w.onDaysOf(time.text, days, monthText);
  } else {
    // Monday-first, so `fri-sun` reads "Friday through Sunday".
    const dows = p.dayRule === "dow" ? (p.daysOfWeek ?? []) : [];
    const everyDay = dows.length === 0 || dows.length === 7;
    if (everyDay) {
      if (time.repeating) sentence = allMonths ? time.text : w.repeatingIn(time.text, monthText);
      else sentence = allMonths ? w.everyDayAt(time.text) : w.everyDayInAt(monthText, time.text);
    } else {
      const iso = dows.map((d) => (d === 0 ? 7 : d)).sort((a, b) => a - b);
      const names = joinRuns(w, iso, (d) => w.weekdays[d % 7]!);
      if (time.repeating) sentence = allMonths ? w.repeatingOn(time.text, names) : w.repeatingOnIn(time.text, names, monthText);
      else sentence = allMonths ? w.everyWeekdayAt(names, time.text) : w.everyWeekdayInAt(names, monthText, time.text);
    }
  }
  if (p.ignoredField && p.fields) {
    const token = p.ignoredField === "day-of-month" ? p.fields.dayOfMonth : p.fields.dayOfWeek;
    const winner = p.ignoredField === "day-of-month" ? "day-of-week" : "day-of-month";
    sentence = `${sentence} ${w.ignored(p.ignoredField, token, winner)}`;
  }
  return sentence;
}
