/**
 * IANA timezones for schedules: validation, the list the UI offers, and a fast wall-clock ↔ instant
 * mapping used by the cron evaluator. Offsets come from Intl (the tz database shipped with the
 * runtime, the same source luxon uses); nothing here hand-writes an offset.
 *
 * Pure: no I/O. Safe to import from client components (luxon runs in the browser too).
 */
import { IANAZone } from "luxon";

const HOUR = 3_600_000;
const DAY = 86_400_000;

const validity = new Map<string, boolean>();

/** True when `tz` names a timezone the runtime's tz database knows ("Asia/Seoul", "UTC", "Etc/GMT+9"). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== "string" || tz === "" || tz.trim() !== tz) return false;
  let ok = validity.get(tz);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(tz);
    if (validity.size > 1000) validity.clear();
    validity.set(tz, ok);
  }
  return ok;
}

/** The canonical spelling of a valid zone ("asia/seoul" → "Asia/Seoul"), or null when unknown. */
export function canonicalTimeZone(tz: string): string | null {
  if (!isValidTimeZone(tz)) return null;
  return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
}

/** Every zone the runtime knows, "UTC" first: the schedule form's timezone list. */
export function listTimeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...all.filter((z) => z !== "UTC")];
}

/** Offsets of one UTC day [k·DAY, (k+1)·DAY): at its start, at its end, and the instant it changes. */
interface DayOffsets {
  start: number; // ms
  end: number; // ms
  /** First instant carrying `end` when start ≠ end; NaN otherwise. */
  change: number;
}

/**
 * Wall-clock arithmetic in one zone. Offsets are cached per UTC day; a day whose start and end offsets
 * differ gets its change instant found by bisection (once). Assumes a zone changes offset at most once
 * per UTC day, which holds for every transition in the tz database since 1970 that we schedule against.
 */
export class ZoneClock {
  readonly name: string;
  /** Formats only the zone's offset ("GMT+09:00"); null for UTC, by far the common case. */
  private readonly zone: Intl.DateTimeFormat | null;
  private readonly boundary = new Map<number, number>();
  private readonly days = new Map<number, DayOffsets>();

  constructor(name: string) {
    this.name = name;
    // Intl's "longOffset" is ~7× faster than the formatToParts route luxon's IANAZone.offset takes.
    this.zone =
      name === "UTC" || name === "Etc/UTC"
        ? null
        : new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset", year: "numeric" });
  }

  /** The zone's offset at `ts` in ms, straight from the runtime's tz database. */
  private ask(ts: number): number {
    const text = this.zone!.format(new Date(ts));
    const m = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(text);
    if (!m) throw new Error(`unexpected offset format from Intl: ${text}`);
    if (!m[1]) return 0;
    const ms = (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
    return m[1] === "-" ? -ms : ms;
  }

  /** Offset (ms, local − UTC) in effect at instant `ts`. */
  offsetAt(ts: number): number {
    if (this.zone === null) return 0;
    const info = this.day(Math.floor(ts / DAY));
    if (info.start === info.end) return info.start;
    return ts < info.change ? info.start : info.end;
  }

  /**
   * The instants whose wall clock reads `local` (a wall time encoded as if it were UTC ms), ascending:
   * [] inside a spring-forward gap, two entries inside a fall-back overlap, one otherwise.
   */
  instantsAt(local: number): number[] {
    if (this.zone === null) return [local];
    // Real offsets lie within −12h…+14h, so the instant is within [local − 14h, local + 12h].
    const first = Math.floor((local - 15 * HOUR) / DAY);
    const last = Math.floor((local + 15 * HOUR) / DAY);
    const offsets: number[] = [];
    for (let k = first; k <= last; k++) {
      const info = this.day(k);
      if (!offsets.includes(info.start)) offsets.push(info.start);
      if (!offsets.includes(info.end)) offsets.push(info.end);
    }
    if (offsets.length === 1) return [local - offsets[0]!];
    const out: number[] = [];
    for (const off of offsets) {
      const ts = local - off;
      if (this.offsetAt(ts) === off && !out.includes(ts)) out.push(ts);
    }
    return out.sort((a, b) => a - b);
  }

  /** The first instant showing wall time `local`, or null when that wall time is skipped (DST gap). */
  firstInstant(local: number): number | null {
    const all = this.instantsAt(local);
    return all.length === 0 ? null : all[0]!;
  }

  private raw(ts: number): number {
    let off = this.boundary.get(ts);
    if (off === undefined) {
      off = this.ask(ts);
      this.boundary.set(ts, off);
    }
    return off;
  }

  private day(k: number): DayOffsets {
    let info = this.days.get(k);
    if (info) return info;
    const startTs = k * DAY;
    const start = this.raw(startTs);
    const end = this.raw(startTs + DAY);
    let change = Number.NaN;
    if (start !== end) {
      // Bisect on whole seconds (tz transitions happen on second boundaries).
      let lo = startTs / 1000;
      let hi = (startTs + DAY) / 1000;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.ask(mid * 1000) === start) lo = mid;
        else hi = mid;
      }
      change = hi * 1000;
    }
    info = { start, end, change };
    if (this.days.size > 20_000) {
      this.days.clear();
      this.boundary.clear();
    }
    this.days.set(k, info);
    return info;
  }
}

const clocks = new Map<string, ZoneClock>();

/** A cached clock for a zone already checked with isValidTimeZone. */
export function zoneClock(tz: string): ZoneClock {
  let clock = clocks.get(tz);
  if (!clock) {
    clock = new ZoneClock(tz);
    if (clocks.size > 500) clocks.clear();
    clocks.set(tz, clock);
  }
  return clock;
}
