/**
 * The Kakao doctor: with the configured app and one business token, probe Kakao and compare the
 * *shape* of each answer (field names and types, status codes — never a token or an ADID) with
 * what the client assumes (lib/kakao/assumptions.ts). One row per fact: fact, assumed, seen,
 * verdict, the setting to change. Read-only unless `write` is given: then a one-line test file is
 * registered, edited and deleted in that ad account.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AD_ACCOUNT_PAGE_FIELD, CUSTOMER_FILE_STATUSES, CUSTOMER_FILES_PATH, TOKEN_INFO_PATH, USAGES_PATH, kakaoFacts, settingText, type Fact, type Grade } from "@/lib/kakao/assumptions";
import { env } from "@/lib/env";
import { kakaoEndpoints } from "@/lib/kakao/config";
import { fieldAt } from "@/lib/kakao/account";
import { authorizeUrl } from "@/lib/kakao/oauth";
import { KakaoError, kakaoFetch } from "@/lib/kakao/http";
import { deleteCustomerFile, listCustomerFiles, parseKakaoDate, registerCustomerFile, replaceCustomerFile, type CustomerFile } from "@/lib/kakao/customer-files";
import { WriteRateLimiter } from "@/lib/kakao/rate-limit";
import { withRetries } from "@/lib/kakao/retry";

export type Verdict = "as assumed" | "differs" | "not checked";

export interface DoctorRow {
  fact: string;
  assumed: string;
  seen: string;
  verdict: Verdict;
  /** The environment variable to change when the verdict is "differs" (null: a documented fact, tell us). */
  setting: string | null;
  grade: Grade | "doc";
}

export interface DoctorReport {
  /** The authorize URL this app sends (its `state` is a placeholder). */
  authorizeUrl: string;
  rows: DoctorRow[];
  /** Every checked fact is as assumed. */
  ok: boolean;
}

export interface DoctorOptions {
  token: string;
  /** The ad account to probe (default: the first one the token lists). */
  adAccountId?: number;
  /** Register, edit and delete a one-line test file in `adAccountId` (required then). */
  write?: boolean;
  /** Progress lines (the write probes wait for Kakao's write interval). */
  log?: (line: string) => void;
}

/** The shape of a JSON value: `{a: number, b: {c: string}}`, `[{…}]`, never its values. */
export function shapeOf(value: unknown, depth = 0): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `[${shapeOf(value[0], depth + 1)}]`;
  if (typeof value === "object") {
    if (depth > 2) return "{…}";
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${k}: ${shapeOf((value as Record<string, unknown>)[k], depth + 1)}`).join(", ")}}`;
  }
  return typeof value;
}

interface Answer {
  status: number;
  body: unknown;
}

/** `HTTP 400 code -813/80002` from an answer's status and Kakao's error body. */
function statusText(a: Answer): string {
  const b = (a.body ?? {}) as { code?: unknown; error?: unknown; error_code?: unknown; extras?: { detailCode?: unknown } };
  const code = typeof b.code === "number" ? ` code ${b.code}${typeof b.extras?.detailCode === "number" ? `/${b.extras.detailCode}` : ""}` : typeof b.error_code === "string" ? ` ${b.error_code}` : "";
  return a.status === 0 ? `no answer: ${String(a.body)}` : `HTTP ${a.status}${code}`;
}

