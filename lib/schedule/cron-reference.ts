/**
 * A deliberately naive second implementation of Treasure Data's cron, used only by cron.test.ts to
 * cross-check lib/schedule/cron.ts. It shares no code with it:
 *  - its own tiny parser (sets of values, no validation beyond what the test generator needs);
 *  - the more-frequent rule decided by walking all 146,097 days of a 400-year cycle with Date;
 *  - wall clocks from Intl.DateTimeFormat directly (not luxon), and DST handled by brute force over
 *    *instants*, minute by minute: an instant fires when its wall clock matches and that wall clock
 *    was never shown by an earlier instant (so gaps never fire and overlaps fire once, first).
 * Only days whose date matches are scanned minute by minute, which keeps 10k comparisons fast.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface RefCron {
  never: boolean;
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  doms: Set<number>;
  dows: Set<number>; // 0-6
  domStar: boolean;
  dowStar: boolean;
  /** Which day field applies: "all" (both *), "dom", or "dow". */
  rule: "all" | "dom" | "dow";
  /** Some (month, day-of-month) pair exists in the calendar. */
  domPossible: boolean;
}

const SHORTCUTS: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};
const MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split(" ");
const DOWS = "sun mon tue wed thu fri sat".split(" ");

function num(text: string, names: string[] | null, base: number): number {
  if (/^\d+$/.test(text)) return Number(text);
  const i = names ? names.indexOf(text.toLowerCase()) : -1;
  if (i < 0) throw new Error(`reference: bad value ${text}`);
  return i + base;
}

function field(text: string, lo: number, hi: number, names: string[] | null, base: number, isDow: boolean): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    let m: RegExpMatchArray | null;
    if (item === "*") {
      for (let v = lo; v <= hi; v++) out.add(v);
    } else if ((m = item.match(/^\*\/(\d+)$/))) {
      const n = Number(m[1]);
      for (let v = lo; v <= hi; v++) if (v % n === 0) out.add(v);
    } else if ((m = item.match(/^([a-z0-9]+)-([a-z0-9]+)(?:\/(\d+))?$/i))) {
      const a = num(m[1]!, names, base);
      let b = num(m[2]!, names, base);
      if (isDow && b === 0 && a > 0 && /[a-z]/i.test(m[2]!)) b = 7;
      const step = m[3] ? Number(m[3]) : 1;
      for (let v = a; v <= b; v += step) out.add(v);
    } else {
      out.add(num(item, names, base));
    }
  }
  if (isDow && out.has(7)) {
    out.delete(7);
    out.add(0);
  }
  return out;
}

/**
 * Day counts over one 400-year cycle, by walking all 146,097 of its days with Date once:
 * byMonthDom[m][d] and byMonthDow[m][w].
 */
let cycle: { byMonthDom: number[][]; byMonthDow: number[][] } | null = null;
function cycleCounts() {
  if (cycle) return cycle;
  const byMonthDom = Array.from({ length: 13 }, () => new Array<number>(32).fill(0));
  const byMonthDow = Array.from({ length: 13 }, () => new Array<number>(7).fill(0));
  const start = Date.UTC(2000, 0, 1);
  for (let i = 0; i < 146_097; i++) {
    const d = new Date(start + i * DAY);
    const m = d.getUTCMonth() + 1;
    byMonthDom[m]![d.getUTCDate()]!++;
    byMonthDow[m]![d.getUTCDay()]!++;
  }
  cycle = { byMonthDom, byMonthDow };
  return cycle;
}

