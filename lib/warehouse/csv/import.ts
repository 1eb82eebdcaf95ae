/**
 * CSV import into a warehouse table, streamed: the upload is scanned in place (scanner.ts), each
 * record is checked against its column types (types.ts), and the good records go to
 * `COPY … FROM STDIN (FORMAT csv)` byte for byte, as slices of the chunks read — never the whole
 * file in memory, never a string per value. Bad records are skipped and reported by line number.
 *
 * - Header row: column names (trimmed, lower-cased; otherwise they must be valid names).
 * - Types: inferred from the first 1 MiB / 10,000 rows (`previewCsv` shows them), each can be
 *   overridden; appending to an existing table uses its types.
 * - Policy (documented default): good rows are imported and bad ones reported, unless more than
 *   `maxRejectedRatio` (10 %) of the rows are bad — then nothing is imported, as that usually
 *   means a wrong type or delimiter. `maxRejectedRows` aborts as soon as that many are bad (0 = strict).
 * - One transaction: CREATE TABLE (or DROP + CREATE for `replace`) and COPY commit together, so a
 *   failed or cancelled import never leaves a half-created or half-filled table.
 * - Blank lines are skipped (counted in `blankLines`). Naive timestamps for a `timestamptz` column
 *   are read as UTC. Values PostgreSQL would read as NULL: an unquoted empty field, and for
 *   non-text columns also `""`.
 */
import { isUtf8 } from "node:buffer";
import { once } from "node:events";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "@/lib/errors";
import { withWarehouseClient } from "@/lib/warehouse/connection";
import { createTableIn, findDatabase } from "@/lib/warehouse/databases";
import { assertName, columnNameFromHeader, nameProblem, qualified, quoteIdent, suggestColumnName } from "@/lib/warehouse/names";
import { CsvScanner, Eol, FIELD_ESCAPED_QUOTE, FIELD_GUESSED, FIELD_QUOTED, countInFirstLine } from "@/lib/warehouse/csv/scanner";
import {
  Check,
  IMPORT_TYPE_SQL,
  TypeGuess,
  checkForImportType,
  checkForPostgresType,
  checkHasFixedShape,
  importColumnTypeSchema,
  valuePasses,
  type ColumnCheck,
  type ImportColumnType,
} from "@/lib/warehouse/csv/types";

export const SAMPLE_BYTES = 1024 * 1024;
export const SAMPLE_ROWS = 10_000;
export const REJECTED_REPORT_LIMIT = 100;
export const DEFAULT_MAX_REJECTED_RATIO = 0.1;
/** A record longer than this is taken for a quote left open. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const MAX_COLUMNS = 1600; // PostgreSQL's limit
const DELIMITERS = [",", "\t", ";", "|"] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

export type CsvInput = Readable | AsyncIterable<Uint8Array | string> | Uint8Array;

export interface CsvImportProgress {
  bytesRead: number;
  totalBytes: number | null;
  rowsImported: number;
  rowsRejected: number;
}

export interface RejectedLine {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  reason: string;
}

export interface CsvImportOptions {
  database: string;
  table: string;
  /** `auto` (default): append when the table exists, else create. `replace` drops and recreates it. */
  mode?: "auto" | "create" | "append" | "replace";
  /** Column name → type, overriding the inferred type (new tables only). */
  columnTypes?: Record<string, ImportColumnType>;
  /** Default: detected from the header row among `,` tab `;` `|`. */
  delimiter?: CsvDelimiter;
  /** For progress (e.g. the upload's Content-Length). */
  totalBytes?: number;
  /** Called about every 100 ms while importing, and once at the end. */
  onProgress?: (progress: CsvImportProgress) => void;
  signal?: AbortSignal;
  /** Abort (import nothing) when more than this share of rows is rejected. Default 0.1; 1 never aborts. */
  maxRejectedRatio?: number;
  /** Abort as soon as more than this many rows are rejected. Default: no limit; 0 = any bad row aborts. */
  maxRejectedRows?: number;
  sampleBytes?: number;
  sampleRows?: number;
}

export interface ImportedColumn {
  name: string;
  /** PostgreSQL type (`integer`, `text`, `timestamp with time zone`, …). */
  type: string;
}