async function get(url: string, token: string, adAccountId?: number): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
  if (adAccountId !== undefined) headers.adAccountId = String(adAccountId);
  let response: Response;
  try {
    response = await kakaoFetch(url, { headers });
  } catch (error) {
    // Unreachable or timed out: a row that says so, not a failed report.
    return { status: 0, body: errorSeen(error) };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

const row = (fact: string, assumed: string, seen: string, ok: boolean | null, setting: Fact | string | null, grade: DoctorRow["grade"]): DoctorRow => ({
  fact,
  assumed,
  seen,
  verdict: ok === null ? "not checked" : ok ? "as assumed" : "differs",
  setting: setting === null ? null : typeof setting === "string" ? setting : setting.setting,
  grade,
});

const errorSeen = (error: unknown) => (error instanceof KakaoError ? `${error.status !== undefined ? `HTTP ${error.status}` : `${error.kind}: ${error.message.slice(0, 200)}`}${error.code !== undefined ? ` code ${error.code}${error.detailCode !== undefined ? `/${error.detailCode}` : ""}` : ""}` : error instanceof Error ? error.message : String(error));

/** The authorize probe: Kakao's login page means the request was accepted; a KOE code means refused. */
async function probeAuthorize(url: string): Promise<DoctorRow> {
  const facts = kakaoFacts();
  const assumed = "accepted (Kakao's login page)";
  let response: Response;
  try {
    response = await kakaoFetch(url, { redirect: "manual" });
  } catch (error) {
    return row("authorize: Kakao accepts the request", assumed, errorSeen(error), false, null, "doc");
  }
  const location = response.headers.get("location");
  const callback = kakaoEndpoints().redirectUri;
  const text = await response.text().catch(() => "");
  let code: string | null = null;
  if (location && location.startsWith(callback)) {
    const q = new URL(location).searchParams;
    code = q.get("error_code") ?? /KOE\d{3}/.exec(q.get("error_description") ?? "")?.[0] ?? q.get("error") ?? "an error";
  } else if (response.status >= 400) {
    code = /KOE\d{3}/.exec(text)?.[0] ?? `HTTP ${response.status}`;
  }
  if (code === null) return row("authorize: Kakao accepts the request", assumed, response.status >= 300 ? `HTTP ${response.status} redirect to Kakao's login` : `HTTP ${response.status} login page`, true, null, "doc");
  // Which setting each refusal points at (kakao-api.md, business-auth trouble-shooting).
  const setting =
    code === "KOE233" ? `${facts.resourceIds.setting} / ${facts.pkce.setting}` : code === "KOE232" ? facts.scopes.setting : code === "KOE028" ? "PUBLIC_URL (register its callback as a business redirect URI)" : code === "KOE101" ? "KAKAO_CLIENT_ID" : null;
  return row("authorize: Kakao accepts the request", assumed, `refused: ${code}`, false, setting, "doc");
}

/** Runs the probes; never throws for what Kakao answers (that becomes a row). */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const facts = kakaoFacts();
  const k = kakaoEndpoints();
  const log = opts.log ?? (() => undefined);
  const rows: DoctorRow[] = [];
  const url = authorizeUrl({ state: "kakao-doctor" });

  log("authorize URL…");
  rows.push(await probeAuthorize(url));

  log("token info…");
  const info = await get(`${k.apiUrl}${TOKEN_INFO_PATH}`, opts.token);
  rows.push(row("token info answers", "HTTP 200", statusText(info), info.status === 200, null, "doc"));
  if (info.status === 200) {
    const field = facts.tokenInfoUserIdField.value;
    const v = fieldAt(info.body, field);
    const ok = (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v !== "");
    rows.push(row(facts.tokenInfoUserIdField.fact, `${field}: number`, ok ? `${field}: ${typeof v} (answer ${shapeOf(info.body)})` : `no ${field} (answer ${shapeOf(info.body)})`, ok, facts.tokenInfoUserIdField, facts.tokenInfoUserIdField.grade));
  }

  log("ad accounts…");
  const pages = await get(`${k.momentUrl}/openapi/v4/adAccounts/pages?config=ON,OFF&page=0&size=10`, opts.token);
  rows.push(row("ad-account pages answer", "HTTP 200", statusText(pages), pages.status === 200, null, "doc"));
  let adAccountId = opts.adAccountId;
  if (pages.status === 200) {
    const body = (pages.body ?? {}) as Record<string, unknown>;
    const pageKeys = ["page", "number"].filter((key) => typeof body[key] === "number");
    rows.push(row("ad-account pages: page number field", `${AD_ACCOUNT_PAGE_FIELD}: number`, pageKeys.length ? pageKeys.map((key) => `${key}: number`).join(", ") : `none (answer ${shapeOf(body)})`, typeof body[AD_ACCOUNT_PAGE_FIELD] === "number", null, "doc"));
    const content = Array.isArray(body.content) ? body.content : null;
    const first = (content?.[0] ?? null) as Record<string, unknown> | null;
    const itemOk = content !== null && (first === null || (typeof first.id === "number" && typeof first.name === "string" && typeof first.memberType === "string"));
    rows.push(row("ad-account pages: content[] of {id, name, memberType}", "content: [{id: number, name: string, memberType: string, …}]", content === null ? `no content (answer ${shapeOf(body)})` : `content: ${shapeOf(content)}`, itemOk, null, "doc"));
    if (adAccountId === undefined && first && typeof first.id === "number") adAccountId = first.id;
  }

  let listed: CustomerFile[] | null = null;
  if (adAccountId === undefined) {
    rows.push(row("customer files: a bare JSON array", "[{…}]", "no ad account to probe", null, null, "doc"));
  } else {
    log(`customer files of ad account ${adAccountId}…`);
    const files = await get(`${k.momentUrl}${CUSTOMER_FILES_PATH}`, opts.token, adAccountId);
    const isArray = Array.isArray(files.body);
    rows.push(row(`customer files of ad account ${adAccountId}: a bare JSON array`, "HTTP 200 [{…}]", files.status === 200 ? (isArray ? "HTTP 200 array" : `HTTP 200 ${shapeOf(files.body)}`) : statusText(files), files.status === 200 && isArray, null, "doc"));
    if (files.status === 200 && isArray) {
      const items = files.body as Record<string, unknown>[];
      const first = items[0];
      if (first) {
        const ok = typeof first.id === "number" && typeof first.name === "string" && typeof first.customerFileStatus === "string";
        rows.push(row("customer file: {id, name, customerFileStatus, …}", "{id: number, name: string, customerFileStatus: string, …}", shapeOf(first), ok, null, "doc"));
        const statuses = [...new Set(items.map((f) => String(f.customerFileStatus)))];
        const unknown = statuses.filter((s) => !(CUSTOMER_FILE_STATUSES as readonly string[]).includes(s));
        rows.push(row("customer file statuses", CUSTOMER_FILE_STATUSES.join(" | "), statuses.join(", "), unknown.length === 0, null, "doc"));
      }
      listed = await listCustomerFiles(opts.token, adAccountId).catch(() => null);
      const target = listed?.[0];
      if (target) {
        const usages = await get(`${k.momentUrl}${USAGES_PATH.replace("{id}", String(target.id))}`, opts.token, adAccountId);
        rows.push(row("usages of a customer file: a JSON array", "HTTP 200 [{…}]", usages.status === 200 ? (Array.isArray(usages.body) ? `HTTP 200 ${shapeOf(usages.body)}` : `HTTP 200 ${shapeOf(usages.body)}`) : statusText(usages), usages.status === 200 && Array.isArray(usages.body), null, "2nd"));
      }
      const unknownId = await get(`${k.momentUrl}${USAGES_PATH.replace("{id}", "999999999999")}`, opts.token, adAccountId);
      const b = (unknownId.body ?? {}) as { code?: unknown };
      rows.push(row("an unknown customer-file id answers", "HTTP 400 code -813", statusText(unknownId), unknownId.status === 400 && b.code === -813, null, "unknown"));
    }
  }

  if (!opts.write) {
    for (const f of [facts.uploadNamePart, facts.registerAnswer, facts.editCall, facts.fileNameMaxChars, facts.dateUtcOffsetHours, facts.writeIntervalMs] as Fact[]) {
      rows.push(row(f.fact, settingText(f), "not probed (read-only: add --write --ad-account ID)", null, f, f.grade));
    }
  } else if (adAccountId === undefined || opts.adAccountId === undefined) {
    rows.push(row("write probes", "--ad-account ID", "no ad account given", null, null, "doc"));
  } else {
    try {
      rows.push(...(await writeProbes(opts.token, opts.adAccountId, log)));
    } catch (error) {
      rows.push(row("write probes", "register → edit → delete", `stopped: ${errorSeen(error)}`, false, null, "doc"));
    }
  }
  const ok = rows.every((r) => r.verdict !== "differs");
  return { authorizeUrl: url.replace(/([?&]state=)[^&]*/, "$1…"), rows, ok };
}

