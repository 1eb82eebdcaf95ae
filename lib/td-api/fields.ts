/**
 * Treasure Data's parameter names ↔ ours, so that a validation message names the field the client
 * sent (`retry_limit: must be at most 10`, `result_connection_settings.file_name: is required`).
 */
import { z } from "zod";
import { fromZodIssues, type AppError } from "@/lib/errors";
import type { Params } from "@/lib/td-api/http";

const TD_NAMES: Record<string, string> = {
  authenticationId: "result_connection_id",
  exportAuthenticationId: "result_connection_id",
  exportSettings: "result_connection_settings",
  retryLimit: "retry_limit",
  domainKey: "domain_key",
  scheduledAt: "scheduled_time",
  delaySeconds: "delay",
  sql: "query",
};

/** zod issues with our field names → one error naming Treasure Data's. */
export function tdIssues(issues: { path: PropertyKey[]; message: string }[]): AppError {
  return fromZodIssues(issues.map((issue) => ({ ...issue, path: issue.path.map((p, i) => (i === 0 ? (TD_NAMES[String(p)] ?? p) : p)) })));
}

export function invalid(field: string, message: string): AppError {
  return fromZodIssues([{ path: [field], message }]);
}

/** A parameter as text: strings as sent, numbers from JSON bodies as their decimal form; absent/"" → undefined. */
export function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return value;
  throw invalid(name, "must be a string");
}

/** A JSON-object parameter (`result_connection_settings`): a JSON string (form bodies) or an object (JSON bodies). */
export function jsonObject(params: Params, name: string): Record<string, unknown> | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalid(name, "must be a JSON object (e.g. {\"ad_account_id\": 27429, \"mode\": \"register\", \"file_name\": \"audience\"})");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid(name, "must be a JSON object");
  return parsed as Record<string, unknown>;
}

/** Treasure Data times: unix seconds, ISO-8601, or `2020-12-31 11:22:33 UTC`. */
export const tdTimeInput = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const raw = String(value).trim();
  let date: Date;
  if (/^\d{1,12}$/.test(raw)) date = new Date(Number(raw) * 1000);
  else {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\s*UTC|Z)?$/.exec(raw);
    date = m ? new Date(`${m[1]}T${m[2]}Z`) : new Date(raw);
  }
  if (!raw || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `must be a unix time or a time like "2020-12-31 11:22:33 UTC" (got "${raw.slice(0, 40)}")` });
    return z.NEVER;
  }
  return date;
});
