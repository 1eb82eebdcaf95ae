import { describe, expect, it } from "vitest";
import {
  CRON_WORDS_EN,
  CronError,
  type CronErrorField,
  describeCron,
  isValidTimeZone,
  nextRun,
  nextRuns,
  parseCron,
  previousRun,
  SCHEDULE_PRESETS,
  TD_SHORTCUTS,
  validateCron,
} from "./cron";
import {
  makeGenerator,
  mulberry32,
  refNext,
  refParse,
  refPrevious,
  refTransitions,
  type RefCron,
  type RefResult,
} from "./cron-reference";
import { canonicalTimeZone, listTimeZones } from "./timezones";

/** Just before 2026-01-01 00:00 UTC (a Thursday), so runs on the 1st at midnight are included. */
const START = new Date("2025-12-31T23:30:00Z");

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString().replace(":00.000Z", "Z"));
const runs = (expr: string, count: number, after = START, tz?: string): string[] => iso(nextRuns(expr, after, count, tz));
const at = (s: string): Date => new Date(s);
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString().replace(":00.000Z", "Z") : null);

function cronError(fn: () => unknown): CronError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CronError) return error;
    throw error;
  }
  throw new Error("expected a CronError");
}

describe("seed examples (the 'Custom cron...' table)", () => {
  it("0 * * * * runs once an hour at :00", () => {
    expect(runs("0 * * * *", 5)).toEqual([
      "2026-01-01T00:00Z", "2026-01-01T01:00Z", "2026-01-01T02:00Z", "2026-01-01T03:00Z", "2026-01-01T04:00Z",
    ]);
  });

  it("0 0 * * * runs once a day at midnight", () => {
    expect(runs("0 0 * * *", 5)).toEqual([
      "2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z", "2026-01-04T00:00Z", "2026-01-05T00:00Z",
    ]);
  });

  it("0 0 1 * * runs at midnight on the 1st of each month", () => {
    expect(runs("0 0 1 * *", 6)).toEqual([
      "2026-01-01T00:00Z", "2026-02-01T00:00Z", "2026-03-01T00:00Z", "2026-04-01T00:00Z", "2026-05-01T00:00Z", "2026-06-01T00:00Z",
    ]);
  });

  it("0 0 1 * 1 runs every Monday only: day-of-week is more frequent, the 1st is ignored", () => {
    // 2026-01-01 (Thursday) and 2026-02-01 (Sunday) are not runs.
    expect(runs("0 0 1 * 1", 8)).toEqual([
      "2026-01-05T00:00Z", "2026-01-12T00:00Z", "2026-01-19T00:00Z", "2026-01-26T00:00Z",
      "2026-02-02T00:00Z", "2026-02-09T00:00Z", "2026-02-16T00:00Z", "2026-02-23T00:00Z",
    ]);
  });

  it("0 0 1-10 * * runs on the 1st through the 10th", () => {
    expect(runs("0 0 1-10 * *", 12)).toEqual([
      "2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z", "2026-01-04T00:00Z", "2026-01-05T00:00Z",
      "2026-01-06T00:00Z", "2026-01-07T00:00Z", "2026-01-08T00:00Z", "2026-01-09T00:00Z", "2026-01-10T00:00Z",
      "2026-02-01T00:00Z", "2026-02-02T00:00Z",
    ]);
  });

  it("0 0 1,11,21 * * runs on the 1st, 11th and 21st", () => {
    expect(runs("0 0 1,11,21 * *", 7)).toEqual([
      "2026-01-01T00:00Z", "2026-01-11T00:00Z", "2026-01-21T00:00Z",
      "2026-02-01T00:00Z", "2026-02-11T00:00Z", "2026-02-21T00:00Z", "2026-03-01T00:00Z",
    ]);
  });

  it("30 */2 1 * * runs every 2 hours from 00:30 on the 1st", () => {
    expect(runs("30 */2 1 * *", 13)).toEqual([
      "2026-01-01T00:30Z", "2026-01-01T02:30Z", "2026-01-01T04:30Z", "2026-01-01T06:30Z",
      "2026-01-01T08:30Z", "2026-01-01T10:30Z", "2026-01-01T12:30Z", "2026-01-01T14:30Z",
      "2026-01-01T16:30Z", "2026-01-01T18:30Z", "2026-01-01T20:30Z", "2026-01-01T22:30Z",
      "2026-02-01T00:30Z",
    ]);
  });

  it("0 0 */5 * * runs on multiples of 5: 5..30, and 5..25 in February", () => {
    expect(parseCron("0 0 */5 * *").daysOfMonth).toEqual([5, 10, 15, 20, 25, 30]);
    expect(runs("0 0 */5 * *", 12)).toEqual([
      "2026-01-05T00:00Z", "2026-01-10T00:00Z", "2026-01-15T00:00Z", "2026-01-20T00:00Z", "2026-01-25T00:00Z", "2026-01-30T00:00Z",
      "2026-02-05T00:00Z", "2026-02-10T00:00Z", "2026-02-15T00:00Z", "2026-02-20T00:00Z", "2026-02-25T00:00Z",
      "2026-03-05T00:00Z",
    ]);
  });

  it("0 0 5,*/10,25 * * runs on the 5th, 10th, 20th, 25th and 30th", () => {
    expect(parseCron("0 0 5,*/10,25 * *").daysOfMonth).toEqual([5, 10, 20, 25, 30]);
    expect(runs("0 0 5,*/10,25 * *", 11)).toEqual([
      "2026-01-05T00:00Z", "2026-01-10T00:00Z", "2026-01-20T00:00Z", "2026-01-25T00:00Z", "2026-01-30T00:00Z",
      "2026-02-05T00:00Z", "2026-02-10T00:00Z", "2026-02-20T00:00Z", "2026-02-25T00:00Z",
      "2026-03-05T00:00Z", "2026-03-10T00:00Z",
    ]);
  });

  it("the seed's list example 2,*/5,8-10 mixes a value, a step and a range", () => {
    expect(parseCron("2,*/5,8-10 * * * *").minutes).toEqual([0, 2, 5, 8, 9, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
  });

  it('"" is a saved query without a schedule: it never runs', () => {
    const p = parseCron("");
    expect(p.never).toBe(true);
    expect(nextRun("", START)).toBeNull();
    expect(previousRun("", START)).toBeNull();
    expect(nextRuns("", START, 5)).toEqual([]);
    expect(nextRun(p, START, "Asia/Seoul")).toBeNull();
  });

  it("names work in any case and in ranges: 0 9 * jan-mar mon-fri", () => {
    expect(runs("0 9 * jan-mar mon-fri", 6)).toEqual([
      "2026-01-01T09:00Z", "2026-01-02T09:00Z", "2026-01-05T09:00Z", "2026-01-06T09:00Z", "2026-01-07T09:00Z", "2026-01-08T09:00Z",
    ]);
    // Last run of the quarter is Tuesday 31 March; the next is Friday 1 January 2027.
    expect(isoOrNull(previousRun("0 9 * jan-mar mon-fri", at("2026-04-15T00:00:00Z")))).toBe("2026-03-31T09:00Z");
    expect(isoOrNull(nextRun("0 9 * JAN-Mar MON-fri", at("2026-03-31T09:00:00Z")))).toBe("2027-01-01T09:00Z");
  });

  it("SUN, sun, 0 and 7 all mean Sunday", () => {
    const sundays = ["2026-01-04T00:00Z", "2026-01-11T00:00Z", "2026-01-18T00:00Z", "2026-01-25T00:00Z"];
    for (const dow of ["SUN", "sun", "Sun", "0", "7"]) expect(runs(`0 0 * * ${dow}`, 4)).toEqual(sundays);
    expect(parseCron("0 0 * * 0,7").daysOfWeek).toEqual([0]);
    expect(parseCron("0 0 * * 5-7").daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron("0 0 * * sat-sun").daysOfWeek).toEqual([0, 6]);
  });

  it("shortcuts expand to their five fields", () => {
    expect(TD_SHORTCUTS).toEqual({
      "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0",
      "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    });
    expect(runs("@hourly", 3)).toEqual(["2026-01-01T00:00Z", "2026-01-01T01:00Z", "2026-01-01T02:00Z"]);
    expect(runs("@daily", 3)).toEqual(["2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"]);
    expect(runs("@weekly", 3)).toEqual(["2026-01-04T00:00Z", "2026-01-11T00:00Z", "2026-01-18T00:00Z"]);
    expect(runs("@monthly", 3)).toEqual(["2026-01-01T00:00Z", "2026-02-01T00:00Z", "2026-03-01T00:00Z"]);
    expect(runs("@yearly", 3)).toEqual(["2026-01-01T00:00Z", "2027-01-01T00:00Z", "2028-01-01T00:00Z"]);
    expect(runs("@annually", 2)).toEqual(["2026-01-01T00:00Z", "2027-01-01T00:00Z"]);
    expect(runs("@DAILY", 1)).toEqual(["2026-01-01T00:00Z"]);
    const p = parseCron("@daily");
    expect(p.source).toBe("@daily");
    expect(p.expanded).toBe("0 0 * * *");
  });

  it("the dropdown presets are the seed's four choices", () => {
    expect(SCHEDULE_PRESETS).toEqual([
      { value: "", label: "None" },
      { value: "@daily", label: "@daily (midnight)" },
      { value: "@hourly", label: "@hourly (:00)" },
      { value: "custom", label: "Custom cron..." },
    ]);
    for (const preset of SCHEDULE_PRESETS) if (preset.value !== "custom") expect(validateCron(preset.value).ok).toBe(true);
  });
});

describe("steps are multiples of n (TD rule 1)", () => {
  it("*/n in each field", () => {
    expect(parseCron("*/2 * * * *").minutes).toEqual(range(0, 58, 2));
    expect(parseCron("0 */2 * * *").hours).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
    expect(parseCron("0 */7 * * *").hours).toEqual([0, 7, 14, 21]);
    expect(parseCron("0 0 */7 * *").daysOfMonth).toEqual([7, 14, 21, 28]);
    expect(parseCron("0 0 1 */3 *").months).toEqual([3, 6, 9, 12]);
    expect(parseCron("0 0 * * */2").daysOfWeek).toEqual([0, 2, 4, 6]);
    expect(parseCron("0 0 */1 * *").daysOfMonth).toEqual(range(1, 31, 1));
  });

  it("a-b/n keeps its usual meaning", () => {
    expect(parseCron("5-59/10 * * * *").minutes).toEqual([5, 15, 25, 35, 45, 55]);
    expect(parseCron("0 1-23/4 * * *").hours).toEqual([1, 5, 9, 13, 17, 21]);
    expect(parseCron("0 0 1-31/10 * *").daysOfMonth).toEqual([1, 11, 21, 31]);
    expect(parseCron("0 0 * * mon-fri/2").daysOfWeek).toEqual([1, 3, 5]);
    expect(parseCron("0 0 * * 1-7/3").daysOfWeek).toEqual([0, 1, 4]);
    expect(parseCron("0-10/30 * * * *").minutes).toEqual([0]);
  });

  it("a step beyond the field's maximum is allowed while it still selects something", () => {
    expect(parseCron("*/60 * * * *").minutes).toEqual([0]);
    expect(parseCron("0 */24 * * *").hours).toEqual([0]);
    expect(parseCron("0 0 */31 * *").daysOfMonth).toEqual([31]);
    expect(parseCron("0 0 * * */9").daysOfWeek).toEqual([0]);
    expectError("0 0 */32 * *", "day-of-month", "*/32");
    expectError("0 0 1 */13 *", "month", "*/13");
  });
});

describe("the more-frequent rule (TD rule 2)", () => {
  it("0 0 1 * 1: day-of-week (52/year) beats day-of-month (12/year)", () => {
    const p = parseCron("0 0 1 * 1");
    expect(p.dayRule).toBe("dow");
    expect(p.ignoredField).toBe("day-of-month");
    expect(p.daysOfMonth).toBeNull();
    expect(p.daysOfWeek).toEqual([1]);
    expect(p.dayCounts).toEqual({ dayOfMonth: 4800, dayOfWeek: 20871 }); // 146097 days / 7
  });

  it("0 0 1-31 * 1: 31 days beat one weekday, so it runs daily", () => {
    const p = parseCron("0 0 1-31 * 1");
    expect(p.dayRule).toBe("dom");
    expect(p.ignoredField).toBe("day-of-week");
    expect(p.daysOfWeek).toBeNull();
    expect(p.dayCounts).toEqual({ dayOfMonth: 146097, dayOfWeek: 20871 });
    expect(runs("0 0 1-31 * 1", 3)).toEqual(["2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"]);
  });

  it("0 0 */2 * 1,3: even days (≈15/month) beat Mondays and Wednesdays (≈8.7/month)", () => {
    const p = parseCron("0 0 */2 * 1,3");
    expect(p.dayRule).toBe("dom");
    expect(p.dayCounts).toEqual({ dayOfMonth: 14 * 12 * 400 + 11 * 400, dayOfWeek: 2 * 20871 });
    expect(runs("0 0 */2 * 1,3", 4)).toEqual(["2026-01-02T00:00Z", "2026-01-04T00:00Z", "2026-01-06T00:00Z", "2026-01-08T00:00Z"]);
  });

  it("0 0 1-4 * 1,3: two weekdays beat four days of the month", () => {
    const p = parseCron("0 0 1-4 * 1,3");
    expect(p.dayRule).toBe("dow");
    expect(runs("0 0 1-4 * 1,3", 4)).toEqual(["2026-01-05T00:00Z", "2026-01-07T00:00Z", "2026-01-12T00:00Z", "2026-01-14T00:00Z"]);
  });

  it("a tie goes to day-of-week", () => {
    for (const expr of ["0 0 1-31 * 0-6", "0 0 */1 * */1", "0 0 1-31 * sun-sat"]) {
      const p = parseCron(expr);
      expect(p.dayCounts).toEqual({ dayOfMonth: 146097, dayOfWeek: 146097 });
      expect(p.dayRule).toBe("dow");
      expect(p.ignoredField).toBe("day-of-month");
      expect(runs(expr, 2)).toEqual(["2026-01-01T00:00Z", "2026-01-02T00:00Z"]);
    }
  });

  it("the month field can change the winner: 27-31 beats Mondays over a year, not in February", () => {
    const year = parseCron("0 0 27-31 * 1");
    expect(year.dayRule).toBe("dom");
    expect(year.dayCounts).toEqual({ dayOfMonth: 4800 + 4800 + (4400 + 97) + 4400 + 2800, dayOfWeek: 20871 });
    expect(runs("0 0 27-31 * 1", 8)).toEqual([
      "2026-01-27T00:00Z", "2026-01-28T00:00Z", "2026-01-29T00:00Z", "2026-01-30T00:00Z", "2026-01-31T00:00Z",
      "2026-02-27T00:00Z", "2026-02-28T00:00Z", "2026-03-27T00:00Z",
    ]);

    const feb = parseCron("0 0 27-31 2 1");
    expect(feb.dayRule).toBe("dow");
    expect(feb.dayCounts!.dayOfMonth).toBe(400 + 400 + 97);
    expect(feb.dayCounts!.dayOfWeek).toBeGreaterThan(1600); // four or five Mondays every February
    expect(runs("0 0 27-31 2 1", 5)).toEqual([
      "2026-02-02T00:00Z", "2026-02-09T00:00Z", "2026-02-16T00:00Z", "2026-02-23T00:00Z", "2027-02-01T00:00Z",
    ]);
  });

  it("a day-of-month that never occurs loses to any day-of-week instead of failing", () => {
    const p = parseCron("0 0 31 4 1");
    expect(p.dayRule).toBe("dow");
    expect(p.dayCounts!.dayOfMonth).toBe(0);
    expect(runs("0 0 31 4 1", 3)).toEqual(["2026-04-06T00:00Z", "2026-04-13T00:00Z", "2026-04-20T00:00Z"]);
  });

  it("with only one day field restricted, there is nothing to decide", () => {
    expect(parseCron("0 0 * * *")).toMatchObject({ dayRule: "both-any", ignoredField: null, dayCounts: null, daysOfMonth: null, daysOfWeek: null });
    expect(parseCron("0 0 1 * *")).toMatchObject({ dayRule: "dom", ignoredField: null, daysOfMonth: [1], daysOfWeek: null });
    expect(parseCron("0 0 * * 1")).toMatchObject({ dayRule: "dow", ignoredField: null, daysOfMonth: null, daysOfWeek: [1] });
  });

  it("parses 10,000 distinct expressions with both day fields restricted (cost is reported, not asserted)", () => {
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) expect(parseCron(`${i % 60} ${i % 24} 1-${(i % 28) + 1},*/${(i % 7) + 1} ${(i % 12) + 1}-12 ${i % 7}`).never).toBe(false);
    console.info(`cron parse: ${((performance.now() - t0) / 10_000).toFixed(3)} ms each`);
  });
});

describe("sparse schedules", () => {
  it("0 0 29 2 * waits for the next leap day, across the skipped 2100", () => {
    expect(runs("0 0 29 2 *", 3)).toEqual(["2028-02-29T00:00Z", "2032-02-29T00:00Z", "2036-02-29T00:00Z"]);
    expect(isoOrNull(nextRun("0 0 29 2 *", at("2096-03-01T00:00:00Z")))).toBe("2104-02-29T00:00Z");
    expect(isoOrNull(previousRun("0 0 29 2 *", at("2104-02-01T00:00:00Z")))).toBe("2096-02-29T00:00Z");
    expect(isoOrNull(previousRun("0 0 29 2 *", START))).toBe("2024-02-29T00:00Z");
  });

  it("expressions that can never fire are rejected, naming day-of-month", () => {
    expectError("0 0 31 4 *", "day-of-month", "31");
    expectError("0 0 30 2 *", "day-of-month", "30");
    expectError("0 0 30,31 feb *", "day-of-month", "30,31");
    expectError("0 0 31 4,6,9,11 *", "day-of-month", "31");
    expect(validateCron("0 0 31 4,5 *").ok).toBe(true);
    expect(runs("0 0 31 4,5 *", 2)).toEqual(["2026-05-31T00:00Z", "2027-05-31T00:00Z"]);
  });

  it("a hand-built ParsedCron that cannot fire gives null after a bounded search", () => {
    const p = { ...parseCron("0 0 30 4 *"), daysOfMonth: [31] };
    expect(nextRun(p, START)).toBeNull();
    expect(previousRun(p, START)).toBeNull();
  });
});

describe("timezones and DST", () => {
  const NY = "America/New_York";
  const LONDON = "Europe/London";
  const SEOUL = "Asia/Seoul";

  it("America/New_York spring forward: 2026-03-08 02:30 does not exist and is skipped", () => {
    expect(runs("30 2 * * *", 4, at("2026-03-06T12:00:00Z"), NY)).toEqual([
      "2026-03-07T07:30Z", // 02:30 EST
      "2026-03-09T06:30Z", // 02:30 EDT — no run on the 8th
      "2026-03-10T06:30Z",
      "2026-03-11T06:30Z",
    ]);
    // Half-hourly across the gap: 01:30 EST is followed by 03:00 EDT.
    expect(runs("*/30 * * * *", 4, at("2026-03-08T06:00:00Z"), NY)).toEqual([
      "2026-03-08T06:30Z", "2026-03-08T07:00Z", "2026-03-08T07:30Z", "2026-03-08T08:00Z",
    ]);
    expect(isoOrNull(previousRun("30 2 * * *", at("2026-03-09T00:00:00Z"), NY))).toBe("2026-03-07T07:30Z");
  });

  it("America/New_York fall back: 2026-11-01 01:30 happens twice and runs once (the first)", () => {
    expect(runs("30 1 * * *", 3, at("2026-10-30T12:00:00Z"), NY)).toEqual([
      "2026-10-31T05:30Z", // 01:30 EDT
      "2026-11-01T05:30Z", // 01:30 EDT, the first of the two
      "2026-11-02T06:30Z", // 01:30 EST
    ]);
    // Starting inside the second pass (01:00 EST = 06:00Z): today's 01:30 already ran.
    expect(isoOrNull(nextRun("30 1 * * *", at("2026-11-01T06:00:00Z"), NY))).toBe("2026-11-02T06:30Z");
    expect(runs("*/30 * * * *", 5, at("2026-11-01T04:00:00Z"), NY)).toEqual([
      "2026-11-01T04:30Z", "2026-11-01T05:00Z", "2026-11-01T05:30Z", "2026-11-01T07:00Z", "2026-11-01T07:30Z",
    ]);
    // previousRun from inside the second pass finds the first pass's runs.
    expect(isoOrNull(previousRun("*/20 1 * * *", at("2026-11-01T06:10:00Z"), NY))).toBe("2026-11-01T05:40Z");
    expect(isoOrNull(previousRun("30 1 * * *", at("2026-11-01T06:45:00Z"), NY))).toBe("2026-11-01T05:30Z");
    expect(isoOrNull(previousRun("0 2 * * *", at("2026-11-01T07:00:00Z"), NY))).toBe("2026-10-31T06:00Z");
    expect(isoOrNull(previousRun("0 2 * * *", at("2026-11-01T07:00:01Z"), NY))).toBe("2026-11-01T07:00Z");
  });

  it("Europe/London: 2026-03-29 01:30 gap, 2026-10-25 01:30 overlap", () => {
    expect(runs("30 1 * * *", 3, at("2026-03-27T12:00:00Z"), LONDON)).toEqual([
      "2026-03-28T01:30Z", // GMT
      "2026-03-30T00:30Z", // BST — the 29th has no 01:30
      "2026-03-31T00:30Z",
    ]);
    expect(runs("30 1 * * *", 3, at("2026-10-23T12:00:00Z"), LONDON)).toEqual([
      "2026-10-24T00:30Z", // BST
      "2026-10-25T00:30Z", // BST, once
      "2026-10-26T01:30Z", // GMT
    ]);
    expect(runs("0 * 25 10 *", 4, at("2026-10-24T23:30:00Z"), LONDON)).toEqual([
      "2026-10-25T00:00Z", // 01:00 BST
      "2026-10-25T02:00Z", // 02:00 GMT (01:00 GMT is the repeated hour)
      "2026-10-25T03:00Z",
      "2026-10-25T04:00Z",
    ]);
    expect(isoOrNull(previousRun("30 1 * * *", at("2026-03-30T00:00:00Z"), LONDON))).toBe("2026-03-28T01:30Z");
  });

  it("Asia/Seoul has no DST: midnight KST is 15:00 UTC the day before", () => {
    expect(runs("0 0 * * *", 3, at("2026-01-01T00:00:00Z"), SEOUL)).toEqual([
      "2026-01-01T15:00Z", "2026-01-02T15:00Z", "2026-01-03T15:00Z",
    ]);
    expect(runs("0 0 1 * *", 3, at("2026-01-01T00:00:00Z"), SEOUL)).toEqual([
      "2026-01-31T15:00Z", "2026-02-28T15:00Z", "2026-03-31T15:00Z",
    ]);
    expect(runs("@hourly", 2, at("2026-01-01T00:00:00Z"), SEOUL)).toEqual(["2026-01-01T01:00Z", "2026-01-01T02:00Z"]);
    expect(isoOrNull(previousRun("0 0 * * *", at("2026-01-01T15:00:00Z"), SEOUL))).toBe("2025-12-31T15:00Z");
    expect(isoOrNull(previousRun("0 0 1 * 1", at("2026-01-12T00:00:00Z"), SEOUL))).toBe("2026-01-11T15:00Z");
  });

  it("nextRun/previousRun are strict and default to UTC", () => {
    expect(isoOrNull(nextRun("0 0 * * *", at("2026-01-05T00:00:00Z")))).toBe("2026-01-06T00:00Z");
    expect(isoOrNull(nextRun("0 0 * * *", at("2026-01-04T23:59:59.999Z")))).toBe("2026-01-05T00:00Z");
    expect(isoOrNull(previousRun("0 0 * * *", at("2026-01-05T00:00:00Z")))).toBe("2026-01-04T00:00Z");
    expect(isoOrNull(previousRun("0 0 * * *", at("2026-01-05T00:00:00.001Z")))).toBe("2026-01-05T00:00Z");
    expect(isoOrNull(nextRun("0 0 * * *", START, "UTC"))).toBe("2026-01-01T00:00Z");
    expect(nextRuns("0 0 * * *", START, 0)).toEqual([]);
    expect(() => nextRuns("0 0 * * *", START, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(parseCron("0000005 * * * *").minutes).toEqual([5]);
  });

  it("accepts a ParsedCron or a string alike", () => {
    const p = parseCron("0 9 * * mon-fri");
    expect(iso(nextRuns(p, START, 3, SEOUL))).toEqual(runs("0 9 * * mon-fri", 3, START, SEOUL));
  });

  it("rejects an unknown timezone, naming it", () => {
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("Asia/Seoul")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    for (const fn of [
      () => nextRun("0 0 * * *", START, "Mars/Olympus_Mons"),
      () => previousRun("0 0 * * *", START, "Mars/Olympus_Mons"),
      () => nextRuns("0 0 * * *", START, 3, "Mars/Olympus_Mons"),
    ]) {
      const e = cronError(fn);
      expect(e.field).toBe("timezone");
      expect(e.token).toBe("Mars/Olympus_Mons");
      expect(e.message).toContain('"Mars/Olympus_Mons"');
    }
    expect(canonicalTimeZone("asia/seoul")).toBe("Asia/Seoul");
    expect(canonicalTimeZone("Nowhere/Land")).toBeNull();
    expect(listTimeZones()[0]).toBe("UTC");
    expect(listTimeZones()).toContain("America/New_York");
  });

  it("rejects an invalid date", () => {
    expect(() => nextRun("0 0 * * *", new Date(Number.NaN))).toThrow(RangeError);
  });
});

function expectError(expr: string, field: CronErrorField, token: string, messagePart?: string | RegExp): void {
  const v = validateCron(expr);
  expect(v.ok, `${JSON.stringify(expr)} should be rejected`).toBe(false);
  if (v.ok) return;
  expect(v.error.field).toBe(field);
  expect(v.error.token).toBe(token);
  expect(v.error.message.startsWith(`${field}: "`)).toBe(true);
  if (messagePart instanceof RegExp) expect(v.error.message).toMatch(messagePart);
  else if (messagePart) expect(v.error.message).toContain(messagePart);
  const e = cronError(() => parseCron(expr));
  expect([e.field, e.token, e.message]).toEqual([field, token, v.error.message]);
}

describe("bad input names the field and the token", () => {
  it.each<[string, CronErrorField, string, string]>([
    ["0 0 32 * *", "day-of-month", "32", 'day-of-month: "32" is out of range 1-31'],
    ["*/0 * * * *", "minute", "*/0", 'minute: "*/0" step must be at least 1'],
    ["1- * * * *", "minute", "1-", 'minute: "1-" is not a valid range'],
    ["0 0 * * mon-", "day-of-week", "mon-", 'day-of-week: "mon-" is not a valid range'],
    ["0 0 * * -1", "day-of-week", "-1", 'day-of-week: "-1" is not a valid range'],
    ["60 * * * *", "minute", "60", 'minute: "60" is out of range 0-59'],
    ["0 24 * * *", "hour", "24", 'hour: "24" is out of range 0-23'],
    ["0 0 0 * *", "day-of-month", "0", 'day-of-month: "0" is out of range 1-31'],
    ["0 0 * 13 *", "month", "13", 'month: "13" is out of range 1-12'],
    ["0 0 * 0 *", "month", "0", 'month: "0" is out of range 1-12'],
    ["0 0 * * 8", "day-of-week", "8", 'day-of-week: "8" is out of range 0-7'],
    ["0 0 * * funday", "day-of-week", "funday", 'day-of-week: "funday" is not a valid day-of-week (use 0-7 or sun-sat)'],
    ["0 0 * mon *", "month", "mon", 'month: "mon" is not a valid month (use 1-12 or jan-dec)'],
    ["0 0 * * january", "day-of-week", "january", 'day-of-week: "january" is not a valid day-of-week'],
    ["0 0 * jan-foo *", "month", "jan-foo", 'month: "foo" in "jan-foo" is not a valid month'],
    ["0 0 25-32 * *", "day-of-month", "25-32", 'day-of-month: "32" in "25-32" is out of range 1-31'],
    ["5-1 * * * *", "minute", "5-1", 'minute: "5-1" is a reversed range'],
    ["0 0 * * fri-mon", "day-of-week", "fri-mon", 'day-of-week: "fri-mon" is a reversed range'],
    ["5/10 * * * *", "minute", "5/10", 'minute: "5/10" is not supported: a step needs "*" or a range (write */10 or 5-59/10)'],
    ["*/x * * * *", "minute", "*/x", 'minute: "*/x" has a step that is not a whole number'],
    ["1-5/0 * * * *", "minute", "1-5/0", 'minute: "1-5/0" step must be at least 1'],
    ["/5 * * * *", "minute", "/5", 'minute: "/5" is not a valid step'],
    ["*,5 * * * *", "minute", "*", 'minute: "*" cannot be part of a list'],
    ["1,,2 * * * *", "minute", "1,,2", 'minute: "1,,2" has an empty item'],
    ["1, * * * *", "minute", "1,", 'minute: "1," has an empty item'],
    ["1.5 * * * *", "minute", "1.5", 'minute: "1.5" is not a valid value'],
    ["? * * * *", "minute", "?", 'minute: "?" is not a valid value'],
    ["0 0 L * *", "day-of-month", "L", 'day-of-month: "L" is not a valid day-of-month'],
    ["0 0 */40 * *", "day-of-month", "*/40", 'day-of-month: "*/40" selects no day-of-month'],
    ["0 0 31 4 *", "day-of-month", "31", 'day-of-month: "31" never occurs in the selected months (apr)'],
  ])("%j → %s %j", (expr, field, token, message) => {
    expectError(expr, field, token, message);
  });

  it.each<[string, string]>([
    ["0  0 * * *", "double space"],
    [" 0 0 * * *", "leading space"],
    ["0 0 * * * ", "trailing space"],
    ["0\t0 * * *", "tab"],
    ["0 0 * *", "4 fields"],
    ["0 0 * * * *", "6 fields"],
    ["abc", "one word"],
    ["   ", "only spaces"],
    ["0 0 * * *\n", "newline"],
  ])("%j (%s) → expression", (expr) => {
    const v = validateCron(expr);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error).toMatchObject({ field: "expression", token: expr });
    expect(v.error.message).toContain("expected 5 fields separated by single spaces");
  });

  it("unknown shortcuts are rejected", () => {
    for (const expr of ["@foo", "@daily ", "@every 5m", "@"]) {
      const v = validateCron(expr);
      expect(v).toMatchObject({ ok: false, error: { field: "expression", token: expr } });
    }
  });

  it("nextRun with a bad string throws the same CronError", () => {
    const e = cronError(() => nextRun("0 0 32 * *", START));
    expect([e.field, e.token]).toEqual(["day-of-month", "32"]);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("CronError");
  });

  it("validateCron returns the parsed cron when valid", () => {
    const v = validateCron("0 0 1 * 1");
    expect(v.ok && v.cron.dayRule).toBe("dow");
  });
});

describe("describeCron", () => {
  it.each<[string, string]>([
    ["0 * * * *", "every hour at :00"],
    ["0 0 * * *", "every day at 00:00"],
    ["0 0 1 * *", "at 00:00 on day 1 of every month"],
    ["0 0 1 * 1", "every Monday at 00:00 (day-of-month 1 is ignored: day-of-week runs more often)"],
    ["0 0 1-10 * *", "at 00:00 on days 1 through 10 of every month"],
    ["0 0 1,11,21 * *", "at 00:00 on days 1, 11 and 21 of every month"],
    ["30 */2 1 * *", "at 00:30, 02:30, …, 22:30 (every 2 hours) on day 1 of every month"],
    ["0 0 */5 * *", "at 00:00 on days 5, 10, …, 30 of every month"],
    ["0 0 5,*/10,25 * *", "at 00:00 on days 5, 10, 20, 25 and 30 of every month"],
    ["", "never (no schedule)"],
    ["@daily", "every day at 00:00"],
    ["@hourly", "every hour at :00"],
    ["@weekly", "every Sunday at 00:00"],
    ["@monthly", "at 00:00 on day 1 of every month"],
    ["@yearly", "at 00:00 on day 1 of January"],
    ["0 9 * jan-mar mon-fri", "every Monday through Friday in January through March at 09:00"],
    ["0 0 * * SUN", "every Sunday at 00:00"],
    ["0 0 * * 7", "every Sunday at 00:00"],
    ["5 4 * * sat-sun", "every Saturday and Sunday at 04:05"],
    ["0 22 * * fri-sun", "every Friday through Sunday at 22:00"],
    ["* * * * *", "every minute"],
    ["*/15 * * * *", "every 15 minutes"],
    ["*/15 * * * 1", "every 15 minutes on Monday"],
    ["15,45 * * * *", "every hour at :15 and :45"],
    ["0 9-17 * * 1-5", "every hour from 09:00 to 17:00 on Monday through Friday"],
    ["0,30 9-17 * * *", "every 30 minutes during 09:00–17:59"],
    ["0 9,17 * * *", "every day at 09:00 and 17:00"],
    ["0 0 29 2 *", "at 00:00 on day 29 of February"],
    ["0 12 * 6-8 *", "every day in June through August at 12:00"],
    ["0 * * 12 *", "every hour at :00 in December"],
    ["0 0 */2 * 1,3", "at 00:00 on days 2, 4, …, 30 of every month (day-of-week 1,3 is ignored: day-of-month runs more often)"],
    ["0 0 31 4 1", "every Monday in April at 00:00 (day-of-month 31 is ignored: day-of-week runs more often)"],
  ])("%j → %s", (expr, words) => {
    expect(describeCron(expr)).toBe(words);
  });

  it("is built from replaceable parts", () => {
    const words = { ...CRON_WORDS_EN, everyDayAt: (time: string) => `daily ${time}`, time: (h: number, m: number) => `${h}h${m}` };
    expect(describeCron("0 9 * * *", words)).toBe("daily at 9h0");
  });

  it("throws CronError for invalid input", () => {
    expect(cronError(() => describeCron("0 0 32 * *")).field).toBe("day-of-month");
  });
});

// ─── Randomized comparison with the brute-force reference ─────────────────────────────────────

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const DST_ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Australia/Lord_Howe", // 30-minute DST
  "America/Santiago",
  "America/Sao_Paulo", // midnight transitions until 2019
  "America/Havana", // midnight transitions
  "Pacific/Chatham", // +12:45 / +13:45
  "Asia/Seoul",
  "Asia/Kolkata",
];

const RANGE_FROM = Date.UTC(2010, 0, 1);
const RANGE_TO = Date.UTC(2036, 0, 1);
const HORIZON_DAYS = 1500; // > 4 years: covers Feb 29 between 2010 and 2040

function sameSet(a: readonly number[] | null, b: Set<number>): boolean {
  const xs = a ?? [];
  return xs.length === b.size && xs.every((x) => b.has(x));
}

function checkResult(kind: "next" | "prev", got: Date | null, want: RefResult): string | null {
  const g = got ? got.getTime() : null;
  if (want.at !== null) return g === want.at ? null : `${kind}: got ${got?.toISOString() ?? null}, want ${new Date(want.at).toISOString()}`;
  if (g === null) return null;
  if (kind === "next" ? g >= want.searchedTo : g < want.searchedTo) return null; // beyond what the reference looked at
  return `${kind}: got ${got!.toISOString()}, reference found nothing`;
}

describe("randomized comparison with a brute-force reference", () => {
  it("agrees on 10,000 random expressions (seeded), in UTC and DST zones", () => {
    const rng = mulberry32(0x7d_c0_ffee);
    const gen = makeGenerator(rng);
    const transitions = new Map<string, number[]>();
    for (const z of DST_ZONES) transitions.set(z, refTransitions(z, RANGE_FROM, RANGE_TO));
    expect(transitions.get("America/New_York")!.length).toBeGreaterThan(40);
    expect(transitions.get("Asia/Seoul")).toEqual([]);

    const failures: string[] = [];
    const stats = { expressions: 0, rejectedNeverFiring: 0, dstCases: 0, comparisons: 0, bothDayFields: 0 };
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const expr = gen();
      const zone = rng() < 0.7 ? "UTC" : DST_ZONES[Math.floor(rng() * DST_ZONES.length)]!;
      stats.expressions++;
      let ref: RefCron;
      try {
        ref = refParse(expr);
      } catch (error) {
        failures.push(`${JSON.stringify(expr)}: reference could not parse (${String(error)})`);
        continue;
      }
      const v = validateCron(expr);
      const fail = (what: string) => failures.push(`${JSON.stringify(expr)} [${zone}]: ${what}`);
      if (!v.ok) {
        if (v.error.field === "day-of-month" && ref.rule === "dom" && !ref.domPossible) stats.rejectedNeverFiring++;
        else fail(`rejected: ${v.error.message}`);
        continue;
      }
      if (ref.rule === "dom" && !ref.domPossible) fail("accepted although it can never fire");
      const p = v.cron;
      const rule = { "both-any": "all", dom: "dom", dow: "dow" }[p.dayRule];
      if (rule !== ref.rule) fail(`dayRule ${p.dayRule}, reference ${ref.rule}`);
      if (!sameSet(p.minutes, ref.minutes) || !sameSet(p.hours, ref.hours) || !sameSet(p.months, ref.months)) fail("field values differ");
      if (p.dayRule === "dom" && !sameSet(p.daysOfMonth, ref.doms)) fail("days of month differ");
      if (p.dayRule === "dow" && !sameSet(p.daysOfWeek, ref.dows)) fail("days of week differ");
      if (p.ignoredField) stats.bothDayFields++;

      const edges = transitions.get(zone) ?? [];
      if (zone !== "UTC") stats.dstCases++;
      for (let k = 0; k < 2; k++) {
        let start: number;
        if (edges.length > 0 && rng() < 0.6) {
          // Aim at a DST change: from two days before to one day after it.
          start = edges[Math.floor(rng() * edges.length)]! + Math.floor((rng() * 3 - 2) * 86_400_000);
        } else {
          start = RANGE_FROM + Math.floor(rng() * (RANGE_TO - RANGE_FROM - 5 * 365 * 86_400_000));
        }
        if (rng() < 0.5) start = Math.floor(start / 60_000) * 60_000; // exactly on a minute
        const next = nextRun(p, new Date(start), zone);
        const problemNext = checkResult("next", next, refNext(ref, zone, start, HORIZON_DAYS));
        if (problemNext) fail(`from ${new Date(start).toISOString()} ${problemNext}`);
        const prev = previousRun(p, new Date(start), zone);
        const problemPrev = checkResult("prev", prev, refPrevious(ref, zone, start, HORIZON_DAYS));
        if (problemPrev) fail(`before ${new Date(start).toISOString()} ${problemPrev}`);
        stats.comparisons += 2;
        // Chain from the run just found (exactly on a run: strictness matters).
        if (next && k === 0) {
          const after = nextRun(p, next, zone);
          const problem = checkResult("next", after, refNext(ref, zone, next.getTime(), HORIZON_DAYS));
          if (problem) fail(`after run ${next.toISOString()} ${problem}`);
          const back = previousRun(p, next, zone);
          const problemBack = checkResult("prev", back, refPrevious(ref, zone, next.getTime(), HORIZON_DAYS));
          if (problemBack) fail(`before run ${next.toISOString()} ${problemBack}`);
          stats.comparisons += 2;
        }
      }
      if (failures.length >= 20) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    console.info(`cron randomized comparison: ${JSON.stringify(stats)} in ${seconds.toFixed(1)} s`);
    expect(failures).toEqual([]);
    expect(stats.rejectedNeverFiring).toBeGreaterThan(0);
    expect(stats.dstCases).toBeGreaterThan(2000);
    expect(stats.bothDayFields).toBeGreaterThan(500);
  });

  it("is fast enough for a scheduler tick: 10,000 schedules' next runs", () => {
    const rng = mulberry32(42);
    const gen = makeGenerator(rng);
    const exprs: string[] = [];
    while (exprs.length < 10_000) {
      const e = gen();
      if (validateCron(e).ok) exprs.push(e);
    }
    const zones = ["UTC", "Asia/Seoul", "America/New_York", "Europe/London"];
    const now = new Date("2026-03-08T06:59:00Z");
    nextRun(exprs[0]!, now, zones[2]); // warm the zone caches
    const t0 = performance.now();
    let found = 0;
    for (let i = 0; i < exprs.length; i++) if (nextRun(exprs[i]!, now, zones[i % zones.length])) found++;
    const ms = performance.now() - t0;
    console.info(`cron tick: 10,000 nextRun calls in ${ms.toFixed(0)} ms`);
    expect(found).toBe(10_000);
  });
});