const WRITE_PACE_MARGIN_MS = 500;

const tooFast = (error: unknown) => error instanceof KakaoError && error.kind === "rate_limited";

/** Register → edit → delete a one-line test file, at Kakao's write pace; each step is a row. */
async function writeProbes(token: string, adAccountId: number, log: (line: string) => void): Promise<DoctorRow[]> {
  const facts = kakaoFacts();
  const rows: DoctorRow[] = [];
  // The limiter spaces the *starts* of writes; Kakao sees their arrivals, which jitter by a few
  // hundred ms (connection set-up, the file part). The margin keeps that jitter from reading as
  // "Kakao is slower than the setting".
  const limiter = new WriteRateLimiter({ intervalMs: facts.writeIntervalMs.value > 0 ? facts.writeIntervalMs.value + WRITE_PACE_MARGIN_MS : 0 });
  let rateLimited = 0;
  const write = async <T>(call: () => Promise<T>): Promise<T> =>
    withRetries(
      async () => {
        await limiter.acquire(adAccountId);
        return call();
      },
      // Only 429s are retried: a write Kakao may have applied (5xx, an answer without the file) is a row, never sent twice.
      { tries: 4, baseMs: env().KAKAO_RETRY_BASE_MS, rateLimitBaseMs: env().KAKAO_RATE_LIMIT_RETRY_BASE_MS, retryIf: tooFast, onRetry: () => void rateLimited++ },
    );
  const dir = await mkdtemp(path.join(os.tmpdir(), "kmh-doctor-"));
  const file = path.join(dir, "kmh-doctor.csv");
  const line = `${randomUUID()}\n`;
  await writeFile(file, line);
  const bytes = Buffer.byteLength(line);
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const name = `kmh_doctor_${stamp}`;
  const started = Date.now();
  let created: CustomerFile | null = null;
  try {
    log(`registering the test file "${name}" in ad account ${adAccountId}…`);
    const partsAssumed = `2xx (${settingText(facts.uploadNamePart)}, ${settingText(facts.uploadFilePart)})`;
    try {
      const answer = await write(() => registerCustomerFile(token, adAccountId, name, file, { bytes }));
      rows.push(row("register: multipart part names", partsAssumed, "accepted", true, `${facts.uploadNamePart.setting} / ${facts.uploadFilePart.setting}`, "unknown"));
      rows.push(row(facts.registerAnswer.fact, settingText(facts.registerAnswer), answer ? "the customer file" : "no customer file", (answer !== null) === (facts.registerAnswer.value === "file"), facts.registerAnswer, facts.registerAnswer.grade));
      created = answer ?? (await listCustomerFiles(token, adAccountId)).find((f) => f.name === name) ?? null;
    } catch (error) {
      const noFile = error instanceof KakaoError && error.kind === "server" && /without the customer file/.test(error.message);
      if (noFile) {
        rows.push(row("register: multipart part names", partsAssumed, "accepted", true, `${facts.uploadNamePart.setting} / ${facts.uploadFilePart.setting}`, "unknown"));
        rows.push(row(facts.registerAnswer.fact, settingText(facts.registerAnswer), "no customer file", false, facts.registerAnswer, facts.registerAnswer.grade));
        created = (await listCustomerFiles(token, adAccountId)).find((f) => f.name === name) ?? null;
      } else if (tooFast(error)) {
        // Still 429 after the retries: the write interval row below differs; the parts were not judged.
        rows.push(row("register: multipart part names", partsAssumed, `not judged: ${errorSeen(error)} (too fast)`, null, `${facts.uploadNamePart.setting} / ${facts.uploadFilePart.setting}`, "unknown"));
      } else {
        rows.push(row("register: multipart part names", partsAssumed, `refused: ${errorSeen(error)}`, false, `${facts.uploadNamePart.setting} / ${facts.uploadFilePart.setting}`, "unknown"));
      }
    }
    if (created) {
      const listed = (await listCustomerFiles(token, adAccountId)).find((f) => f.id === created!.id) ?? created;
      const asUtc = parseKakaoDate(listed.originalCreatedDate ?? listed.createdDate, 0);
      const offset = asUtc === null ? null : Math.round((asUtc - started) / 3_600_000);
      rows.push(row(facts.dateUtcOffsetHours.fact, settingText(facts.dateUtcOffsetHours), offset === null ? "no readable createdDate" : `KAKAO_DATE_UTC_OFFSET_HOURS=${offset}`, offset === facts.dateUtcOffsetHours.value, facts.dateUtcOffsetHours, facts.dateUtcOffsetHours.grade));

      log("editing it…");
      if (facts.editCall.value === null) rows.push(row(facts.editCall.fact, "none", "not probed (no edit call configured)", null, facts.editCall, facts.editCall.grade));
      else {
        try {
          await write(() => replaceCustomerFile(token, adAccountId, created!.id, file, { bytes }));
          rows.push(row(facts.editCall.fact, `${settingText(facts.editCall)} → 2xx`, "accepted", true, facts.editCall, facts.editCall.grade));
        } catch (error) {
          rows.push(row(facts.editCall.fact, `${settingText(facts.editCall)} → 2xx`, tooFast(error) ? `not judged: ${errorSeen(error)} (too fast)` : `refused: ${errorSeen(error)}`, tooFast(error) ? null : false, facts.editCall, facts.editCall.grade));
        }
      }

      log("deleting it…");
      try {
        await write(() => deleteCustomerFile(token, adAccountId, created!.id));
        const after = (await listCustomerFiles(token, adAccountId, { includeDeleted: true })).find((f) => f.id === created!.id);
        rows.push(row("delete: the file is gone, or listed as DELETE", "gone | DELETE", after ? after.customerFileStatus : "gone", !after || after.customerFileStatus === "DELETE", null, "2nd"));
        created = null;
      } catch (error) {
        rows.push(row("delete: the file is gone, or listed as DELETE", "2xx", tooFast(error) ? `not judged: ${errorSeen(error)} (too fast)` : `refused: ${errorSeen(error)}`, tooFast(error) ? null : false, null, "2nd"));
      }
    }
    rows.push(row(facts.writeIntervalMs.fact, settingText(facts.writeIntervalMs), rateLimited ? `${rateLimited} × 429 at that pace` : "no 429 at that pace", rateLimited === 0, facts.writeIntervalMs, facts.writeIntervalMs.grade));
    rows.push(row(facts.fileNameMaxChars.fact, settingText(facts.fileNameMaxChars), "not probed (would register a second file)", null, facts.fileNameMaxChars, facts.fileNameMaxChars.grade));
  } finally {
    // Leave nothing behind: the clean-up waits out Kakao's write limit (default retries, 429 backoff from 5 s).
    if (created) await withRetries(() => deleteCustomerFile(token, adAccountId, created!.id), { rateLimitBaseMs: env().KAKAO_RATE_LIMIT_RETRY_BASE_MS }).catch(() => log(`could not delete the test file ${created!.id}: delete it in Kakao Moment`));
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
