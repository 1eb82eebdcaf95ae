/**
 * `${...}` interpolation of digdag parameters and .sql templates. Pure (no I/O).
 *
 * digdag evaluates `${}` as JavaScript; we support the subset workflows here use: a variable name or a
 * dotted path into an exported map (`${td.database}`). Anything else is an error naming the
 * expression, as is a name that is not defined — at upload and at run start, never mid-run.
 * Exported values may themselves hold `${}` (e.g. `file: audience_${session_date_compact}`); they
 * are expanded when used.
 */
import { DateTime } from "luxon";

export type Vars = Record<string, unknown>;

const EXPRESSION = /\$\{([^{}]*)\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const MAX_DEPTH = 10;

export class InterpolationError extends Error {
  constructor(
    message: string,
    /** Offset of the `${` in the template. */
    readonly offset: number,
    readonly expression: string,
  ) {
    super(message);
    this.name = "InterpolationError";
  }
}

/** The built-in variables of a session (digdag's names), in the workflow's time zone. */
export function builtIns(input: { sessionTime: Date; timezone: string; attemptId: number; taskName: string }): Vars {
  const local = DateTime.fromJSDate(input.sessionTime, { zone: input.timezone });
  if (!local.isValid) throw new Error(`timezone: "${input.timezone}" is not a time zone`);
  return {
    session_time: local.toISO({ suppressMilliseconds: true }),
    session_date: local.toFormat("yyyy-MM-dd"),
    session_date_compact: local.toFormat("yyyyMMdd"),
    session_unixtime: Math.floor(input.sessionTime.getTime() / 1000),
    timezone: input.timezone,
    task_name: input.taskName,
    attempt_id: input.attemptId,
  };
}

export const BUILT_IN_NAMES = ["session_time", "session_date", "session_date_compact", "session_unixtime", "timezone", "task_name", "attempt_id"] as const;

function lookup(vars: Vars, expression: string): { found: boolean; value: unknown } {
  let current: unknown = vars;
  for (const part of expression.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, part)) return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

function render(value: unknown, vars: Vars, depth: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return depth < MAX_DEPTH ? expand(value, vars, depth + 1) : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function expand(template: string, vars: Vars, depth: number): string {
  return template.replace(EXPRESSION, (_match, raw: string, offset: number) => {
    const expression = raw.trim();
    if (!PATH.test(expression)) {
      throw new InterpolationError(`\${${raw}}: only variable names and dotted paths (like \${td.database}) are supported`, offset, raw);
    }
    const { found, value } = lookup(vars, expression);
    if (!found) throw new InterpolationError(`\${${expression}}: unknown variable "${expression}"`, offset, expression);
    return render(value, vars, depth);
  });
}

/** Expand every `${...}` of a template; throws InterpolationError for an unknown name. */
export function interpolate(template: string, vars: Vars): string {
  return expand(template, vars, 0);
}

/** Interpolate every string inside a parameter value (maps and lists too); other values stay. */
export function interpolateValue(value: unknown, vars: Vars): unknown {
  if (typeof value === "string") return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateValue(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValue(v, vars)]));
  return value;
}

/** 1-based line and column of an offset in a text (for errors in .sql templates). */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
