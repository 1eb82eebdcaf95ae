/**
 * A query-only job's stored result is PostgreSQL's COPY text (one row per line, tab-separated,
 * `\N` for NULL, backslash escapes). These turn it into what `/v3/job/result?format=` and the CLI
 * serve, one line at a time (pure functions; the streaming wrapper is formatResult()):
 *  - tsv: values tab-separated, NULL as an empty field, tab/newline/CR/backslash escaped as in COPY;
 *  - csv: RFC 4180 (quoted when needed), NULL as an empty field;
 *  - json: one JSON array per line (Treasure Data's JSON result), numbers and booleans typed from
 *    the result's column types, json columns parsed, NULL as null.
 */
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { ColumnInfo } from "@/lib/engine";

export const RESULT_FORMATS = ["tsv", "csv", "json"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export const CONTENT_TYPES: Record<ResultFormat, string> = {
  tsv: "text/tab-separated-values; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/x-ndjson; charset=utf-8",
};

const SIMPLE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** One COPY text field → its value (null for `\N`). */
export function decodeCopyField(field: string): string | null {
  if (field === "\\N") return null;
  if (!field.includes("\\")) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code.length > 1 && code[0] === "x") return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return SIMPLE[code] ?? code;
  });
}

/** One COPY text line (without its `\n`) → the row's values. */
export function decodeCopyLine(line: string): (string | null)[] {
  return line.split("\t").map(decodeCopyField);
}

const TSV_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function tsvLine(row: (string | null)[]): string {
  return row.map((v) => (v === null ? "" : v.replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c]!))).join("\t") + "\n";
}

export function csvLine(row: (string | null)[]): string {
  return row.map((v) => (v === null ? "" : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(",") + "\r\n";
}

type Kind = "integer" | "float" | "decimal" | "boolean" | "json" | "string";

function kindOf(type: string): Kind {
  const t = type.toLowerCase();
  if (/^(smallint|integer|bigint|int[248]?)$/.test(t)) return "integer";
  if (/^(real|double precision|float[48]?)$/.test(t)) return "float";
  if (/^(numeric|decimal)\b/.test(t)) return "decimal";
  if (t === "boolean" || t === "bool") return "boolean";
  if (t === "json" || t === "jsonb") return "json";
  return "string";
}

/** A JSON-lines writer for these columns: numbers that fit a double exactly stay numbers, others strings. */
export function jsonLineFor(columns: Pick<ColumnInfo, "type">[]): (row: (string | null)[]) => string {
  const kinds = columns.map((c) => kindOf(c.type));
  return (row) =>
    JSON.stringify(
      row.map((v, i) => {
        if (v === null) return null;
        switch (kinds[i]) {
          case "integer":
            return Number.isSafeInteger(Number(v)) ? Number(v) : v;
          case "float":
            return Number.isFinite(Number(v)) ? Number(v) : v;
          case "decimal":
            // Up to 15 significant digits survive a double exactly; longer ones stay text.
            return Number.isFinite(Number(v)) && v.replace(/[-+.]/g, "").replace(/^0+/, "").length <= 15 ? Number(v) : v;
          case "boolean":
            return v === "t" || v === "true";
          case "json":
            try {
              return JSON.parse(v) as unknown;
            } catch {
              return v;
            }
          default:
            return v;
        }
      }),
    ) + "\n";
}

/** Header line for tsv/csv (the CLI's -c). */
export function headerLine(format: Exclude<ResultFormat, "json">, columns: Pick<ColumnInfo, "name">[]): string {
  const names = columns.map((c) => c.name);
  return format === "csv" ? csvLine(names) : tsvLine(names);
}

/** Re-encode a COPY text stream in the requested format, line by line (memory stays flat). */
export function formatResult(copyText: AsyncIterable<Buffer | string>, format: ResultFormat, columns: Pick<ColumnInfo, "type">[]): Readable {
  const write = format === "json" ? jsonLineFor(columns) : format === "csv" ? csvLine : tsvLine;
  async function* lines(): AsyncGenerator<string> {
    const decoder = new StringDecoder("utf8");
    let pending = "";
    let out = "";
    for await (const chunk of copyText) {
      pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
      let newline: number;
      let start = 0;
      while ((newline = pending.indexOf("\n", start)) !== -1) {
        out += write(decodeCopyLine(pending.slice(start, newline)));
        start = newline + 1;
      }
      pending = pending.slice(start);
      if (out.length >= 64 * 1024) {
        yield out;
        out = "";
      }
    }
    pending += decoder.end();
    if (pending) out += write(decodeCopyLine(pending));
    if (out) yield out;
  }
  return Readable.from(lines(), { objectMode: false });
}
