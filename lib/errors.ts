/**
 * Errors as values: a stable code (for programs) and a human message (shown as-is).
 * Anything thrown that is not an AppError is an internal error: logged, never shown.
 */
export type ErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "invalid_input"
  | "conflict"
  | "rate_limited"
  /** A Kakao authentication is dead (revoked, expired refresh token): the user must reconnect it. */
  | "reconnect_needed"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  rate_limited: 429,
  reconnect_needed: 409,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string>;
  constructor(code: ErrorCode, message: string, fieldErrors?: Record<string, string>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export interface ErrorValue {
  code: ErrorCode;
  message: string;
  fieldErrors?: Record<string, string>;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorValue };

export function httpStatus(code: ErrorCode): number {
  return STATUS[code];
}

/** Turn anything thrown into a value safe to show; internal details stay in the server log. */
export function toErrorValue(error: unknown): ErrorValue {
  if (error instanceof AppError) return { code: error.code, message: error.message, fieldErrors: error.fieldErrors };
  console.error("[internal error]", error instanceof Error ? error.stack ?? error.message : error);
  return { code: "internal", message: "Something went wrong on our side. The error was logged; please try again." };
}

/** zod issues → one message naming the field, plus a per-field map for forms. */
export function fromZodIssues(issues: { path: PropertyKey[]; message: string }[]): AppError {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "input";
    fieldErrors[key] ??= issue.message;
  }
  const [first] = Object.entries(fieldErrors);
  return new AppError("invalid_input", first ? `${first[0]}: ${first[1]}` : "Invalid input", fieldErrors);
}
