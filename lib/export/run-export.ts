/**
 * The export pipeline of one job (worker side):
 *   Kakao pre-flight (ad account reachable, names free / edit target found)
 *   → COPY (query) TO STDOUT under the sandbox → adid check on the columns
 *   → byte-level ADID encoder (reading CopyData messages straight off the wire)
 *   → size-bounded chunk spool (≤ 209,715,200 bytes, lines whole)
 *   → each chunk uploaded idempotently as a customer file while the next one is read.
 * Memory stays flat whatever the size: chunks live on disk, one or two at a time.
 */
import path from "node:path";
import { rm } from "node:fs/promises";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { EXPORT_TIMEOUT_MS, queryEngine, type QueryParam } from "@/lib/engine";
import { exportRows } from "@/lib/engine/copy-text";
import { checkAdidColumns } from "@/lib/export/adid-check";
import { ADID_LINE_BYTES, AdidEncoder, encodeAdids, type AdidCounts } from "@/lib/export/encoder";
import { removeSpool, spoolChunks, type SpoolProgress } from "@/lib/export/chunker";
import { assertChunkNameFits } from "@/lib/export/naming";
import type { ExportSettings } from "@/lib/export/settings";
import { withAccessToken } from "@/lib/authentications/token-lifecycle";
import { withCustomerFileLock } from "@/lib/export/target-lock";
import { assertNamesFree, assertRoomFor, findFileForEdit, listCustomerFiles, uploadChunkIdempotent, type UploadedChunk, type WithToken } from "@/lib/kakao/customer-files";
import { MAX_FILE_BYTES, kakaoFacts } from "@/lib/kakao/assumptions";
import { sharedWriteLimiter } from "@/lib/kakao/rate-limit";
import { withRetries, type RetryOptions } from "@/lib/kakao/retry";

/** A failure the user must fix (it will fail again as it is): counts toward auto-disable. */
export class ConfigurationError extends AppError {
  constructor(message: string) {
    super("invalid_input", message);
    this.name = "ConfigurationError";
  }
}

export interface ExportProgress {
  bytesRead: number;
  rowsRead: number;
  rowsExported: number;
  bytesSpooled: number;
  filesDone: number;
}

export interface ExportJob {
  jobId: number;
  database: string;
  query: string;
  /** Bind parameters of generated SQL (segments); such a query streams instead of COPY. */
  params?: QueryParam[];
  authenticationId: number;
  settings: ExportSettings;
  /** When the job's first attempt started: files created since are this job's own. */
  ownedSince: Date;
  /** An earlier attempt of this job may have uploaded files already (a retry or a resume). */
  resumed: boolean;
  /** Files an earlier attempt of this job recorded, by chunk index. */
  previous: Map<number, { id: number; sha256: string }>;
  signal: AbortSignal;
  log: (level: "info" | "warn" | "error", message: string) => void;
  onProgress: (progress: ExportProgress) => void;
  /** Called as soon as a file is on Kakao, before the next chunk's upload. */
  onFile: (index: number, file: UploadedChunk) => Promise<void>;
}

export interface ExportResult {
  counts: AdidCounts;
  bytesRead: number;
  bytesExported: number;
  files: number;
  rowsLeftOut: number;
  columns: { name: string; type: string }[];
}

/**
 * The largest customer file: Kakao's 200 MB. Fault tests (worker kill loops, Kakao faults) lower it
 * with EXPORT_TEST_MAX_FILE_BYTES so a 3-file export takes seconds; honoured only under NODE_ENV=test.
 */
export function maxFileBytes(): number {
  const override = process.env.NODE_ENV === "test" ? Number(process.env.EXPORT_TEST_MAX_FILE_BYTES) : NaN;
  return Number.isInteger(override) && override >= ADID_LINE_BYTES ? Math.min(override, MAX_FILE_BYTES) : MAX_FILE_BYTES;
}

export function spoolDirFor(jobId: number): string {
  return path.resolve(env().DATA_DIR, "spool", `job-${jobId}`);
}

