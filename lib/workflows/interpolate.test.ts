import { describe, expect, it } from "vitest";
import { builtIns, interpolate, interpolateValue, InterpolationError, positionOf } from "@/lib/workflows/interpolate";

const vars = { td: { database: "kakao_db", nested: { x: 1 } }, name: "n_${session_date_compact}", n: 3, flag: true, empty: null, ...builtIns({ sessionTime: new Date("2025-12-31T16:30:00Z"), timezone: "Asia/Seoul", attemptId: 7, taskName: "+wf+t" }) };

describe("${} interpolation", () => {
  it("built-ins follow the workflow's time zone (16:30 UTC on Dec 31 is Jan 1 in Seoul)", () => {
    expect(interpolate("${session_time}|${session_date}|${session_date_compact}|${session_unixtime}|${timezone}|${task_name}|${attempt_id}", vars)).toBe(
      "2026-01-01T01:30:00+09:00|2026-01-01|20260101|1767198600|Asia/Seoul|+wf+t|7",
    );
  });
  it("dotted paths, nested templates, numbers, booleans, null, maps as JSON", () => {
    expect(interpolate("${td.database}.${ name }:${n}:${flag}:${empty}:${td.nested}", vars)).toBe('kakao_db.n_20260101:3:true::{"x":1}');
  });
  it("text without ${} and lone $ stay as they are", () => {
    expect(interpolate("select '$1', '{x}' from t", vars)).toBe("select '$1', '{x}' from t");
  });
  it("unknown names and expressions are errors with the offset", () => {
    const error = (() => { try { interpolate("ab ${td.missing}", vars); } catch (e) { return e; } })() as InterpolationError;
    expect(error).toBeInstanceOf(InterpolationError);
    expect(error).toMatchObject({ offset: 3, expression: "td.missing", message: '${td.missing}: unknown variable "td.missing"' });
    expect(() => interpolate("${n + 1}", vars)).toThrow(/only variable names/);
    expect(() => interpolate("${toString}", vars)).toThrow(/unknown variable/);
  });
  it("interpolates inside maps and lists, leaving other values", () => {
    expect(interpolateValue({ a: ["${n}", 2], b: { c: "${td.database}" }, d: 5 }, vars)).toEqual({ a: ["3", 2], b: { c: "kakao_db" }, d: 5 });
  });
  it("a self-referencing variable stops expanding instead of looping", () => {
    expect(interpolate("${loop}", { loop: "x${loop}" })).toMatch(/^x+\$\{loop\}$/);
  });
  it("positions are 1-based lines and columns", () => {
    expect(positionOf("ab\ncd${x}", 5)).toEqual({ line: 2, column: 3 });
  });
});
