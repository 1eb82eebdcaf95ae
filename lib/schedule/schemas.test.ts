import { describe, expect, it } from "vitest";
import { fromZodIssues } from "@/lib/errors";
import { scheduleSchema } from "@/lib/schedule/schemas";

const base = { cron: "@daily", timezone: "UTC", delaySeconds: 0 };
function message(input: Record<string, unknown>): string {
  const result = scheduleSchema.safeParse({ ...base, ...input });
  if (result.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return fromZodIssues(result.error.issues).message;
}

describe("scheduleSchema", () => {
  it.each([
    ["0 0 32 * *", 'cron: day-of-month: "32" is out of range 1-31'],
    ["*/0 * * * *", 'cron: minute: "*/0" step must be at least 1'],
    ["*/0", 'cron: expression: "*/0": expected 5 fields separated by single spaces'],
    ["1- * * * *", 'cron: minute: "1-" is not a valid range'],
    ["1-", 'cron: expression: "1-": expected 5 fields'],
    ["0 0 * * mon-", 'cron: day-of-week: "mon-" is not a valid range'],
    ["0  0 * * *", 'cron: expression: "0  0 * * *": expected 5 fields separated by single spaces (min hour day-of-month month day-of-week), got extra whitespace'],
    [" 0 0 * * *", "got extra whitespace"],
    ["0 0 * * * ", "got extra whitespace"],
    ["0 0 * foo *", 'cron: month: "foo" is not a valid month'],
    ["@often", 'cron: expression: "@often" is not a known shortcut'],
    ["0 0 31 4 *", 'cron: day-of-month: "31" never occurs in the selected months'],
  ])("rejects the cron %j naming the field and token", (cron, expected) => {
    expect(message({ cron })).toContain(expected);
  });

  it("rejects an unknown time zone, naming it", () => {
    expect(message({ timezone: "Mars/Base" })).toBe('timezone: unknown time zone "Mars/Base" (use an IANA name such as UTC or Asia/Seoul)');
    expect(message({ timezone: "" })).toMatch(/^timezone: is required/);
    expect(message({ timezone: 9 })).toMatch(/^timezone: must be an IANA time zone name/);
  });

  it.each([
    [1.5, "delaySeconds: must be a whole number of seconds"],
    ["1.5", "delaySeconds: must be a whole number of seconds"],
    ["ten", "delaySeconds: must be a whole number of seconds"],
    ["", "delaySeconds: must be a whole number of seconds"],
    [Number.NaN, "delaySeconds: must be a whole number of seconds"],
    [null, "delaySeconds: must be a whole number of seconds"],
    [-1, "delaySeconds: must be 0 or more seconds"],
    [86_401, "delaySeconds: must be at most 86400 seconds (one day)"],
  ])("rejects the delay %j", (delaySeconds, expected) => {
    expect(message({ delaySeconds })).toBe(expected);
  });

  it("requires cron (\"\" or null for none) and a boolean notifyOnSuccess", () => {
    expect(scheduleSchema.safeParse({ timezone: "UTC", delaySeconds: 0 }).success).toBe(false);
    expect(message({ cron: 5 })).toMatch(/^cron: is required/);
    expect(message({ notifyOnSuccess: "yes" })).toBe("notifyOnSuccess: must be true or false");
  });

  it("accepts None, the shortcuts and custom crons; canonicalizes the zone; reads a delay given as text", () => {
    expect(scheduleSchema.parse({ cron: "", timezone: "UTC", delaySeconds: 0 })).toEqual({ cron: "", timezone: "UTC", delaySeconds: 0 });
    expect(scheduleSchema.parse({ cron: null, timezone: "asia/seoul" })).toEqual({ cron: "", timezone: "Asia/Seoul", delaySeconds: 0 });
    expect(scheduleSchema.parse({ cron: "@hourly", timezone: "UTC", delaySeconds: "600", notifyOnSuccess: true })).toEqual({ cron: "@hourly", timezone: "UTC", delaySeconds: 600, notifyOnSuccess: true });
    expect(scheduleSchema.parse({ cron: "5,*/10,25 0 * * MON-fri", timezone: "America/New_York", delaySeconds: 86_400 }).cron).toBe("5,*/10,25 0 * * MON-fri");
    // The parsed value parses again unchanged (server actions validate, then the domain module does).
    const once = scheduleSchema.parse({ cron: "@daily", timezone: "europe/berlin", delaySeconds: "30" });
    expect(scheduleSchema.parse(once)).toEqual(once);
  });
});
