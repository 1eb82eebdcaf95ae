/**
 * Stored results of query-only jobs (no export): the worker COPYs the query's rows through the
 * engine's sandbox to a file under DATA_DIR/results, as COPY text, counting rows and bytes on the
 * way; `/v3/job/result` and the CLI stream it back re-encoded (lib/jobs/result-format.ts).
 * A job's `resultPath` is relative to DATA_DIR, so the data folder can move.
 */
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "@/lib/env";
import { EXPORT_TIMEOUT_MS, queryEngine, type ColumnInfo, type QueryParam } from "@/lib/engine";
import { exportRows } from "@/lib/engine/copy-text";
import { formatResult, type ResultFormat } from "@/lib/jobs/result-format";

export interface StoredResult {
  columns: ColumnInfo[];
  rows: number;
  bytes: number;
  /** Relative to DATA_DIR. */
  path: string;
}

export function resultRelativePath(jobId: number): string {
  return path.join("results", `job-${jobId}.copy`);
}

function absolute(relative: string): string {
  return path.resolve(env().DATA_DIR, relative);
}

/** Run the job's query and store its rows. Aborting `signal` cancels the query and removes the partial file. */
export async function storeQueryResult(job: {
  jobId: number;
  database: string;
  query: string;
  params?: QueryParam[];
  signal: AbortSignal;
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}): Promise<StoredResult> {
  const relative = resultRelativePath(job.jobId);
  const target = absolute(relative);
  const partial = `${target}.partial`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const { columns, stream } = await exportRows(queryEngine(), job.query, {
    database: job.database,
    timeoutMs: EXPORT_TIMEOUT_MS,
    signal: job.signal,
    queryId: `job-${job.jobId}`,
    params: job.params,
  });
  let rows = 0;
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      // COPY text escapes newlines inside values, so every raw \n ends a row.
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      job.onProgress?.({ rows, bytes });
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, count, fs.createWriteStream(partial), { signal: job.signal });
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { columns, rows, bytes, path: relative };
}

/** The stored result of a job in a format, as a stream; null when the file is gone. */
export function readStoredResult(job: { id: number; resultPath: string | null; resultColumns: unknown }, format: ResultFormat) {
  if (!job.resultPath) return null;
  const file = absolute(job.resultPath);
  if (!fs.existsSync(file)) return null;
  const columns = Array.isArray(job.resultColumns) ? (job.resultColumns as ColumnInfo[]) : [];
  return formatResult(fs.createReadStream(file), format, columns);
}
