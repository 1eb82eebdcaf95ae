/**
 * digdag's `schedule:` operators, evaluated in the workflow's `timezone:`. Pure (no I/O).
 *
 * Like digdag, `hourly>`, `daily>`, `weekly>` and `monthly>` are a cron slot plus a delay: the
 * session time is the start of the hour/day (daily> 07:00:00 → session_time 00:00 of the day, run
 * at 07:00), so `${session_date}` names the day the run is for. `minutes_interval>` and `cron>` run
 * at their session time.
 *
 * `cron>` is digdag's own cron, which differs from Treasure Data's saved-query cron
 * (lib/schedule/cron.ts): digdag ANDs every field, so `0 0 1 * 1` runs only on a 1st that is a
 * Monday; Treasure Data lets "the more frequent" of day-of-month and day-of-week win (every Monday).
 */
import { DateTime, IANAZone } from "luxon";

export type ScheduleSpec =
  | { kind: "hourly"; minute: number; second: number }
  | { kind: "daily"; hour: number; minute: number; second: number }
  | { kind: "weekly"; weekday: number; hour: number; minute: number; second: number }
  | { kind: "monthly"; day: number; hour: number; minute: number; second: number }
  | { kind: "minutes_interval"; minutes: number }
  | { kind: "cron"; expression: string; fields: CronFields };

export interface CronFields {
  minute: Set<number>;
  hour: Set<number>;
  day: Set<number>;
  month: Set<number>;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: Set<number>;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleError";
  }
}

export const SCHEDULE_OPERATORS = ["hourly>", "daily>", "weekly>", "monthly>", "minutes_interval>", "cron>"] as const;

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function clock(text: string, parts: 2 | 3, what: string): number[] {
  const pattern = parts === 3 ? /^(\d{1,2}):(\d{2}):(\d{2})$/ : /^(\d{1,2}):(\d{2})$/;
  const match = pattern.exec(text.trim());
  if (!match) throw new ScheduleError(`${what}: expected ${parts === 3 ? "HH:MM:SS" : "MM:SS"}, got "${text}"`);
  const numbers = match.slice(1).map(Number);
  const limits = parts === 3 ? [23, 59, 59] : [59, 59];
  numbers.forEach((n, i) => {
    if (n > limits[i]!) throw new ScheduleError(`${what}: "${text}" is not a valid time`);
  });
  return numbers;
}

function weekdayOf(text: string, what: string): number {
  const key = text.trim().toLowerCase().slice(0, 3);
  const index = WEEKDAYS.indexOf(key);
  const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  if (index < 0 || !(text.trim().length === 3 || full[index] === text.trim().toLowerCase())) throw new ScheduleError(`${what}: "${text}" is not a day of the week (Sun, Mon, …)`);
  return index;
}

/** Parse one schedule operator and its value (the `schedule:` map's single entry). */
export function parseSchedule(operator: string, value: unknown): ScheduleSpec {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : null;
  if (text === null) throw new ScheduleError(`${operator}: expected a text value`);
  switch (operator) {
    case "hourly>": {
      const [minute, second] = clock(text, 2, operator);
      return { kind: "hourly", minute: minute!, second: second! };
    }
    case "daily>": {
      const [hour, minute, second] = clock(text, 3, operator);
      return { kind: "daily", hour: hour!, minute: minute!, second: second! };
    }
    case "weekly>": {
      const [day, time, ...rest] = text.split(",");
      if (!day || time === undefined || rest.length) throw new ScheduleError(`${operator}: expected "DDD,HH:MM:SS" (e.g. Sun,09:00:00), got "${text}"`);
      const [hour, minute, second] = clock(time, 3, operator);
      return { kind: "weekly", weekday: weekdayOf(day, operator), hour: hour!, minute: minute!, second: second! };
    }
    case "monthly>": {
      const [day, time, ...rest] = text.split(",");
      if (!day || time === undefined || rest.length || !/^\d{1,2}$/.test(day.trim())) throw new ScheduleError(`${operator}: expected "D,HH:MM:SS" (e.g. 1,09:00:00), got "${text}"`);
      const d = Number(day.trim());
      if (d < 1 || d > 31) throw new ScheduleError(`${operator}: day ${d} is not between 1 and 31`);
      const [hour, minute, second] = clock(time, 3, operator);
      return { kind: "monthly", day: d, hour: hour!, minute: minute!, second: second! };
    }
    case "minutes_interval>": {
      if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 1440) throw new ScheduleError(`${operator}: expected a number of minutes from 1 to 1440, got "${text}"`);
      return { kind: "minutes_interval", minutes: Number(text) };
    }
    case "cron>":
      return { kind: "cron", expression: text.trim(), fields: parseCron(text) };
    default:
      throw new ScheduleError(`${operator}: unknown schedule operator (supported: ${SCHEDULE_OPERATORS.join(", ")})`);
  }
}