export function refParse(expr: string): RefCron {
  if (expr === "") {
    const empty = new Set<number>();
    return { never: true, minutes: empty, hours: empty, months: empty, doms: empty, dows: empty, domStar: true, dowStar: true, rule: "all", domPossible: true };
  }
  const text = SHORTCUTS[expr.toLowerCase()] ?? expr;
  const [mi, h, dom, mo, dow] = text.split(" ") as [string, string, string, string, string];
  const c: RefCron = {
    never: false,
    minutes: field(mi, 0, 59, null, 0, false),
    hours: field(h, 0, 23, null, 0, false),
    doms: field(dom, 1, 31, null, 0, false),
    months: field(mo, 1, 12, MONTHS, 1, false),
    dows: field(dow, 0, 6, DOWS, 0, true),
    domStar: dom === "*",
    dowStar: dow === "*",
    rule: "all",
    domPossible: false,
  };
  const counts = cycleCounts();
  let domCount = 0;
  let dowCount = 0;
  for (const m of c.months) {
    for (const d of c.doms) domCount += counts.byMonthDom[m]![d]!;
    for (const w of c.dows) dowCount += counts.byMonthDow[m]![w]!;
  }
  c.domPossible = domCount > 0;
  if (c.domStar && c.dowStar) c.rule = "all";
  else if (c.domStar) c.rule = "dow";
  else if (c.dowStar) c.rule = "dom";
  else c.rule = domCount > dowCount ? "dom" : "dow";
  return c;
}

/** Calendar fields of day numbers 1990-01-01 … 2069-12-31, read off Date once. */
const TABLE_FIRST = Date.UTC(1990, 0, 1) / DAY;
const TABLE_DAYS = Date.UTC(2070, 0, 1) / DAY - TABLE_FIRST;
let dayTable: { month: Uint8Array; dom: Uint8Array; dow: Uint8Array } | null = null;
function dayFields(dayNumber: number): [number, number, number] {
  const i = dayNumber - TABLE_FIRST;
  if (i < 0 || i >= TABLE_DAYS) {
    const d = new Date(dayNumber * DAY);
    return [d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCDay()];
  }
  if (!dayTable) {
    const month = new Uint8Array(TABLE_DAYS);
    const dom = new Uint8Array(TABLE_DAYS);
    const dow = new Uint8Array(TABLE_DAYS);
    for (let k = 0; k < TABLE_DAYS; k++) {
      const d = new Date((TABLE_FIRST + k) * DAY);
      month[k] = d.getUTCMonth() + 1;
      dom[k] = d.getUTCDate();
      dow[k] = d.getUTCDay();
    }
    dayTable = { month, dom, dow };
  }
  return [dayTable.month[i]!, dayTable.dom[i]!, dayTable.dow[i]!];
}

function dayMatches(c: RefCron, dayNumber: number): boolean {
  const [month, dom, dow] = dayFields(dayNumber);
  if (!c.months.has(month)) return false;
  if (c.rule === "dom") return c.doms.has(dom);
  if (c.rule === "dow") return c.dows.has(dow);
  return true;
}

// ─── Offsets straight from Intl ──────────────────────────────────────────────────────────────────

const formats = new Map<string, Intl.DateTimeFormat>();
function exactOffset(zone: string, ts: number): number {
  if (zone === "UTC") return 0;
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    formats.set(zone, f);
  }
  // "11/14/2023, 17:13:20" (years here are all AD)
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(f.format(new Date(ts)));
  if (!m) throw new Error(`reference: unexpected date format for ${zone}`);
  const asUtc = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]) % 24, Number(m[5]), Number(m[6]));
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * Per zone and 6-hour UTC block: the offset at its start, at its end, and (when they differ) the
 * first minute showing the new one, found by bisection (transitions fall on whole minutes, and no
 * zone changes offset twice within 6 hours).
 */
const BLOCK = 6 * HOUR;
interface Block {
  start: number;
  end: number;
  change: number;
}
const blocks = new Map<string, Map<number, Block>>();
function block(zone: string, index: number): Block {
  let m = blocks.get(zone);
  if (!m) blocks.set(zone, (m = new Map()));
  let v = m.get(index);
  if (v === undefined) {
    const from = index * BLOCK;
    const start = exactOffset(zone, from);
    const end = exactOffset(zone, from + BLOCK);
    let change = Number.POSITIVE_INFINITY;
    if (start !== end) {
      let lo = from; // shows `start`
      let hi = from + BLOCK; // shows `end`
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(MINUTE, Math.floor((hi - lo) / 2 / MINUTE) * MINUTE);
        if (exactOffset(zone, mid) === start) lo = mid;
        else hi = mid;
      }
      change = hi;
    }
    m.set(index, (v = { start, end, change }));
  }
  return v;
}

