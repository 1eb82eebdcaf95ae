/**
 * What pages, client components and JSON routes see of a job: plain JSON values. Prisma gives
 * BigInt for counts and Kakao ids, which neither React's server→client boundary nor
 * Response.json can carry, so every job leaves the server through these serializers.
 * Counts become numbers (far below 2^53); identifiers (Kakao file ids, log ids) become strings.
 */
import type { JobLog } from "@/lib/generated/prisma/client";
import { exportSettingsSchema, type ExportSettings } from "@/lib/export/settings";
import type { JobDetail, JobSummary } from "@/lib/jobs/jobs";
import type { JOB_STATUSES } from "@/lib/jobs/schemas";

export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobErrorKind = "configuration" | "transient";

export interface JobSummaryView {
  id: number;
  ownerId: string;
  ownerEmail: string;
  type: string;
  database: string;
  status: JobStatus;
  errorKind: JobErrorKind | null;
  errorMessage: string | null;
  authenticationId: number | null;
  authenticationName: string | null;
  /** Kakao Moment export settings (Treasure Data spellings); null for a query-only job. */
  exportSettings: ExportSettings | null;
  savedQueryId: number | null;
  /** The Audience Studio activation (and segment) that produced the job, if one did. */
  activation: { id: number; name: string } | null;
  segmentId: number | null;
  scheduledAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Started → finished; while running, started → the moment this view was made. */
  durationMs: number | null;
  rowsRead: number;
  rowsExported: number;
  bytesRead: number;
  bytesExported: number;
  filesDone: number;
  retries: number;
  killRequested: boolean;
}

export interface JobFileView {
  index: number;
  name: string;
  kakaoId: string | null;
  bytes: number;
  lines: number;
  sha256: string;
  /** Upload status: pending → uploaded (or failed). */
  status: string;
  /** Kakao's processing status as last polled: WAITING, MODIFYING, COMPLETE, ERROR. */
  kakaoStatus: string | null;
  populationScore: number | null;
  lastPolledAt: string | null;
  attempts: number;
  uploadedAt: string | null;
}

export interface JobView extends JobSummaryView {
  query: string;
  priority: number;
  retryLimit: number;
  attempts: number;
  rowsSkippedEmpty: number;
  rowsSkippedMalformed: number;
  rowsSkippedOptedOut: number;
  rowsLeftOut: number;
  heartbeatAt: string | null;
  updatedAt: string;
  files: JobFileView[];
}

export interface JobLogView {
  id: string;
  at: string;
  level: "info" | "warn" | "error";
  message: string;
}

/** GET /api/jobs/[id] */
export interface JobPollResponse {
  job: JobView;
  logs: JobLogView[];
}

/** GET /api/jobs */
export interface JobListResponse {
  jobs: JobSummaryView[];
  nextBefore: number | null;
}

/** jobLogs returns at most this many lines at a time; a full batch means more may follow. */
export const LOG_PAGE_SIZE = 500;

export const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", "running"];
export const isActive = (status: JobStatus) => ACTIVE_STATUSES.includes(status);

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const count = (value: bigint) => Number(value);

function errorKind(value: string | null): JobErrorKind | null {
  return value === "configuration" || value === "transient" ? value : null;
}

function duration(job: { startedAt: Date | null; finishedAt: Date | null; status: string }, now: Date): number | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ?? (job.status === "running" ? now : null);
  return end ? Math.max(0, end.getTime() - job.startedAt.getTime()) : null;
}

/** Settings were validated when the job was issued; anything unreadable is shown as no target. */
function exportSettings(value: unknown): ExportSettings | null {
  if (value === null || value === undefined) return null;
  const parsed = exportSettingsSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function toJobSummaryView(job: JobSummary, now: Date = new Date()): JobSummaryView {
  return {
    id: job.id,
    ownerId: job.ownerId,
    ownerEmail: job.owner.email,
    type: job.type,
    database: job.database,
    status: job.status,
    errorKind: errorKind(job.errorKind),
    errorMessage: job.errorMessage,
    authenticationId: job.authenticationId,
    authenticationName: job.authentication?.name ?? null,
    exportSettings: exportSettings(job.exportSettings),
    savedQueryId: job.activation ? null : job.savedQueryId,
    activation: job.activation,
    segmentId: job.segmentId,
    scheduledAt: iso(job.scheduledAt),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    durationMs: duration(job, now),
    rowsRead: count(job.rowsRead),
    rowsExported: count(job.rowsExported),
    bytesRead: count(job.bytesRead),
    bytesExported: count(job.bytesExported),
    filesDone: job.filesDone,
    retries: job.retries,
    killRequested: job.killRequested,
  };
}

export function toJobFileView(file: JobDetail["files"][number]): JobFileView {
  return {
    index: file.index,
    name: file.name,
    kakaoId: file.kakaoId === null ? null : file.kakaoId.toString(),
    bytes: count(file.bytes),
    lines: count(file.lines),
    sha256: file.sha256,
    status: file.status,
    kakaoStatus: file.kakaoStatus,
    populationScore: file.populationScore === null ? null : count(file.populationScore),
    lastPolledAt: iso(file.lastPolledAt),
    attempts: file.attempts,
    uploadedAt: iso(file.uploadedAt),
  };
}

export function toJobView(job: JobDetail, now: Date = new Date()): JobView {
  return {
    ...toJobSummaryView(job, now),
    query: job.query,
    priority: job.priority,
    retryLimit: job.retryLimit,
    attempts: job.attempts,
    rowsSkippedEmpty: count(job.rowsSkippedEmpty),
    rowsSkippedMalformed: count(job.rowsSkippedMalformed),
    rowsSkippedOptedOut: count(job.rowsSkippedOptedOut),
    rowsLeftOut: count(job.rowsLeftOut),
    heartbeatAt: iso(job.heartbeatAt),
    updatedAt: job.updatedAt.toISOString(),
    files: job.files.map(toJobFileView),
  };
}

export function toJobLogView(log: Pick<JobLog, "id" | "at" | "level" | "message">): JobLogView {
  const level = log.level === "warn" || log.level === "error" ? log.level : "info";
  return { id: log.id.toString(), at: log.at.toISOString(), level, message: log.message };
}
