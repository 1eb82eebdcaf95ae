/**
 * The query engine interface: everything that runs a user's SQL goes through it, so a distributed
 * engine (Trino) can be added beside PostgreSQL without touching callers. The caller states which
 * database (TD database = schema) the query runs in and how long it may take; the engine enforces
 * the sandbox (read-only, one statement, only data schemas) and reports failures as QueryError.
 */
import type { Readable } from "node:stream";

export interface ColumnInfo {
  name: string;
  /** The engine's type name; PostgreSQL: `format_type` (`text`, `character varying(36)`, `numeric(12,2)`, `timestamp with time zone`). */
  type: string;
}

/** A row: each value as the engine's text form (PostgreSQL's output format, e.g. `t`/`f` for booleans), or null. */
export type QueryRow = (string | null)[];

/** Default time limits (statement timeout). */
export const PREVIEW_TIMEOUT_MS = 60_000;
export const EXPORT_TIMEOUT_MS = 10 * 60_000;
/** Preview caps: at most this many rows, and about this many bytes of values. */
export const PREVIEW_ROW_LIMIT = 1_000;
export const PREVIEW_BYTE_LIMIT = 16 * 1024 * 1024;

export interface QueryOptions {
  /** The TD database (schema) the query's unqualified table names resolve in. */
  database: string;
  /** Statement timeout in ms (PREVIEW_TIMEOUT_MS / EXPORT_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * An id the caller chooses (letters, digits, `-`, `_`; ≤ 53) so that `cancel(queryId)` can stop this
   * query, from this process or another one. Optional; without it only `signal` can stop it.
   */
  queryId?: string;
  /** Aborting cancels the query on the server. */
  signal?: AbortSignal;
  /**
   * Values for `$1`, `$2`… in the SQL, sent apart from it (bind parameters): how generated SQL
   * (segments) carries user values without ever splicing them into the text. `copyOut` takes none
   * (PostgreSQL's COPY cannot bind parameters); callers stream such queries instead.
   */
  params?: QueryParam[];
}

export type QueryParam = string | number | boolean | null;

export interface StreamOptions extends QueryOptions {
  /** Called once with the result's columns, before the first row. */
  onColumns?(columns: ColumnInfo[]): void;
  /** Rows fetched per round trip (default 1,000). */
  batchRows?: number;
}

export interface PreviewOptions extends QueryOptions {
  /** At most this many rows (default PREVIEW_ROW_LIMIT). */
  limitRows?: number;
  /** Stop fetching once the values add up to about this many bytes (default PREVIEW_BYTE_LIMIT). */
  limitBytes?: number;
  /** Count all rows when there are more than the preview shows (default true; counting runs the rest of the query). */
  countTotal?: boolean;
}

export interface PreviewResult {
  columns: ColumnInfo[];
  rows: QueryRow[];
  /** All rows the query returns (counted on the server past the preview rows); null when counting ran out of time. */
  totalRows: number | null;
  /** Whether `rows` is only the first part of the result. */
  truncated: boolean;
  elapsedMs: number;
}

export interface CopyOutOptions extends QueryOptions {
  /** Stream PostgreSQL's CopyData messages as they are (see CopyOutResult.framed) when the engine can. */
  framed?: boolean;
}

export interface CopyOutResult {
  columns: ColumnInfo[];
  /**
   * Bytes of `COPY (<query>) TO STDOUT` in PostgreSQL's text format: one row per `\n`-terminated
   * line, tab-separated, `\N` for NULL, backslash escapes. Ends when the result does; errors
   * (timeout, cancel) arrive as a QueryError on the stream.
   */
  stream: Readable;
  /**
   * The stream holds that text inside PostgreSQL's CopyData messages (`'d'`, int32 length, one row
   * each; a message may be cut across chunks), as they came off the wire: asked for with
   * `framed`, it spares the consumer a copy of every row (lib/engine/copy-out.ts).
   */
  framed: boolean;
}

export interface QueryEngine {
  readonly name: string;
  /** Rows of the query as they come, with constant memory; columns reach `onColumns` first. */
  stream(sql: string, opts: StreamOptions): AsyncIterable<QueryRow>;
  /** The first rows, the total count, columns and types, for the workbench's result grid. */
  preview(sql: string, opts: PreviewOptions): Promise<PreviewResult>;
  /** The export fast path (engines that can): the raw rows as text, under the same sandbox. */
  copyOut?(sql: string, opts: CopyOutOptions): Promise<CopyOutResult>;
  /** Stop the query started with this `queryId` (here or in another process). Resolves whether or not it was running. */
  cancel(queryId: string): Promise<void>;
  /** Release connections (tests, shutdown). */
  close(): Promise<void>;
}
