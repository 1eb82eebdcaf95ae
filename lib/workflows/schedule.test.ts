import { describe, expect, it } from "vitest";
import { nextRun as tdNextRun, nextRuns as tdNextRuns } from "@/lib/schedule/cron";
import { nextSlot, nextSlots, parseCron, parseSchedule, ScheduleError } from "@/lib/workflows/schedule";

const iso = (d: Date) => d.toISOString();

describe("digdag schedule operators", () => {
  it("daily>: session time is midnight of the day in the time zone, run at HH:MM:SS", () => {
    const spec = parseSchedule("daily>", "07:00:00");
    const slot = nextSlot(spec, new Date("2025-03-10T00:00:00Z"), "Asia/Tokyo"); // 09:00 JST
    expect(iso(slot.sessionTime)).toBe("2025-03-10T15:00:00.000Z"); // 2025-03-11 00:00 JST
    expect(iso(slot.runAt)).toBe("2025-03-10T22:00:00.000Z"); // 2025-03-11 07:00 JST
    const before = nextSlot(spec, new Date("2025-03-09T21:59:59Z"), "Asia/Tokyo");
    expect(iso(before.runAt)).toBe("2025-03-09T22:00:00.000Z");
    expect(iso(before.sessionTime)).toBe("2025-03-09T15:00:00.000Z");
    // Strictly after: a run time equal to `after` is not next.
    expect(iso(nextSlot(spec, new Date("2025-03-09T22:00:00Z"), "Asia/Tokyo").runAt)).toBe("2025-03-10T22:00:00.000Z");
  });

  it("hourly>: MM:SS past every hour, session time on the hour", () => {
    const slots = nextSlots(parseSchedule("hourly>", "30:15"), new Date("2025-03-10T10:45:00Z"), "UTC", 2);
    expect(slots.map((s) => [iso(s.sessionTime), iso(s.runAt)])).toEqual([
      ["2025-03-10T11:00:00.000Z", "2025-03-10T11:30:15.000Z"],
      ["2025-03-10T12:00:00.000Z", "2025-03-10T12:30:15.000Z"],
    ]);
  });

  it("weekly>: the given weekday (2025-03-10 is a Monday)", () => {
    const slot = nextSlot(parseSchedule("weekly>", "Sun,09:00:00"), new Date("2025-03-10T00:00:00Z"), "UTC");
    expect(iso(slot.sessionTime)).toBe("2025-03-16T00:00:00.000Z");
    expect(iso(slot.runAt)).toBe("2025-03-16T09:00:00.000Z");
    expect(parseSchedule("weekly>", "monday,01:00:00")).toMatchObject({ weekday: 1 });
  });

  it("monthly>: day D of each month; months without that day are skipped", () => {
    const slots = nextSlots(parseSchedule("monthly>", "31,00:00:00"), new Date("2025-01-31T12:00:00Z"), "UTC", 2);
    expect(slots.map((s) => iso(s.runAt))).toEqual(["2025-03-31T00:00:00.000Z", "2025-05-31T00:00:00.000Z"]);
  });

  it("minutes_interval>: every M minutes, aligned to the epoch", () => {
    const slots = nextSlots(parseSchedule("minutes_interval>", 15), new Date("2025-03-10T10:07:00Z"), "Asia/Seoul", 3);
    expect(slots.map((s) => iso(s.runAt))).toEqual(["2025-03-10T10:15:00.000Z", "2025-03-10T10:30:00.000Z", "2025-03-10T10:45:00.000Z"]);
    expect(slots.every((s) => s.runAt.getTime() === s.sessionTime.getTime())).toBe(true);
  });

  it("cron>: evaluated in the time zone; names, ranges, steps and lists", () => {
    const spec = parseSchedule("cron>", "0 9 * * mon-fri");
    const slot = nextSlot(spec, new Date("2025-03-08T00:00:00Z"), "Asia/Seoul"); // Saturday
    expect(iso(slot.runAt)).toBe("2025-03-10T00:00:00.000Z"); // Monday 09:00 KST
    expect(nextSlots(parseSchedule("cron>", "*/20 1,3 * jan *"), new Date("2025-01-01T00:00:00Z"), "UTC", 4).map((s) => iso(s.runAt))).toEqual([
      "2025-01-01T01:00:00.000Z",
      "2025-01-01T01:20:00.000Z",
      "2025-01-01T01:40:00.000Z",
      "2025-01-01T03:00:00.000Z",
    ]);
  });

  it("digdag's cron ANDs day-of-month and day-of-week; Treasure Data's saved-query cron lets the more frequent win", () => {
    const after = new Date("2025-01-01T00:00:00Z");
    // "0 0 1 * 1": digdag runs only on a 1st that is a Monday (2025-09-01, then 2025-12-01)…
    expect(nextSlots(parseSchedule("cron>", "0 0 1 * 1"), after, "UTC", 2).map((s) => iso(s.runAt))).toEqual(["2025-09-01T00:00:00.000Z", "2025-12-01T00:00:00.000Z"]);
    // …while the TD cron of saved queries runs every Monday (the seed's rule).
    expect(tdNextRuns("0 0 1 * 1", after, 2, "UTC").map(iso)).toEqual(["2025-01-06T00:00:00.000Z", "2025-01-13T00:00:00.000Z"]);
    // With one of the two fields a wildcard, both agree.
    expect(iso(nextSlot(parseSchedule("cron>", "0 0 * * 1"), after, "UTC").runAt)).toBe(iso(tdNextRun("0 0 * * 1", after, "UTC")!));
  });

  it.each([
    ["hourly>", "61:00"],
    ["daily>", "7:00"],
    ["daily>", "24:00:00"],
    ["weekly>", "Funday,09:00:00"],
    ["weekly>", "09:00:00"],
    ["monthly>", "32,00:00:00"],
    ["minutes_interval>", "0"],
    ["minutes_interval>", "ten"],
    ["cron>", "0 0 * *"],
    ["cron>", "61 * * * *"],
    ["cron>", "0 0 5-1 * *"],
    ["every>", "1"],
  ])("refuses %s %s", (operator, value) => {
    expect(() => parseSchedule(operator, value)).toThrow(ScheduleError);
  });

  it("a cron that never matches is an error, not a hang", () => {
    expect(() => nextSlot({ kind: "cron", expression: "0 0 30 2 *", fields: parseCron("0 0 30 2 *") }, new Date(), "UTC")).toThrow(/never runs/);
  });
});