function cronField(text: string, min: number, max: number, names: string[] | null, what: string): Set<number> {
  const values = new Set<number>();
  const value = (token: string) => {
    const named = names?.indexOf(token.toLowerCase()) ?? -1;
    if (named >= 0) return named + (names === MONTHS ? 1 : 0);
    if (!/^\d+$/.test(token)) throw new ScheduleError(`cron>: ${what} "${token}" is not a number${names ? " or a name" : ""}`);
    let n = Number(token);
    if (what === "day of week" && n === 7) n = 0;
    if (n < min || n > max) throw new ScheduleError(`cron>: ${what} ${n} is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || !range) throw new ScheduleError(`cron>: ${what} "${part}" is not valid`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(`cron>: ${what} step "${stepText}" is not a positive number`);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [min, what === "day of week" ? 6 : max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-");
      from = value(a ?? "");
      to = value(b ?? "");
      if (from > to) throw new ScheduleError(`cron>: ${what} range "${range}" runs backwards`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** Five fields: minute hour day-of-month month day-of-week (names allowed for months and days). */
export function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new ScheduleError(`cron>: expected 5 fields (minute hour day month weekday), got ${parts.length} in "${expression}"`);
  return {
    minute: cronField(parts[0]!, 0, 59, null, "minute"),
    hour: cronField(parts[1]!, 0, 23, null, "hour"),
    day: cronField(parts[2]!, 1, 31, null, "day of month"),
    month: cronField(parts[3]!, 1, 12, MONTHS, "month"),
    weekday: cronField(parts[4]!, 0, 7, WEEKDAYS, "day of week"),
  };
}

/** digdag's cron: a minute matches when every field matches (day-of-month AND day-of-week). */
export function cronMatches(fields: CronFields, local: DateTime): boolean {
  return fields.minute.has(local.minute) && fields.hour.has(local.hour) && fields.day.has(local.day) && fields.month.has(local.month) && fields.weekday.has(local.weekday % 7);
}

/** The delay between a slot's session time and its run time (digdag's *> operators). */
export function delaySeconds(spec: ScheduleSpec): number {
  switch (spec.kind) {
    case "hourly":
      return spec.minute * 60 + spec.second;
    case "daily":
    case "weekly":
    case "monthly":
      return spec.hour * 3600 + spec.minute * 60 + spec.second;
    default:
      return 0;
  }
}

export interface Slot {
  /** The session's time (${session_time}). */
  sessionTime: Date;
  /** When it runs: session time + the operator's delay. */
  runAt: Date;
}

/** The first session time strictly after `after` (in `timezone`). */
function nextSessionTime(spec: ScheduleSpec, after: Date, timezone: string): Date {
  if (spec.kind === "minutes_interval") {
    // Aligned to the epoch, as digdag does.
    const step = spec.minutes * 60_000;
    return new Date(Math.floor(after.getTime() / step) * step + step);
  }
  let t = DateTime.fromJSDate(after, { zone: timezone });
  if (!t.isValid) throw new ScheduleError(`timezone: "${timezone}" is not a time zone`);
  const unit = spec.kind === "hourly" ? "hour" : spec.kind === "cron" ? "minute" : "day";
  t = t.startOf(unit).plus({ [unit]: 1 });
  // Walk forward unit by unit; bounded (a cron that never matches, e.g. Feb 30, ends with an error).
  const limit = t.plus({ years: 5 });
  while (t <= limit) {
    if (matchesSlot(spec, t)) return t.toJSDate();
    if (spec.kind === "cron") {
      if (!spec.fields.month.has(t.month)) t = t.startOf("month").plus({ months: 1 });
      else if (!spec.fields.day.has(t.day) || !spec.fields.weekday.has(t.weekday % 7)) t = t.startOf("day").plus({ days: 1 });
      else if (!spec.fields.hour.has(t.hour)) t = t.startOf("hour").plus({ hours: 1 });
      else t = t.plus({ minutes: 1 });
    } else t = t.plus({ [unit]: 1 });
  }
  throw new ScheduleError(`cron>: "${spec.kind === "cron" ? spec.expression : spec.kind}" never runs`);
}

function matchesSlot(spec: ScheduleSpec, t: DateTime): boolean {
  switch (spec.kind) {
    case "hourly":
    case "daily":
      return true;
    case "weekly":
      return t.weekday % 7 === spec.weekday;
    case "monthly":
      return t.day === spec.day;
    case "cron":
      return cronMatches(spec.fields, t);
    default:
      return true;
  }
}

/** The first slot whose run time is strictly after `after`. */
export function nextSlot(spec: ScheduleSpec, after: Date, timezone: string): Slot {
  const delay = delaySeconds(spec) * 1000;
  const sessionTime = nextSessionTime(spec, new Date(after.getTime() - delay), timezone);
  return { sessionTime, runAt: new Date(sessionTime.getTime() + delay) };
}

/** The next few slots after `after` (for the console). */
export function nextSlots(spec: ScheduleSpec, after: Date, timezone: string, count: number): Slot[] {
  const slots: Slot[] = [];
  let from = after;
  for (let i = 0; i < count; i++) {
    const slot = nextSlot(spec, from, timezone);
    slots.push(slot);
    from = slot.runAt;
  }
  return slots;
}

/** How the console shows a schedule: "daily> 07:00:00". */
export function scheduleLabel(operator: string, value: unknown): string {
  return `${operator} ${String(value)}`;
}
