/**
 * Rows in COPY's text format for queries the fast path cannot take. PostgreSQL's COPY cannot bind
 * parameters, so a parameterised query (a segment's SQL) is read through the engine's cursor stream
 * and written out as the same bytes `COPY … TO STDOUT` would produce: tab-separated, `\N` for NULL,
 * backslash, tab, newline and carriage return escaped. Queries without parameters take copyOut.
 */
import { Readable } from "node:stream";
import { QueryError } from "@/lib/engine/errors";
import type { ColumnInfo, CopyOutOptions, CopyOutResult, QueryEngine, QueryRow } from "@/lib/engine/types";

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
/** Lines are gathered into buffers of about this size. */
const BUFFER_BYTES = 64 * 1024;

export function copyTextLine(row: QueryRow): string {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (i) line += "\t";
    line += value === null || value === undefined ? "\\N" : value.replace(SPECIAL, (c) => ESCAPES[c]!);
  }
  return line + "\n";
}

/**
 * The query's result as COPY text: copyOut when it can, the cursor stream otherwise. `framed` asks
 * for CopyData messages; only copyOut gives them, so read the result's `framed`.
 */
export async function exportRows(engine: QueryEngine, sql: string, opts: CopyOutOptions): Promise<CopyOutResult> {
  if (!opts.params?.length && engine.copyOut) return engine.copyOut(sql, opts);
  let columns: ColumnInfo[] | undefined;
  const rows = engine.stream(sql, { ...opts, batchRows: 10_000, onColumns: (c) => (columns = c) })[Symbol.asyncIterator]();
  const first = await rows.next();
  if (!columns) {
    await rows.return?.(undefined);
    throw new QueryError("invalid_query", "The query returned no column description.");
  }
  async function* text(): AsyncGenerator<Buffer> {
    try {
      let pending = first.done ? "" : copyTextLine(first.value);
      for (;;) {
        const next = await rows.next();
        if (next.done) break;
        pending += copyTextLine(next.value);
        if (pending.length >= BUFFER_BYTES) {
          yield Buffer.from(pending, "utf8");
          pending = "";
        }
      }
      if (pending) yield Buffer.from(pending, "utf8");
    } finally {
      await rows.return?.(undefined);
    }
  }
  return { columns, stream: Readable.from(text(), { objectMode: false }), framed: false };
}
