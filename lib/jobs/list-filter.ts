/**
 * The job list's filters as URL search parameters — shared by the Jobs page (a GET form, so a
 * filtered list is a shareable link) and GET /api/jobs, both validated by jobListFilterSchema.
 */
import { fromZodIssues, type AppError } from "@/lib/errors";
import { jobListFilterSchema, type JobListFilter } from "@/lib/jobs/schemas";

export const JOB_LIST_PARAMS = ["status", "ownerId", "authenticationId", "from", "to", "before", "limit"] as const;
export type JobListParam = (typeof JOB_LIST_PARAMS)[number];
export type JobListParams = Partial<Record<JobListParam, string>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Only the known parameters, first value of each, empty ones dropped (an unset select submits ""). */
export function pickJobListParams(source: URLSearchParams | Record<string, string | string[] | undefined>): JobListParams {
  const picked: JobListParams = {};
  for (const key of JOB_LIST_PARAMS) {
    const raw = source instanceof URLSearchParams ? source.get(key) : source[key];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value) picked[key] = value;
  }
  return picked;
}

/**
 * Validate the parameters. A date-only `to` (what a date input sends) means "up to and including
 * that day", so it becomes the next midnight (UTC, the console's time zone): listJobs treats `to` as
 * exclusive.
 */
export function parseJobListParams(params: JobListParams): { ok: true; filter: JobListFilter } | { ok: false; error: AppError } {
  // Clearer words than zod's coercion messages ("expected date, received Date") for the usual slips.
  for (const key of ["from", "to"] as const) {
    if (params[key] && Number.isNaN(Date.parse(params[key]))) return { ok: false, error: fromZodIssues([{ path: [key], message: "must be a date (YYYY-MM-DD) or an ISO 8601 time" }]) };
  }
  for (const key of ["before", "authenticationId"] as const) {
    if (params[key] && !/^\d+$/.test(params[key])) return { ok: false, error: fromZodIssues([{ path: [key], message: "must be a positive whole number" }]) };
  }
  const parsed = jobListFilterSchema.safeParse(params);
  if (!parsed.success) return { ok: false, error: fromZodIssues(parsed.error.issues) };
  const filter = parsed.data;
  if (filter.from && filter.to && filter.from > filter.to) {
    return { ok: false, error: fromZodIssues([{ path: ["to"], message: "must not be before from" }]) };
  }
  if (filter.to && params.to && DAY.test(params.to)) filter.to = new Date(filter.to.getTime() + 86_400_000);
  return { ok: true, filter };
}

/** The same filters as a query string, with changes (undefined removes a parameter). */
export function jobListHref(params: JobListParams, changes: JobListParams = {}): string {
  const merged: JobListParams = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const key of JOB_LIST_PARAMS) {
    const value = merged[key];
    if (value) search.set(key, value);
  }
  const query = search.toString();
  return query ? `/jobs?${query}` : "/jobs";
}