export function refOffset(zone: string, ts: number): number {
  if (zone === "UTC") return 0;
  const b = block(zone, Math.floor(ts / BLOCK));
  return ts < b.change ? b.start : b.end;
}

/** wall minute-of-day → fires? (hours × minutes), built once per parsed reference cron. */
const timeTables = new WeakMap<RefCron, Uint8Array>();
function timeTable(c: RefCron): Uint8Array {
  let t = timeTables.get(c);
  if (!t) {
    t = new Uint8Array(1440);
    for (const h of c.hours) for (const m of c.minutes) t[h * 60 + m] = 1;
    timeTables.set(c, t);
  }
  return t;
}

/**
 * Visit, in order, the fire instants whose wall clock falls on local day `dayNumber`; stop when
 * `visit` returns true. Walks instants minute by minute from well before the day, so `maxWall` has
 * seen every wall time shown earlier: a wall time at or below it is a repeat (fall-back overlap).
 */
function scanDay(c: RefCron, zone: string, dayNumber: number, visit: (ts: number) => boolean): void {
  const table = timeTable(c);
  const dayStart = dayNumber * DAY;
  const dayEnd = dayStart + DAY;
  let maxWall = Number.NEGATIVE_INFINITY;
  // Instants showing this day lie within [dayStart − 14h, dayEnd + 12h).
  for (let blockTs = dayStart - 4 * BLOCK; blockTs < dayEnd + 3 * BLOCK; blockTs += BLOCK) {
    const b = zone === "UTC" ? { start: 0, end: 0, change: Number.POSITIVE_INFINITY } : block(zone, blockTs / BLOCK);
    if (b.start === b.end && blockTs + BLOCK - MINUTE + b.start < dayStart) {
      // Constant offset: walls rise minute by minute and all of them are before the day.
      maxWall = Math.max(maxWall, blockTs + BLOCK - MINUTE + b.start);
      continue;
    }
    for (let ts = blockTs; ts < blockTs + BLOCK; ts += MINUTE) {
      const wall = ts + (ts < b.change ? b.start : b.end);
      if (wall <= maxWall) continue;
      maxWall = wall;
      // Past the day: any later wall time on it would be a repeat, so nothing more can fire.
      if (wall >= dayEnd) return;
      if (wall < dayStart) continue;
      if (table[Math.floor((wall - dayStart) / MINUTE)] === 1 && visit(ts)) return;
    }
  }
}

export type RefResult = { at: number } | { at: null; searchedTo: number };

/** First fire strictly after `after`, looking `horizonDays` local days ahead. */
export function refNext(c: RefCron, zone: string, after: number, horizonDays: number): RefResult {
  if (c.never) return { at: null, searchedTo: Number.POSITIVE_INFINITY };
  // A fire after `after` shows a wall time above every one shown so far, so it is on or after
  // the day `after` shows.
  const first = Math.floor((after + refOffset(zone, after)) / DAY);
  for (let dn = first; dn <= first + horizonDays; dn++) {
    if (!dayMatches(c, dn)) continue;
    let found: number | null = null;
    scanDay(c, zone, dn, (ts) => {
      if (ts <= after) return false;
      found = ts;
      return true;
    });
    if (found !== null) return { at: found };
  }
  // Every instant before this shows a wall date ≤ the last day scanned (offsets are ≥ −12h… ≤ +14h).
  return { at: null, searchedTo: (first + horizonDays + 1) * DAY - 14 * HOUR };
}

/** Last fire strictly before `before`, looking `horizonDays` local days back. */
export function refPrevious(c: RefCron, zone: string, before: number, horizonDays: number): RefResult {
  if (c.never) return { at: null, searchedTo: Number.NEGATIVE_INFINITY };
  // A fire before `before` may show a later wall time than `before` does (first pass of an
  // overlap), but never a later day than the next one.
  const first = Math.floor((before + refOffset(zone, before)) / DAY) + 1;
  for (let dn = first; dn >= first - horizonDays; dn--) {
    if (!dayMatches(c, dn)) continue;
    let found: number | null = null;
    scanDay(c, zone, dn, (ts) => {
      if (ts >= before) return true;
      found = ts;
      return false;
    });
    if (found !== null) return { at: found };
  }
  return { at: null, searchedTo: (first - horizonDays) * DAY + 14 * HOUR };
}

