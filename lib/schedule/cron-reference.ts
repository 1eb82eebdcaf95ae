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

function dayMatches(c: RefCron, dayNumber: number): boolean {
  const d = new Date(dayNumber * DAY);
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  if (c.rule === "dom") return c.doms.has(d.getUTCDate());
  if (c.rule === "dow") return c.dows.has(d.getUTCDay());
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
 * Per zone and 6-hour UTC block: the offset if the block starts and ends with the same one (no zone
 * changes offset twice within 6 hours), else NaN and the caller asks Intl minute by minute.
 */
const BLOCK = 6 * HOUR;
const points = new Map<string, Map<number, number>>();
const blocks = new Map<string, Map<number, number>>();
function pointOffset(zone: string, ts: number): number {
  let m = points.get(zone);
  if (!m) points.set(zone, (m = new Map()));
  let v = m.get(ts);
  if (v === undefined) m.set(ts, (v = exactOffset(zone, ts)));
  return v;
}
function blockOffset(zone: string, block: number): number {
  let m = blocks.get(zone);
  if (!m) blocks.set(zone, (m = new Map()));
  let v = m.get(block);
  if (v === undefined) {
    const a = pointOffset(zone, block * BLOCK);
    const b = pointOffset(zone, (block + 1) * BLOCK);
    v = a === b ? a : Number.NaN;
    m.set(block, v);
  }
  return v;
}

export function refOffset(zone: string, ts: number): number {
  if (zone === "UTC") return 0;
  const v = blockOffset(zone, Math.floor(ts / BLOCK));
  return Number.isNaN(v) ? exactOffset(zone, ts) : v;
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
    const constant = zone === "UTC" ? 0 : blockOffset(zone, blockTs / BLOCK);
    for (let ts = blockTs; ts < blockTs + BLOCK; ts += MINUTE) {
      const wall = ts + (Number.isNaN(constant) ? exactOffset(zone, ts) : constant);
      if (wall <= maxWall) continue;
      maxWall = wall;
      if (wall < dayStart || wall >= dayEnd) continue;
      if (table[Math.floor((wall - dayStart) / MINUTE)] === 1 && visit(ts)) return;
    }
  }
}

export type RefResult = { at: number } | { at: null; searchedTo: number };

/** First fire strictly after `after`, looking `horizonDays` local days ahead. */
export function refNext(c: RefCron, zone: string, after: number, horizonDays: number): RefResult {
  if (c.never) return { at: null, searchedTo: Number.POSITIVE_INFINITY };
  const first = Math.floor((after + refOffset(zone, after)) / DAY) - 1;
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
