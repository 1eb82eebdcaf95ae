/**
 * Notification templates: each renders a subject, a plain-text body and an HTML body from small
 * values. Every user value in the HTML is escaped (query names and error messages come from users
 * and from Kakao). Pure: no I/O.
 */
import { DateTime } from "luxon";

export const PRODUCT_NAME = "Kakao Moment Export Hub";

export type NotificationKind = "schedule.job_failed" | "schedule.disabled" | "schedule.job_succeeded";

export interface MailMessage {
  kind: NotificationKind;
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A scheduled time as the schedule's owner reads it: wall time in the schedule's zone. */
export function formatScheduledTime(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return local.isValid ? `${local.toFormat("yyyy-LL-dd HH:mm")} ${timeZone}` : at.toISOString();
}

/** Subjects are single lines whatever a name contains. */
function oneLine(value: string, max = 120): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const ERROR_KIND_EXPLAINED: Record<"configuration" | "transient", string> = {
  configuration:
    "This is a configuration error: something in the query or its export must change before it can succeed (for example a missing adid column, an authentication that must be reconnected, or an ad account the authentication cannot use). Running it again unchanged will fail the same way.",
  transient:
    "This is a temporary error (a network problem, Kakao being busy, a worker restarting). Nothing needs to change; the next scheduled run may well succeed, or you can retry the job.",
};

interface Part {
  /** Plain text; rendered escaped in HTML. */
  text: string;
  /** A link shown after the text. */
  link?: string;
  /** Pre-formatted (an error message): kept as-is in text, in <pre> in HTML. */
  pre?: boolean;
}

function render(kind: NotificationKind, subject: string, parts: Part[]): MailMessage {
  const text = [...parts.map((p) => (p.link ? `${p.text}\n${p.link}` : p.text)), `— ${PRODUCT_NAME}`].join("\n\n");
  const body = parts
    .map((p) => {
      if (p.pre) return `<pre style="white-space:pre-wrap;background:#f1f5f9;padding:8px;border-radius:4px">${escapeHtml(p.text)}</pre>`;
      const link = p.link ? `<br><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>` : "";
      return `<p>${escapeHtml(p.text)}${link}</p>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;font-size:14px;color:#0f172a">
${body}
<p style="color:#64748b">— ${escapeHtml(PRODUCT_NAME)}</p>
</body></html>`;
  return { kind, subject: `[${PRODUCT_NAME}] ${subject}`, text, html };
}

export interface JobFailedParams {
  queryName: string;
  jobId: number;
  scheduledAt: Date;
  timeZone: string;
  errorMessage: string;
  errorKind: "configuration" | "transient";
  jobUrl: string;
  /** Consecutive configuration failures so far (configuration errors only). */
  configFailures?: number;
  disableAfter: number;
  /** This failure disables the schedule (a separate notice follows). */
  disabling?: boolean;
}

export function scheduledJobFailed(p: JobFailedParams): MailMessage {
  const parts: Part[] = [
    { text: `The scheduled run of your query "${p.queryName}" for ${formatScheduledTime(p.scheduledAt, p.timeZone)} failed (job ${p.jobId}).` },
    { text: "What went wrong:" },
    { text: p.errorMessage || "(no message)", pre: true },
    { text: ERROR_KIND_EXPLAINED[p.errorKind] },
  ];
  if (p.errorKind === "configuration" && p.configFailures !== undefined) {
    parts.push({
      text:
        p.disabling
          ? `This is configuration failure ${p.configFailures} in a row: the schedule has been disabled (a separate notice says how to re-enable it).`
          : `This is configuration failure ${p.configFailures} in a row; after ${p.disableAfter} in a row the schedule is disabled.`,
    });
  }
  parts.push({ text: "The job's details and log:", link: p.jobUrl });
  return render("schedule.job_failed", `Scheduled export "${oneLine(p.queryName)}" failed (job ${p.jobId})`, parts);
}

export interface ScheduleDisabledParams {
  queryName: string;
  reason: string;
  queryUrl: string;
}

export function scheduleDisabled(p: ScheduleDisabledParams): MailMessage {
  return render("schedule.disabled", `Schedule of "${oneLine(p.queryName)}" disabled`, [
    { text: `The schedule of your query "${p.queryName}" has been disabled: it will not run again until you re-enable it.` },
    { text: `Why: ${p.reason}` },
    { text: "To re-enable it, fix the cause (the failure notices say what went wrong), then open the query and either edit and save its schedule, or click Resume. Run now tries it at once." },
    { text: "The query:", link: p.queryUrl },
  ]);
}

export interface JobSucceededParams {
  queryName: string;
  jobId: number;
  scheduledAt: Date;
  timeZone: string;
  rowsExported: bigint | number;
  files: number;
  jobUrl: string;
}

export function scheduledJobSucceeded(p: JobSucceededParams): MailMessage {
  return render("schedule.job_succeeded", `Scheduled export "${oneLine(p.queryName)}" succeeded (job ${p.jobId})`, [
    { text: `The scheduled run of your query "${p.queryName}" for ${formatScheduledTime(p.scheduledAt, p.timeZone)} succeeded (job ${p.jobId}): ${p.rowsExported} ADIDs exported in ${p.files} customer file(s).` },
    { text: "The job's details:", link: p.jobUrl },
  ]);
}