function retryOptions(job: ExportJob): RetryOptions {
  const e = env();
  return {
    baseMs: e.KAKAO_RETRY_BASE_MS,
    rateLimitBaseMs: e.KAKAO_RATE_LIMIT_RETRY_BASE_MS,
    signal: job.signal,
    onRetry: (attempt, error, delayMs) => job.log("warn", `Kakao call failed (${error instanceof Error ? error.message : error}); retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
  };
}

export async function runExport(job: ExportJob): Promise<ExportResult> {
  return withCustomerFileLock(job.settings.ad_account_id, job.settings.file_name, job.signal, () => exportLocked(job));
}

async function exportLocked(job: ExportJob): Promise<ExportResult> {
  const { settings } = job;
  const adAccountId = settings.ad_account_id;
  const withToken: WithToken = (call) => withAccessToken(job.authenticationId, call);
  const retry = retryOptions(job);
  // A first attempt owns nothing that exists already: any file with its names is someone else's.
  // A resumed attempt owns what it created since it first started (Kakao's clock may differ).
  const clockSkewMs = job.resumed ? undefined : 2_000;
  const ownership = { ownedSince: job.ownedSince.getTime(), clockSkewMs, adAccountId };
  const facts = kakaoFacts();
  const nameLimit = facts.fileNameMaxChars.value;
  if (settings.mode === "edit" && facts.editCall.value === null) {
    throw new AppError("invalid_input", "Edit mode needs Kakao's edit call, and this hub is configured without one (setting KAKAO_EDIT_CALL=none). Use Register mode, or set KAKAO_EDIT_CALL to Kakao's method and path (run kakao:doctor).", { mode: "Kakao's edit call is not configured" });
  }

  // 1. Kakao first: a dead token, a forbidden ad account, a taken name or a missing edit target
  // fail here, before the query runs and long before anything is uploaded.
  const files = await withRetries(() => withToken((token) => listCustomerFiles(token, adAccountId, { signal: job.signal })), retry);
  let targetId: number | undefined;
  if (settings.mode === "register") {
    assertChunkNameFits(settings.file_name, 1, undefined, nameLimit);
    const suffixed = new RegExp(`^${settings.file_name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_[0-9]+$`);
    const sameFamily = files.filter((f) => f.name === settings.file_name || suffixed.test(f.name)).map((f) => f.name);
    assertNamesFree(files, [settings.file_name, ...sameFamily], job.resumed ? ownership : { ...ownership, ownedSince: null });
    if (!job.previous.size) assertRoomFor(files, 1, adAccountId);
  } else {
    targetId = findFileForEdit(files, settings.file_name, adAccountId).id;
  }
  job.log("info", `Kakao Moment ad account ${adAccountId}: ${files.length} customer file(s); ${settings.mode === "register" ? `registering "${settings.file_name}"` : `editing "${settings.file_name}" (id ${targetId})`}`);

  // 2. The query, on the fastest read path, checked before any row is used.
  const engine = queryEngine();
  const { columns, stream, framed } = await exportRows(engine, job.query, {
    database: job.database,
    timeoutMs: EXPORT_TIMEOUT_MS,
    signal: job.signal,
    queryId: `job-${job.jobId}`,
    params: job.params,
    framed: true,
  });
  const check = checkAdidColumns(columns);
  if (!check.ok) {
    stream.destroy();
    throw new ConfigurationError(check.message);
  }
  job.log("info", `Query started; result column ${check.column.name} (${check.column.type})`);

  // 3. Encode, spool, upload chunk i while chunk i+1 is read.
  const dir = spoolDirFor(job.jobId);
  await removeSpool(dir);
  const encoder = new AdidEncoder();
  const edit = settings.mode === "edit";
  let filesDone = 0;
  let bytesExported = 0;
  let spooled: SpoolProgress = { chunks: 0, bytes: 0, lines: 0, leftOutLines: 0 };
  const report = () =>
    job.onProgress({ bytesRead: encoder.bytesIn, rowsRead: encoder.counts.rowsRead, rowsExported: encoder.counts.rowsExported, bytesSpooled: spooled.bytes, filesDone });
  const spool = spoolChunks(encodeAdids(stream, encoder, { framed, reuseOutput: true }), {
    dir,
    maxBytes: maxFileBytes(),
    maxChunks: edit ? 1 : undefined,
    overflow: edit && settings.action === "send_first_200mb" ? "truncate" : "fail",
    signal: job.signal,
    onProgress: (p) => {
      spooled = p;
      report();
    },
  });
  try {
    for await (const chunk of spool) {
      const name = edit ? settings.file_name : assertChunkNameFits(settings.file_name, chunk.index, undefined, nameLimit);
      if (!edit && chunk.more) assertChunkNameFits(settings.file_name, chunk.index + 1, undefined, nameLimit);
      job.log("info", `File ${chunk.index} "${name}": ${chunk.lines} ADIDs, ${chunk.bytes} bytes, sha256 ${chunk.sha256.slice(0, 12)}…; uploading`);
      const uploaded = await uploadChunkIdempotent({
        withToken,
        adAccountId,
        mode: settings.mode,
        name,
        targetId,
        chunk,
        ownedSince: ownership.ownedSince,
        clockSkewMs,
        previous: job.previous.get(chunk.index) ?? null,
        limiter: sharedWriteLimiter({ intervalMs: env().KAKAO_WRITE_INTERVAL_MS }),
        retry,
        log: (message) => job.log("info", message),
        signal: job.signal,
      });
      await job.onFile(chunk.index, uploaded);
      await rm(chunk.path, { force: true });
      filesDone++;
      bytesExported += chunk.bytes;
      report();
      job.log("info", `File ${chunk.index} "${name}" is on Kakao as id ${uploaded.id} (${uploaded.outcome}, status ${uploaded.status})`);
    }
  } finally {
    await removeSpool(dir);
  }
  const counts = encoder.counts;
  const rowsLeftOut = spool.summary?.leftOutLines ?? 0;
  if (rowsLeftOut) job.log("warn", `Over 200 MB: sent the first ${filesDone === 1 ? "file" : "files"} only; ${rowsLeftOut} ADIDs were left out ("send_first_200mb")`);
  if (counts.rowsExported === 0) {
    // Kakao refuses an empty customer file; an empty audience is almost always a query mistake.
    throw new ConfigurationError(
      `Nothing to upload: the query returned ${counts.rowsRead} rows and none is a valid ADID (${counts.skipped.empty + counts.skipped.null} empty, ${counts.skipped.malformed} malformed, ${counts.skipped.optedOut} opted-out).`,
    );
  }
  return { counts, bytesRead: encoder.bytesIn, bytesExported, files: filesDone, rowsLeftOut, columns };
}
