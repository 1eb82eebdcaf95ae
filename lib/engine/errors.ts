/**
 * QueryError: why a workbench query failed, in words a user can act on, with where in the SQL
 * (line/column) when PostgreSQL says. `reason` lets callers tell a killed job from a failed one.
 */
import { AppError, type ErrorCode } from "@/lib/errors";
import { positionFromServer, type SqlPosition } from "@/lib/engine/sql";

export type QueryFailure =
  | "empty"
  | "multiple_statements"
  | "not_read_only"
  | "syntax"
  | "invalid_query"
  | "permission"
  | "database_not_found"
  | "timeout"
  | "cancelled"
  | "unavailable";

const CODES: Record<QueryFailure, ErrorCode> = {
  empty: "invalid_input",
  multiple_statements: "invalid_input",
  not_read_only: "invalid_input",
  syntax: "invalid_input",
  invalid_query: "invalid_input",
  permission: "forbidden",
  database_not_found: "not_found",
  timeout: "invalid_input",
  cancelled: "conflict",
  unavailable: "internal",
};

export class QueryError extends AppError {
  readonly reason: QueryFailure;
  readonly position?: SqlPosition;
  /** PostgreSQL's SQLSTATE, when the error came from the server. */
  readonly sqlState?: string;
  constructor(reason: QueryFailure, message: string, extra: { position?: SqlPosition; sqlState?: string } = {}) {
    super(CODES[reason], message);
    this.name = "QueryError";
    this.reason = reason;
    this.position = extra.position;
    this.sqlState = extra.sqlState;
  }
}

/** What the engine knows about the query when an error arrives. */
export interface ErrorContext {
  /** The user's SQL (positions are mapped into it). */
  sql: string;
  /** Characters the engine put in front of it in the text sent (`DECLARE … FOR `, `COPY (`). */
  prefixLength: number;
  timeoutMs: number;
  /** The query was cancelled by the caller (cancel() or an aborted signal). */
  cancelled: boolean;
}

interface PgError extends Error {
  code?: string;
  position?: string;
  hint?: string;
  detail?: string;
}

const sentence = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** `60 s`, `10 min`, `1.5 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${ms} ms`;
}

/** Any error from running a query → a QueryError (non-server errors that are not ours stay as they are: internal). */
export function toQueryError(error: unknown, ctx: ErrorContext): Error {
  if (error instanceof QueryError) return error;
  if (error instanceof AppError) return error;
  const e = error as PgError;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const message = typeof e?.message === "string" ? e.message : String(error);
  if (ctx.cancelled && (!code || code === "57014" || code.startsWith("57P") || code.startsWith("08") || /terminat|Connection terminated/i.test(message))) {
    return new QueryError("cancelled", "The query was cancelled.", { sqlState: code });
  }
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) {
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|timeout expired|Connection terminated|password authentication failed/i.test(message)) {
      return new QueryError("unavailable", `The warehouse cannot be reached: ${message}`);
    }
    return error as Error;
  }
  const position = positionFromServer(ctx.sql, e.position, ctx.prefixLength);
  const at = position ? ` (line ${position.line}, column ${position.column})` : "";
  const hint = e.hint ? ` Hint: ${e.hint}` : "";
  const extra = { position, sqlState: code };
  if (code === "57014") {
    if (/statement timeout/i.test(message)) {
      return new QueryError("timeout", `The query ran longer than its time limit of ${formatDuration(ctx.timeoutMs)} and was stopped.`, extra);
    }
    return new QueryError("cancelled", "The query was cancelled.", extra);
  }
  if (code.startsWith("57P")) return new QueryError("cancelled", "The query was stopped by the server (it was cancelled or the server restarted).", extra);
  if (code === "42601" && /multiple commands/i.test(message)) {
    return new QueryError("multiple_statements", "Only one statement can run at a time: remove everything after the first statement, or run it separately.", extra);
  }
  if (code === "42601") return new QueryError("syntax", `${sentence(message)}${at}.${hint}`, extra);
  if (code === "25006" || (code === "0A000" && /data-modifying/i.test(message))) {
    return new QueryError("not_read_only", `The workbench is read-only: ${message}${at}.`, extra);
  }
  if (code === "42501" || code === "28000" || code === "3D000") {
    return new QueryError("permission", `Not allowed in the workbench: ${message}${at}.`, extra);
  }
  if (code === "53300") {
    return new QueryError("invalid_query", "Too many workbench queries are running at once; try again when one has finished.", extra);
  }
  if (code.startsWith("08") || code === "28P01" || code.startsWith("53")) {
    return new QueryError(code.startsWith("53") ? "invalid_query" : "unavailable", `${sentence(message)}.`, extra);
  }
  return new QueryError("invalid_query", `${sentence(message)}${at}.${hint}`, extra);
}
