/**
 * Running a job in a worker: claim it (only one worker can), keep a heartbeat lease while it
 * runs (a kill request is seen through the same beat), run the export, record the outcome with
 * a reason a user can act on. A job with export settings runs the export; a query-only job stores
 * its rows (lib/jobs/results.ts) for `/v3/job/result`. A worker that dies leaves a stale lease: reapOrphans() puts such
 * jobs back in the queue, and the export resumes idempotently (no duplicate, no lost file).
 */
import os from "node:os";
import { db, Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { KakaoError } from "@/lib/kakao/http";
import { QueryError, type QueryParam } from "@/lib/engine";
import { exportSettingsSchema } from "@/lib/export/settings";
import { ConfigurationError, runExport, type ExportProgress } from "@/lib/export/run-export";
import { ReconnectNeeded } from "@/lib/authentications/token-lifecycle";
import { appendLog, enqueue } from "@/lib/jobs/jobs";
import { finishSuccessfully } from "@/lib/jobs/stats";
import { storeQueryResult } from "@/lib/jobs/results";
import { QUEUES, queue } from "@/lib/jobs/queue";

export const HEARTBEAT_MS = 2_000;
/** A running job whose lease is older than this has lost its worker (JOB_LEASE_MS). */
export const leaseMs = () => env().JOB_LEASE_MS;
/**
 * The beat comes at least four times per lease: with a fixed 2 s beat, a JOB_LEASE_MS of 2 s or
 * less had live jobs reaped and run twice at once (found by the worker-kill fault test).
 */
export const heartbeatMs = () => Math.max(250, Math.min(HEARTBEAT_MS, Math.floor(leaseMs() / 4)));
/** Resumes after lost workers before the job is failed for good. */
export const MAX_RESUMES = 20;

export const workerId = `${os.hostname()}:${process.pid}`;

export type FailureKind = "configuration" | "transient";

/** Configuration errors need the user to change something; transient ones may pass on their own. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ConfigurationError || error instanceof ReconnectNeeded) return "configuration";
  if (error instanceof KakaoError) return error.retryable ? "transient" : "configuration";
  if (error instanceof QueryError) return error.reason === "timeout" || error.reason === "unavailable" || error.reason === "cancelled" ? "transient" : "configuration";
  if (error instanceof AppError) return error.code === "internal" ? "transient" : "configuration";
  return "transient";
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

class Killed extends Error {}

export async function runJob(jobId: number): Promise<void> {
  const now = new Date();
  const claimed = await db.job.updateMany({
    where: { id: jobId, status: "queued", killRequested: false },
    data: { status: "running", workerId, heartbeatAt: now, attempts: { increment: 1 } },
  });
  if (!claimed.count) return; // killed, finished, or another worker has it
  await db.job.updateMany({ where: { id: jobId, startedAt: null }, data: { startedAt: now } });
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, include: { files: true } });
  await appendLog(jobId, "info", `Running on worker ${workerId} (attempt ${job.attempts})`);

  const controller = new AbortController();
  let lost = false;
  const beat = setInterval(() => {
    db.job
      .updateMany({ where: { id: jobId, workerId, status: "running" }, data: { heartbeatAt: new Date() } })
      .then(async ({ count }) => {
        if (!count) {
          lost = true; // the lease was taken over (we were presumed dead): stop quietly
          controller.abort(new Killed("lease lost"));
          return;
        }
        const current = await db.job.findUnique({ where: { id: jobId }, select: { killRequested: true } });
        if (current?.killRequested) controller.abort(new Killed("killed"));
      })
      .catch(() => {});
  }, heartbeatMs());

  let lastProgress = 0;
  // Progress writes run in the background, one after another; the final outcome waits for the
  // last of them, so a late progress write can never overwrite the final counts.
  let progressWrites: Promise<unknown> = Promise.resolve();
  const progress = (p: ExportProgress) => {
    if (Date.now() - lastProgress < 1000) return;
    lastProgress = Date.now();
    progressWrites = progressWrites.then(() =>
      db.job.update({ where: { id: jobId }, data: { bytesRead: p.bytesRead, rowsRead: p.rowsRead, rowsExported: p.rowsExported, filesDone: p.filesDone } }).catch(() => {}),
    );
  };

  try {
    if (!job.exportSettings || !job.authenticationId) {
      // Query only: the rows are stored for /v3/job/result (lib/jobs/results.ts).
      const stored = await storeQueryResult({
        jobId,
        database: job.database,
        query: job.query,
        params: Array.isArray(job.queryParams) ? (job.queryParams as QueryParam[]) : undefined,
        signal: controller.signal,
        onProgress: ({ rows, bytes }) => progress({ bytesRead: bytes, rowsRead: rows, rowsExported: 0, bytesSpooled: 0, filesDone: 0 }),
      });
      await progressWrites;
      await finishSuccessfully(jobId, {
          finishedAt: new Date(),
          heartbeatAt: null,
          resultColumns: stored.columns as unknown as Prisma.InputJsonValue,
          rowsRead: stored.rows,
          bytesRead: stored.bytes,
          resultPath: stored.path,
          resultBytes: stored.bytes,
      });
      await appendLog(jobId, "info", `Success: ${stored.rows} rows (${stored.bytes} bytes) stored as the job's result`);
      return;
    }
    const settings = exportSettingsSchema.parse(job.exportSettings);
    const previous = new Map(job.files.filter((f) => f.kakaoId !== null).map((f) => [f.index, { id: Number(f.kakaoId), sha256: f.sha256 }]));
    const result = await runExport({
      jobId,
      database: job.database,
      query: job.query,
      params: Array.isArray(job.queryParams) ? (job.queryParams as QueryParam[]) : undefined,
      authenticationId: job.authenticationId,
      settings,
      ownedSince: job.startedAt ?? now,
      resumed: job.attempts > 1 || previous.size > 0,
      previous,
      signal: controller.signal,
      log: (level, message) => void appendLog(jobId, level, message).catch(() => {}),
      onProgress: progress,
      onFile: async (index, file) => {
        const data = {
          name: file.name,
          kakaoId: BigInt(file.id),
          bytes: BigInt(file.bytes),
          lines: BigInt(file.lines),
          sha256: file.sha256,
          status: "uploaded",
          kakaoStatus: file.status,
          populationScore: file.populationScore === null ? null : BigInt(file.populationScore),
          attempts: file.attempts,
          uploadedAt: new Date(),
        };
        await db.jobFile.upsert({ where: { jobId_index: { jobId, index } }, create: { jobId, index, ...data }, update: data });
      },
    });
    const { counts } = result;
    await progressWrites;
    await finishSuccessfully(jobId, {
        finishedAt: new Date(),
        heartbeatAt: null,
        resultColumns: result.columns as unknown as Prisma.InputJsonValue,
        rowsRead: counts.rowsRead,
        rowsExported: counts.rowsExported,
        rowsSkippedEmpty: counts.skipped.empty + counts.skipped.null,
        rowsSkippedMalformed: counts.skipped.malformed,
        rowsSkippedOptedOut: counts.skipped.optedOut,
        rowsLeftOut: result.rowsLeftOut,
        bytesRead: result.bytesRead,
        bytesExported: result.bytesExported,
        filesDone: result.files,
    });
    await appendLog(
      jobId,
      "info",
      `Success: ${counts.rowsExported} ADIDs in ${result.files} customer file(s); skipped ${counts.skipped.empty + counts.skipped.null} empty, ${counts.skipped.malformed} malformed, ${counts.skipped.optedOut} opted-out of ${counts.rowsRead} rows`,
    );
    const boss = await queue();
    await boss.send(QUEUES.pollFiles, { jobId, round: 1 }, { startAfter: 3 });
  } catch (error) {
    await progressWrites;
    if (lost) return;
    const reason = controller.signal.aborted ? controller.signal.reason : null;
    if (reason instanceof Killed) {
      await db.job.update({ where: { id: jobId }, data: { status: "killed", finishedAt: new Date(), heartbeatAt: null, errorMessage: "Killed on request" } });
      await appendLog(jobId, "warn", "Killed: the query and uploads were stopped");
      return;
    }
    const kind = classifyFailure(error);
    const message = messageOf(error);
    if (!(error instanceof AppError) && !(error instanceof KakaoError)) console.error(`[job ${jobId}]`, error);
    const retryAutomatically = kind === "transient" && job.attempts <= job.retryLimit;
    await db.job.update({
      where: { id: jobId },
      data: retryAutomatically
        ? { status: "queued", heartbeatAt: null, retries: { increment: 1 }, errorMessage: message.slice(0, 2000) }
        : { status: "error", finishedAt: new Date(), heartbeatAt: null, errorKind: kind, errorMessage: message.slice(0, 2000) },
    });
    await appendLog(jobId, "error", `${kind === "configuration" ? "Configuration error" : "Error"}: ${message}`);
    if (job.exportSettings) await logUploadedSoFar(jobId, retryAutomatically);
    if (retryAutomatically) {
      await appendLog(jobId, "info", `Retrying automatically (retry_limit ${job.retryLimit})`);
      await enqueue(jobId, job.priority);
    }
  } finally {
    clearInterval(beat);
  }
}

/**
 * After a failed export: which customer files are on Kakao already (whole, recorded with their
 * SHA-256) and that the rest was not sent, so a partial upload is never left unexplained.
 */
async function logUploadedSoFar(jobId: number, retrying: boolean): Promise<void> {
  const files = await db.jobFile.findMany({ where: { jobId, kakaoId: { not: null } }, orderBy: { index: "asc" }, select: { name: true, kakaoId: true } });
  if (!files.length) return;
  const list = files.map((f) => `"${f.name}" (id ${f.kakaoId})`).join(", ");
  await appendLog(
    jobId,
    "warn",
    `${files.length} of this job's customer files ${files.length === 1 ? "is" : "are"} on Kakao: ${list}; nothing else was uploaded. ${retrying ? "The automatic retry reuses them" : "Retrying the job reuses them"} and uploads the rest.`,
  );
}

/** Jobs whose worker stopped beating: back to the queue to resume (or failed after too many). */
export async function reapOrphans(now = new Date()): Promise<number[]> {
  const stale = await db.job.findMany({ where: { status: "running", heartbeatAt: { lt: new Date(now.getTime() - leaseMs()) } }, select: { id: true, attempts: true, priority: true, workerId: true } });
  const resumed: number[] = [];
  for (const job of stale) {
    const giveUp = job.attempts >= MAX_RESUMES;
    const { count } = await db.job.updateMany({
      where: { id: job.id, status: "running", workerId: job.workerId },
      data: giveUp
        ? { status: "error", finishedAt: now, heartbeatAt: null, errorKind: "transient", errorMessage: `The worker running this job stopped ${job.attempts} times; giving up` }
        : { status: "queued", heartbeatAt: null, workerId: null },
    });
    if (!count) continue;
    await appendLog(job.id, giveUp ? "error" : "warn", giveUp ? "Worker lost again; the job failed" : `Worker ${job.workerId} stopped answering; resuming the job`);
    if (!giveUp) {
      await enqueue(job.id, job.priority);
      resumed.push(job.id);
    }
  }
  return resumed;
}