export interface CsvImportReport {
  database: string;
  table: string;
  mode: "create" | "append" | "replace";
  created: boolean;
  columns: ImportedColumn[];
  rowsImported: number;
  rowsRejected: number;
  blankLines: number;
  /** The first REJECTED_REPORT_LIMIT rejected lines. */
  rejected: RejectedLine[];
  bytesRead: number;
  elapsedMs: number;
}

/** An import that imported nothing; `report` says how far it got and which lines were bad. */
export class CsvImportError extends AppError {
  readonly report: Omit<CsvImportReport, "elapsedMs"> | undefined;
  constructor(message: string, report?: Omit<CsvImportReport, "elapsedMs">, code: "invalid_input" | "conflict" | "not_found" = "invalid_input") {
    super(code, message);
    this.name = "CsvImportError";
    this.report = report;
  }
}

export interface CsvPreviewColumn {
  name: string;
  /** The inferred type (what the import will use unless overridden). */
  type: ImportColumnType;
  /** Non-empty values seen in the sample. */
  values: number;
  /** Up to 5 distinct example values. */
  examples: string[];
}

export interface CsvPreview {
  delimiter: CsvDelimiter;
  columns: CsvPreviewColumn[];
  /** The first 20 data rows (values as text; null for an unquoted empty field). */
  rows: (string | null)[][];
  sampledRows: number;
  sampledBytes: number;
  /** When `database` and `table` were given: whether the import would append to an existing table. */
  table?: { exists: boolean; columns?: ImportedColumn[] };
}

// ---------------------------------------------------------------------------------------------

/**
 * What an import would do with this file: the header's columns and their inferred types, from the
 * first `sampleBytes` (default 1 MiB — pass at least that much of the file's start) or rows.
 */
export async function previewCsv(
  input: CsvInput,
  opts: { delimiter?: CsvDelimiter; sampleBytes?: number; sampleRows?: number; database?: string; table?: string } = {},
): Promise<CsvPreview> {
  const sampleBytes = opts.sampleBytes ?? SAMPLE_BYTES;
  const source = iterate(input);
  const sample = await readSample(source, sampleBytes);
  await source.return?.(undefined);
  const delimiter = opts.delimiter ?? detectDelimiter(sample.data);
  const header = parseHeader(sample.data, delimiter, sample.ended, sampleBytes);
  const inferred = inferColumns(sample.data, header, delimiter, sample.ended, opts.sampleRows ?? SAMPLE_ROWS, 20);
  const preview: CsvPreview = {
    delimiter,
    columns: header.names.map((name, i) => ({ name, type: inferred.guesses[i]!.type, values: inferred.guesses[i]!.values, examples: inferred.examples[i]! })),
    rows: inferred.rows,
    sampledRows: inferred.sampledRows,
    sampledBytes: sample.data.length,
  };
  if (opts.database !== undefined && opts.table !== undefined) {
    assertName("table", opts.table);
    const existing = await withWarehouseClient(async (client) => {
      await findDatabase(client, opts.database!);
      return existingColumns(client, opts.database!, opts.table!);
    });
    preview.table = existing ? { exists: true, columns: existing.map(({ name, type }) => ({ name, type })) } : { exists: false };
  }
  return preview;
}