/** Instants (UTC ms) in [from, to] where the zone's offset changes, to aim start times at DST edges. */
export function refTransitions(zone: string, from: number, to: number): number[] {
  const out: number[] = [];
  const step = 7 * DAY;
  let prev = exactOffset(zone, from);
  for (let t = from + step; t <= to; t += step) {
    const cur = exactOffset(zone, t);
    if (cur !== prev) {
      let lo = t - step;
      let hi = t;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(MINUTE, Math.floor((hi - lo) / 2 / MINUTE) * MINUTE);
        if (exactOffset(zone, mid) === prev) lo = mid;
        else hi = mid;
      }
      out.push(hi);
      prev = cur;
    }
  }
  return out;
}

// ─── Random expressions for the comparison ───────────────────────────────────────────────────────

/** Seeded PRNG (mulberry32), so the randomized comparison is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenSpec {
  min: number;
  max: number; // largest distinct value
  names?: string[];
  base?: number;
  dow?: boolean;
}
const G_MINUTE: GenSpec = { min: 0, max: 59 };
const G_HOUR: GenSpec = { min: 0, max: 23 };
const G_DOM: GenSpec = { min: 1, max: 31 };
const G_MONTH: GenSpec = { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], base: 1 };
const G_DOW: GenSpec = { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], base: 0, dow: true };

/** Random valid TD cron expressions (and some that can never fire), drawn from `rng`. */
export function makeGenerator(rng: () => number) {
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const randomCase = (s: string): string => [...s].map((ch) => (rng() < 0.5 ? ch.toUpperCase() : ch)).join("");
  const value = (spec: GenSpec, v: number, single = false): string => {
    if (spec.names && rng() < 0.3) return randomCase(spec.names[v - (spec.base ?? 0)]!);
    if (spec.dow && single && v === 0 && rng() < 0.3) return "7";
    return String(v);
  };
  const item = (spec: GenSpec): string => {
    const r = rng();
    if (r < 0.4) return value(spec, int(spec.min, spec.max), true);
    if (r < 0.65) {
      const a = int(spec.min, spec.max);
      return `${value(spec, a)}-${value(spec, int(a, spec.max))}`;
    }
    if (r < 0.8) {
      // Day-of-month and month have no 0, so a step past their max would select nothing.
      const maxStep = spec.min === 1 ? spec.max : spec.max + 10;
      return `*/${int(1, maxStep)}`;
    }
    const a = int(spec.min, spec.max);
    const b = int(a, spec.max);
    return `${a}-${b}/${int(1, Math.max(1, b - a + 2))}`;
  };
  const fieldText = (spec: GenSpec, starChance: number): string => {
    if (rng() < starChance) return "*";
    const n = rng() < 0.7 ? 1 : int(2, 4);
    return Array.from({ length: n }, () => item(spec)).join(",");
  };
  return (): string => {
    const r = rng();
    if (r < 0.03) return pick(Object.keys(SHORTCUTS));
    if (r < 0.13) {
      // Sparse and impossible day/month combinations.
      const dom = pick(["29", "30", "31", "29-31", "30,31", "31", "28-31/2"]);
      const month = pick(["2", "feb", "4", "4,6", "6,9,11", "2,4", "*"]);
      const dow = rng() < 0.5 ? "*" : fieldText(G_DOW, 0);
      return `${fieldText(G_MINUTE, 0.2)} ${fieldText(G_HOUR, 0.3)} ${dom} ${month} ${dow}`;
    }
    return [
      fieldText(G_MINUTE, 0.25),
      fieldText(G_HOUR, 0.4),
      fieldText(G_DOM, 0.55),
      fieldText(G_MONTH, 0.7),
      fieldText(G_DOW, 0.55),
    ].join(" ");
  };
}