export async function importCsv(input: CsvInput, opts: CsvImportOptions): Promise<CsvImportReport> {
  const started = Date.now();
  const { database, table } = opts;
  assertName("table", table);
  const requestedMode = opts.mode ?? "auto";
  if (!["auto", "create", "append", "replace"].includes(requestedMode)) throw new AppError("invalid_input", `Unknown import mode ${JSON.stringify(requestedMode)}: use auto, create, append or replace`);
  const maxRatio = opts.maxRejectedRatio ?? DEFAULT_MAX_REJECTED_RATIO;
  const maxRows = opts.maxRejectedRows ?? Infinity;
  if (!(maxRatio >= 0 && maxRatio <= 1)) throw new AppError("invalid_input", "maxRejectedRatio must be between 0 and 1");
  if (!(maxRows >= 0)) throw new AppError("invalid_input", "maxRejectedRows must be 0 or more");
  for (const [name, type] of Object.entries(opts.columnTypes ?? {})) {
    if (!importColumnTypeSchema.safeParse(type).success) throw new AppError("invalid_input", `Column ${name}: unknown type ${JSON.stringify(type)}; use one of ${Object.keys(IMPORT_TYPE_SQL).join(", ")}`);
  }
  if (opts.delimiter !== undefined && !DELIMITERS.includes(opts.delimiter)) throw new AppError("invalid_input", "The delimiter must be a comma, a tab, a semicolon or a vertical bar");
  throwIfAborted(opts.signal);

  const sampleBytes = opts.sampleBytes ?? SAMPLE_BYTES;
  const source = iterate(input);
  let sample: Awaited<ReturnType<typeof readSample>>;
  try {
    sample = await readSample(source, sampleBytes);
  } catch (error) {
    throw uploadError(error);
  }
  const delimiter = opts.delimiter ?? detectDelimiter(sample.data);
  let header: Header;
  try {
    header = parseHeader(sample.data, delimiter, sample.ended, sampleBytes);
  } catch (error) {
    await source.return?.(undefined);
    throw error;
  }

  const report = await withWarehouseClient(async (client) => {
    await client.query("begin");
    let copy: ReturnType<typeof copyFrom> | undefined;
    try {
      await client.query("set local lock_timeout = '10s'; set local timezone = 'UTC'");
      await findDatabase(client, database);
      const existing = await existingColumns(client, database, table);
      const mode = requestedMode === "auto" ? (existing ? "append" : "create") : requestedMode;
      if (mode === "create" && existing) throw new CsvImportError(`Table ${database}.${table} already exists: choose another name, or append to it`, undefined, "conflict");
      if (mode === "append" && !existing) throw new CsvImportError(`Table ${database}.${table} does not exist: create it by importing with mode create`, undefined, "not_found");

      let columns: { name: string; type: string; check: ColumnCheck }[];
      let created = false;
      const { guesses } = inferColumns(sample.data, header, delimiter, sample.ended, opts.sampleRows ?? SAMPLE_ROWS, 0);
      if (mode === "append") {
        columns = appendColumns(header, existing!, opts.columnTypes, database, table);
      } else {
        for (const name of Object.keys(opts.columnTypes ?? {})) {
          if (!header.names.includes(name)) throw new AppError("invalid_input", `Type override for column ${name}, which is not in the header row (${header.names.join(", ")})`);
        }
        const types = header.names.map((name, i) => opts.columnTypes?.[name] ?? guesses[i]!.type);
        if (existing) await client.query(`drop table ${qualified(database, table)}`);
        await createTableIn(client, database, table, header.names.map((name, i) => ({ name, type: types[i]! })));
        created = true;
        columns = header.names.map((name, i) => ({ name, type: IMPORT_TYPE_SQL[types[i]!], check: checkForImportType(types[i]!) }));
      }

      const forceNull = columns.filter((c) => c.check.forceNull).map((c) => quoteIdent(c.name));
      const copyOptions = [
        "format csv",
        `delimiter '${delimiter}'`,
        ...(forceNull.length ? [`force_null (${forceNull.join(", ")})`] : []),
        // Rows written by the transaction that created the table can be frozen right away.
        ...(created ? ["freeze"] : []),
      ];
      copy = client.query(copyFrom(`copy ${qualified(database, table)} (${columns.map((c) => quoteIdent(c.name)).join(", ")}) from stdin with (${copyOptions.join(", ")})`));
      let copyError: unknown;
      copy.on("error", (error) => (copyError ??= error));

      const loader = new RecordLoader(delimiter, columns, header.lines + 1);
      loader.setWidths(guesses.map((g) => g.width));
      const progress = new ProgressReporter(opts.onProgress, opts.totalBytes ?? null);
      let bytesRead = sample.bytes;
      const partial = () => loader.partialReport(database, table, mode, created, columns, bytesRead);
      const checkLimits = () => {
        if (loader.rowsRejected > maxRows) {
          throw new CsvImportError(`More than ${maxRows} rows were rejected, so nothing was imported. ${loader.firstProblems()}`, partial());
        }
        throwIfAborted(opts.signal);
      };
      const write = async (slices: Buffer[]) => {
        for (const slice of slices) {
          if (copyError) throw copyError;
          if (!copy!.write(slice)) await once(copy!, "drain");
        }
        if (copyError) throw copyError;
      };

      // The sample (after the header), then the rest of the stream.
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let need = 0;
      let data = sample.data;
      let consumed = loader.process(data, header.next, sample.ended);
      await write(loader.takeOutput());
      if (consumed < data.length) {
        pending = [data.subarray(consumed)];
        pendingBytes = data.length - consumed;
      }
      checkLimits();
      progress.report(bytesRead, loader, false);
      if (!sample.ended) {
        for (;;) {
          let next: IteratorResult<Uint8Array | string>;
          try {
            next = await source.next();
          } catch (error) {
            throw uploadError(error);
          }
          if (next.done) break;
          const chunk = toBuffer(next.value);
          bytesRead += chunk.length;
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < need) continue;
          data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
          consumed = loader.process(data, 0, false);
          await write(loader.takeOutput());
          pending = consumed < data.length ? [data.subarray(consumed)] : [];
          pendingBytes = data.length - consumed;
          if (pendingBytes > MAX_RECORD_BYTES) {
            throw new CsvImportError(`Line ${loader.line}: a row longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB — is a quote left open? Nothing was imported.`, partial());
          }
          // Rescan a long unfinished record only once it has doubled, so the work stays linear.
          need = pendingBytes > 65536 ? pendingBytes * 2 : 0;
          checkLimits();
          progress.report(bytesRead, loader, false);
        }
        data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        loader.process(data, 0, true);
        await write(loader.takeOutput());
      }
      checkLimits();
      copy.end();
      try {
        await finished(copy);
      } catch (error) {
        throw copyFailure(error, loader, partial());
      }
      if (copyError) throw copyFailure(copyError, loader, partial());

      const total = loader.rowsImported + loader.rowsRejected;
      if (loader.rowsRejected > 0 && loader.rowsRejected > total * maxRatio) {
        const pct = ((loader.rowsRejected / total) * 100).toFixed(1);
        throw new CsvImportError(
          `${loader.rowsRejected.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows (${pct}%) were rejected, more than the ${Math.round(maxRatio * 1000) / 10}% allowed, so nothing was imported. ${loader.firstProblems()}`,
          partial(),
        );
      }
      if (copy.rowCount !== loader.rowsImported) throw new Error(`COPY stored ${copy.rowCount} rows, the scanner sent ${loader.rowsImported}`);
      await client.query("commit");
      progress.report(bytesRead, loader, true);
      return { ...partial(), elapsedMs: 0 };
    } catch (error) {
      if (copy && !copy.destroyed) copy.destroy(new Error("import aborted"));
      await Promise.race([client.query("rollback").catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      await source.return?.(undefined).catch(() => {});
      throw mapPgError(error, database, table);
    }
  });
  // Fresh statistics so listings and the planner know the table's size.
  await withWarehouseClient((client) => client.query(`analyze ${qualified(database, table)}`)).catch(() => {});
  return { ...report, elapsedMs: Date.now() - started };
}

/**
 * A RecordLoader set up as importCsv sets it up for a file starting with `sample` and a table with
 * these columns (header order); `start` is where the data after the header begins. For the bench.
 */
export function loaderForSample(sample: Buffer, columns: ImportedColumn[], delimiter: CsvDelimiter = detectDelimiter(sample)): { loader: RecordLoader; start: number } {
  const header = parseHeader(sample, delimiter, false, sample.length);
  const { guesses } = inferColumns(sample, header, delimiter, false, SAMPLE_ROWS, 0);
  const loader = new RecordLoader(delimiter, columns.map((c) => ({ name: c.name, check: checkForPostgresType(c.type) })), header.lines + 1);
  loader.setWidths(guesses.map((g) => g.width));
  return { loader, start: header.next };
}

// ---------------------------------------------------------------------------------------------

interface Header {
  names: string[];
  /** Index after the header record. */
  next: number;
  /** Line breaks in the header record (normally 0). */
  lines: number;
}

/** Scans records, checks them, and collects the slices to send to COPY (exported for the bench). */
export class RecordLoader {
  readonly scanner: CsvScanner;
  /** Line of the next record. */
  line: number;
  rowsImported = 0;
  rowsRejected = 0;
  blankLines = 0;
  readonly rejected: RejectedLine[] = [];
  private output: Buffer[] = [];
  private eolBytes: Buffer | null = null;
  private readonly ncols: number;
  private readonly checked: number[];
  private readonly lineMap = new CopyLineMap();
  private copyLine = 1;
  private guessing = false;

  constructor(
    delimiter: string,
    private readonly columns: { name: string; check: ColumnCheck }[],
    firstLine: number,
  ) {
    this.ncols = columns.length;
    this.scanner = new CsvScanner(delimiter.charCodeAt(0), this.ncols + 1);
    this.line = firstLine;
    this.checked = columns.map((c, i) => (c.check.kind !== Check.none || c.check.notNull ? i : -1)).filter((i) => i >= 0);
  }

  takeOutput(): Buffer[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  /** Scan complete records of `data` from `start`; returns where the first incomplete one starts. */
  process(data: Buffer, start: number, final: boolean): number {
    const sc = this.scanner;
    const n = data.length;
    // Encoding is checked for the whole buffer at once (up to its last line break); only a buffer
    // with a bad byte somewhere is checked record by record.
    const lastLf = data.lastIndexOf(10, n - 1);
    let encodingOkUpTo = start;
    if (lastLf >= start) {
      const nul = data.indexOf(0, start);
      const upTo = nul >= 0 && nul <= lastLf ? nul : lastLf + 1;
      if (isUtf8(data.subarray(start, upTo))) encodingOkUpTo = upTo;
    }
    let p = start;
    let runStart = p;
    while (p < n) {
      if (!sc.scan(data, p, n, final)) break;
      const recordStart = p;
      let reason = this.evaluate(data, recordStart, encodingOkUpTo);
      if (reason !== null && this.guessing && this.anyGuessed()) {
        // A width guess was wrong: scan this record the slow way (same result as if never guessed).
        if (!sc.scan(data, recordStart, n, final, false)) break;
        reason = this.evaluate(data, recordStart, encodingOkUpTo);
      }
      const line = this.line;
      p = sc.next;
      const lines = sc.innerLines + (sc.eol === Eol.none ? 0 : 1);
      this.line += lines;
      if (reason === BLANK) {
        this.blankLines++;
        if (recordStart > runStart) this.output.push(data.subarray(runStart, recordStart));
        runStart = p;
        continue;
      }
      if (reason !== null) {
        this.rowsRejected++;
        if (this.rejected.length < REJECTED_REPORT_LIMIT) this.rejected.push({ line, reason });
        if (recordStart > runStart) this.output.push(data.subarray(runStart, recordStart));
        runStart = p;
        continue;
      }
      this.rowsImported++;
      this.lineMap.record(this.copyLine, line);
      this.copyLine += lines;
      if (sc.eol === Eol.lf || sc.eol === Eol.crlf) this.eolBytes ??= sc.eol === Eol.lf ? LF_BYTES : CRLF_BYTES;
      // PostgreSQL wants every line to end like the first one; and a lone \. could end the data.
      const mixedEol = (sc.eol === Eol.lf && this.eolBytes === CRLF_BYTES) || (sc.eol === Eol.crlf && this.eolBytes === LF_BYTES) || sc.eol === Eol.crAtEnd;
      const endMarker = this.ncols === 1 && sc.bodyEnd - recordStart === 2 && data[recordStart] === 92 && data[recordStart + 1] === 46;
      if (mixedEol || endMarker) {
        if (recordStart > runStart) this.output.push(data.subarray(runStart, recordStart));
        const body = endMarker ? Buffer.from('"\\."') : data.subarray(recordStart, sc.bodyEnd);
        this.output.push(sc.eol === Eol.none ? body : Buffer.concat([body, this.eolBytes ?? LF_BYTES]));
        runStart = p;
      }
    }
    if (p > runStart) this.output.push(data.subarray(runStart, p));
    return p;
  }

  /** Expected widths of fixed-shape columns (uuid, date, timestamp), from the sample: lets the scanner skip them. */
  setWidths(widths: number[]): void {
    widths.forEach((w, i) => {
      if (w > 0 && checkHasFixedShape(this.columns[i]!.check)) {
        this.scanner.widths[i] = w;
        this.guessing = true;
      }
    });
  }

  private anyGuessed(): boolean {
    const sc = this.scanner;
    for (let i = 0; i < Math.min(sc.fields, sc.maxFields); i++) if (sc.fieldFlags[i]! & FIELD_GUESSED) return true;
    return false;
  }

  /** Why the scanned record cannot be imported (BLANK for an empty line), or null. */
  private evaluate(data: Buffer, recordStart: number, encodingOkUpTo: number): string | null {
    const sc = this.scanner;
    if (sc.problem) return sc.problem;
    if (sc.fields === 1 && sc.bodyEnd === recordStart) return BLANK;
    if (sc.next > encodingOkUpTo) {
      const bytes = data.subarray(recordStart, sc.next);
      if (bytes.indexOf(0) >= 0) return "contains a NUL byte (is this a text file?)";
      if (!isUtf8(bytes)) return "not valid UTF-8 text (save the file as UTF-8)";
    }
    if (sc.fields !== this.ncols) return `expected ${this.ncols} field${this.ncols === 1 ? "" : "s"}, found ${sc.fields}`;
    return this.checkValues(data);
  }

  /** Why the record's values do not fit their columns, or null. */
  private checkValues(data: Buffer): string | null {
    const sc = this.scanner;
    const checked = this.checked;
    for (let k = 0; k < checked.length; k++) {
      const i = checked[k]!;
      const column = this.columns[i]!;
      const check = column.check;
      const s = sc.fieldStart[i]!;
      const e = sc.fieldEnd[i]!;
      const flags = sc.fieldFlags[i]!;
      if (s === e) {
        // Unquoted empty is NULL; so is "" for columns read with FORCE_NULL.
        if (check.notNull && (!(flags & FIELD_QUOTED) || check.forceNull)) return `column ${column.name}: empty, but the column does not allow empty (NULL) values`;
        continue;
      }
      if (flags & FIELD_ESCAPED_QUOTE && check.kind !== Check.none && check.kind !== Check.maxChars && check.kind !== Check.json) {
        return `column ${column.name}: ${show(data, s, e)} is not ${check.expected}`;
      }
      if (!valuePasses(check, data, s, e)) return `column ${column.name}: ${show(data, s, e)} is not ${check.expected}`;
    }
    return null;
  }

  firstProblems(): string {
    const shown = this.rejected.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`);
    return shown.length ? `First: ${shown.join("; ")}.` : "";
  }

  /** The file line of a line number PostgreSQL reports for the COPY stream. */
  fileLine(copyLine: number): number | undefined {
    return this.lineMap.fileLine(copyLine);
  }

  partialReport(database: string, table: string, mode: CsvImportReport["mode"], created: boolean, columns: ImportedColumn[], bytesRead: number): Omit<CsvImportReport, "elapsedMs"> {
    return {
      database,
      table,
      mode,
      created,
      columns: columns.map(({ name, type }) => ({ name, type })),
      rowsImported: this.rowsImported,
      rowsRejected: this.rowsRejected,
      blankLines: this.blankLines,
      rejected: [...this.rejected],
      bytesRead,
    };
  }
}

/** The reason evaluate() gives an empty line (skipped and counted, not rejected). */
const BLANK = "\u0000blank";
const LF_BYTES = Buffer.from("\n");
const CRLF_BYTES = Buffer.from("\r\n");

/**
 * COPY-stream line → file line. They differ by a constant between skipped records, so only the
 * points where the difference changes are kept (bounded; past that, lines are not mapped).
 */
class CopyLineMap {
  private starts: number[] = [];
  private offsets: number[] = [];
  private full = false;

  record(copyLine: number, fileLine: number): void {
    const offset = fileLine - copyLine;
    if (this.offsets.length && this.offsets[this.offsets.length - 1] === offset) return;
    if (this.starts.length >= 1_000_000) {
      this.full = true;
      return;
    }
    this.starts.push(copyLine);
    this.offsets.push(offset);
  }

  fileLine(copyLine: number): number | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0 || copyLine < this.starts[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= copyLine) lo = mid;
      else hi = mid - 1;
    }
    if (this.full && lo === this.starts.length - 1) return undefined;
    return copyLine + this.offsets[lo]!;
  }
}

class ProgressReporter {
  private last = 0;
  constructor(
    private readonly onProgress: CsvImportOptions["onProgress"],
    private readonly totalBytes: number | null,
  ) {}

  report(bytesRead: number, loader: RecordLoader, final: boolean): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!final && now - this.last < 100) return;
    this.last = now;
    this.onProgress({ bytesRead, totalBytes: this.totalBytes, rowsImported: loader.rowsImported, rowsRejected: loader.rowsRejected });
  }
}

// ---------------------------------------------------------------------------------------------

function iterate(input: CsvInput): AsyncIterator<Uint8Array | string> {
  if (input instanceof Uint8Array) return Readable.from([input])[Symbol.asyncIterator]();
  return (input as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
}

function toBuffer(value: Uint8Array | string): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** The first `bytes` (or all, when shorter) of the input; the iterator is left positioned after them. */
async function readSample(source: AsyncIterator<Uint8Array | string>, bytes: number): Promise<{ data: Buffer; bytes: number; ended: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  let ended = false;
  while (total < bytes) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    total += chunk.length;
  }
  if (total === 0) {
    throw new CsvImportError("The file is empty (0 bytes): a CSV file needs a header row with the column names, then one row per line.");
  }
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), bytes: total, ended };
}

/** The delimiter the header row uses most, among comma, tab, semicolon and bar (comma on a tie). */
export function detectDelimiter(data: Uint8Array): CsvDelimiter {
  let best: CsvDelimiter = ",";
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = countInFirstLine(data.subarray(0, 65536), d.charCodeAt(0));
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

function fieldText(data: Uint8Array, s: number, e: number, flags: number): string {
  const text = decoder.decode(data.subarray(s, e));
  return flags & FIELD_ESCAPED_QUOTE ? text.replace(/""/g, '"') : text;
}

function show(data: Uint8Array, s: number, e: number): string {
  const text = decoder.decode(data.subarray(s, Math.min(e, s + 60)));
  return JSON.stringify(e - s > 60 ? `${text}…` : text);
}

function parseHeader(data: Buffer, delimiter: string, ended: boolean, sampleBytes: number): Header {
  const bom = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  const scanner = new CsvScanner(delimiter.charCodeAt(0), MAX_COLUMNS + 1);
  if (!scanner.scan(data, bom, data.length, ended)) {
    throw new CsvImportError(`The header row is longer than ${Math.round(sampleBytes / 1024)} KB: is this a CSV file with the column names on the first line?`);
  }
  if (scanner.problem) throw new CsvImportError(`The header row is malformed: ${scanner.problem}.`);
  if (scanner.eol === Eol.crAtEnd || (scanner.bodyEnd === bom && scanner.fields === 1)) {
    throw new CsvImportError("The header row is empty: the first line must hold the column names, separated by commas.");
  }
  if (scanner.fields > MAX_COLUMNS) throw new CsvImportError(`The header row has ${scanner.fields} columns; a table can have at most ${MAX_COLUMNS}.`);
  if (!isUtf8(data.subarray(bom, scanner.bodyEnd))) throw new CsvImportError("The header row is not valid UTF-8 text: save the file as UTF-8.");
  const names: string[] = [];
  const firstSeen = new Map<string, number>();
  for (let i = 0; i < scanner.fields; i++) {
    const raw = fieldText(data, scanner.fieldStart[i]!, scanner.fieldEnd[i]!, scanner.fieldFlags[i]!);
    const name = columnNameFromHeader(raw);
    if (name === "") throw new CsvImportError(`Column ${i + 1} of the header row has no name: every column needs one.`);
    const problem = nameProblem("column", name);
    if (problem) throw new CsvImportError(`Column ${i + 1} of the header row: ${problem} (for example ${suggestColumnName(raw)}).`);
    const seen = firstSeen.get(name);
    if (seen !== undefined) throw new CsvImportError(`Column name ${name} appears twice in the header row (columns ${seen + 1} and ${i + 1}): column names must be unique.`);
    firstSeen.set(name, i);
    names.push(name);
  }
  return { names, next: scanner.next, lines: scanner.innerLines + 1 };
}

/** Guess column types from the sample's records (malformed ones are ignored); also rows for a preview. */
function inferColumns(data: Buffer, header: Header, delimiter: string, ended: boolean, sampleRows: number, keepRows: number) {
  const ncols = header.names.length;
  const guesses = header.names.map(() => new TypeGuess());
  const examples: string[][] = header.names.map(() => []);
  const rows: (string | null)[][] = [];
  const scanner = new CsvScanner(delimiter.charCodeAt(0), ncols + 1);
  let p = header.next;
  let sampledRows = 0;
  while (p < data.length && sampledRows < sampleRows) {
    if (!scanner.scan(data, p, data.length, ended)) break;
    const start = p;
    p = scanner.next;
    if (scanner.problem || scanner.fields !== ncols || (ncols === 1 && scanner.bodyEnd === start)) continue;
    if (!isUtf8(data.subarray(start, scanner.bodyEnd))) continue;
    sampledRows++;
    const row: (string | null)[] = [];
    for (let i = 0; i < ncols; i++) {
      const s = scanner.fieldStart[i]!;
      const e = scanner.fieldEnd[i]!;
      const flags = scanner.fieldFlags[i]!;
      if (s < e) {
        guesses[i]!.add(data, s, e, (flags & FIELD_ESCAPED_QUOTE) !== 0, (flags & FIELD_QUOTED) !== 0);
        if (examples[i]!.length < 5) {
          const text = fieldText(data, s, e, flags);
          if (!examples[i]!.includes(text)) examples[i]!.push(text.length > 100 ? `${text.slice(0, 100)}…` : text);
        }
      }
      if (rows.length < keepRows) row.push(s === e && !(flags & FIELD_QUOTED) ? null : fieldText(data, s, e, flags));
    }
    if (rows.length < keepRows) rows.push(row);
  }
  return { guesses, examples, rows, sampledRows };
}

interface ExistingColumn {
  name: string;
  type: string;
  notNull: boolean;
}

async function existingColumns(client: pg.ClientBase, database: string, table: string): Promise<ExistingColumn[] | null> {
  const { rows } = await client.query<{ relkind: string; columns: ExistingColumn[] | null }>(
    `select c.relkind,
            (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull) order by a.attnum)
               from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2`,
    [database, table],
  );
  if (!rows[0]) return null;
  if (rows[0].relkind !== "r" && rows[0].relkind !== "p") throw new CsvImportError(`${database}.${table} is a view, not a table: import into a table.`, undefined, "conflict");
  return rows[0].columns ?? [];
}

function appendColumns(header: Header, existing: ExistingColumn[], overrides: Record<string, ImportColumnType> | undefined, database: string, table: string) {
  const byName = new Map(existing.map((c) => [c.name, c]));
  return header.names.map((name) => {
    const column = byName.get(name);
    if (!column) {
      throw new CsvImportError(`Column ${name} of the header row is not in table ${database}.${table} (its columns: ${existing.map((c) => c.name).join(", ")}).`);
    }
    const override = overrides?.[name];
    if (override && IMPORT_TYPE_SQL[override] !== column.type && override !== column.type) {
      throw new CsvImportError(`Column ${name} of ${database}.${table} is ${column.type}: an import into an existing table cannot change its type.`);
    }
    return { name, type: column.type, check: { ...checkForPostgresType(column.type), notNull: column.notNull } };
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CsvImportError("The import was cancelled; nothing was imported.", undefined, "conflict");
}

function uploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  return new CsvImportError(`The upload was interrupted (${(error as Error)?.message ?? error}); nothing was imported.`);
}

/** PostgreSQL refused a row we let through (a constraint, a rare value): name the file line. */
function copyFailure(error: unknown, loader: RecordLoader, report: Omit<CsvImportReport, "elapsedMs">): unknown {
  const e = error as { code?: string; message?: string; where?: string };
  if (!e?.code) return error;
  const match = /line (\d+)(?:, column ([^:]+))?/.exec(e.where ?? "");
  const line = match ? loader.fileLine(Number(match[1])) : undefined;
  const where = line !== undefined ? `Line ${line}${match?.[2] ? ` (column ${match[2]})` : ""}: ` : "";
  return new CsvImportError(`${where}PostgreSQL rejected the row: ${e.message}. Nothing was imported.`, report);
}

function mapPgError(error: unknown, database: string, table: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === "55P03") return new CsvImportError(`Table ${database}.${table} is in use by a running query or import; try again when it has finished.`, undefined, "conflict");
  if (code === "42P07" || code === "23505") return new CsvImportError(`Table ${database}.${table} already exists.`, undefined, "conflict");
  return error;
}
