/**
 * Kakao Moment customer files (`/openapi/v4/customerFiles`): list, register (multipart POST),
 * replace (multipart PUT), delete — and `uploadChunkIdempotent`, the export's one way to put a
 * spooled chunk on Kakao without ever creating a duplicate or losing a file.
 *
 * Uploads stream the chunk from disk (multipart preamble + file stream + epilogue, with an exact
 * Content-Length); a 200 MB file is never held in memory.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import { kakaoEndpoints } from "@/lib/kakao/config";
import { KakaoError, kakaoErrorFrom, kakaoFetch, kakaoUpload } from "@/lib/kakao/http";
import { CUSTOMER_FILES_PATH, FILE_CONTENT_TYPE, FILE_EXTENSION, MAX_FILES_PER_ACCOUNT, kakaoFacts } from "@/lib/kakao/assumptions";
import type { WriteRateLimiter } from "@/lib/kakao/rate-limit";
import { isAmbiguousKakaoError, withRetries, type RetryOptions } from "@/lib/kakao/retry";

export { MAX_CUSTOMER_FILE_NAME_CHARS, MAX_FILE_BYTES, MAX_FILES_PER_ACCOUNT } from "@/lib/kakao/assumptions";

/*
 * What this module assumes about Kakao (the part names, the register answer, the edit call, the
 * date offset) comes from kakaoFacts() (lib/kakao/assumptions.ts): settings, read at each call.
 */

/** A customer file as Kakao describes it (fields Kakao leaves out are null). */
export interface CustomerFile {
  id: number;
  adAccountId: number | null;
  name: string;
  adidListKey: string | null;
  /** WAITING, COMPLETE, MODIFYING, DELETE (deleted, may still be listed), ERROR. */
  customerFileStatus: string;
  populationScore: number | null;
  ready: boolean | null;
  createdDate: string | null;
  lastModifiedDate: string | null;
  originalCreatedDate: string | null;
  populationUpdateDate: string | null;
}

export interface KakaoCallOptions {
  /** Moment API base URL (default kakaoEndpoints().momentUrl). */
  baseUrl?: string;
  signal?: AbortSignal;
  /** Per request (default 30 s; uploads: 60 s + 1 ms per KB… see uploadTimeoutMs). */
  timeoutMs?: number;
}

const momentUrl = (opts: KakaoCallOptions) => (opts.baseUrl ?? kakaoEndpoints().momentUrl).replace(/\/$/, "");

function headers(token: string, adAccountId: number | string): Record<string, string> {
  return { authorization: `Bearer ${token}`, adAccountId: String(adAccountId), accept: "application/json" };
}

/** Uploads may take a while: 60 s plus 1 ms per 1,000 bytes (a floor of 1 MB/s). */
export function uploadTimeoutMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 1_000);
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : null);

/** Reads Kakao's customer-file object leniently; throws when it has no id or name. */
export function parseCustomerFile(raw: unknown): CustomerFile {
  const o = (raw ?? {}) as Record<string, unknown>;
  const id = num(o.id);
  if (id === null || typeof o.name !== "string") {
    throw new KakaoError("bad_request", `Kakao answered with an unexpected customer file object: ${JSON.stringify(raw).slice(0, 200)}`);
  }
  return {
    id,
    adAccountId: num(o.adAccountId),
    name: o.name,
    adidListKey: str(o.adidListKey),
    customerFileStatus: str(o.customerFileStatus) ?? "UNKNOWN",
    populationScore: num(o.populationScore),
    ready: typeof o.ready === "boolean" ? o.ready : null,
    createdDate: str(o.createdDate),
    lastModifiedDate: str(o.lastModifiedDate),
    originalCreatedDate: str(o.originalCreatedDate),
    populationUpdateDate: str(o.populationUpdateDate),
  };
}

/** Kakao's `yyyy-MM-dd'T'HH:mm:ss` (no offset: KAKAO_DATE_UTC_OFFSET_HOURS) → epoch ms; an explicit offset is honoured. null when unreadable. */
export function parseKakaoDate(value: string | null | undefined, offsetHours: number = kakaoFacts().dateUtcOffsetHours.value): number | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return null;
  if (m[8]) {
    const ms = Date.parse(value.trim());
    return Number.isFinite(ms) ? ms : null;
  }
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ? Math.round(Number(m[7]) * 1000) : 0);
  return utc - offsetHours * 3_600_000;
}

// --- the API calls ----------------------------------------------------------------------------

/** A deleted file may still be listed for a while, with status DELETE [doc]: it is gone for every purpose of ours. */
export const isDeleted = (f: CustomerFile) => f.customerFileStatus === "DELETE";

/**
 * GET /openapi/v4/customerFiles → the ad account's customer files (a bare JSON array [doc]),
 * without those in status DELETE unless `includeDeleted`.
 */
export async function listCustomerFiles(token: string, adAccountId: number | string, opts: KakaoCallOptions & { includeDeleted?: boolean } = {}): Promise<CustomerFile[]> {
  const response = await kakaoFetch(`${momentUrl(opts)}${CUSTOMER_FILES_PATH}`, { headers: headers(token, adAccountId), signal: opts.signal, timeoutMs: opts.timeoutMs });
  if (!response.ok) throw await kakaoErrorFrom(response, `Listing the customer files of ad account ${adAccountId}`);
  const body = (await response.json().catch(() => null)) as unknown;
  // A bare array (documented); a page object {content: […]} is read too, should Kakao wrap it.
  const items = Array.isArray(body) ? body : Array.isArray((body as { content?: unknown } | null)?.content) ? (body as { content: unknown[] }).content : null;
  if (items === null) throw new KakaoError("bad_request", `Listing the customer files of ad account ${adAccountId}: unexpected answer ${JSON.stringify(body).slice(0, 200)}`);
  const files = items.map(parseCustomerFile);
  return opts.includeDeleted ? files : files.filter((f) => !isDeleted(f));
}

/** One customer file by id (Kakao has no single-file GET: read from the list). null when absent or deleted. */
export async function getCustomerFile(token: string, adAccountId: number | string, id: number, opts: KakaoCallOptions = {}): Promise<CustomerFile | null> {
  return (await listCustomerFiles(token, adAccountId, opts)).find((f) => f.id === id) ?? null;
}

export interface UploadFileOptions extends KakaoCallOptions {
  /** The file's size: checked against the disk before sending, and sent as part of Content-Length. */
  bytes: number;
}

/**
 * POST /openapi/v4/customerFiles (multipart name + file): a new customer file. null when Kakao's
 * answer carries no file object and KAKAO_REGISTER_ANSWER=empty says so: the caller finds it by name.
 */
export async function registerCustomerFile(token: string, adAccountId: number | string, name: string, filePath: string, opts: UploadFileOptions): Promise<CustomerFile | null> {
  const facts = kakaoFacts();
  const what = `Registering the customer file "${name}"`;
  const response = await sendMultipart("POST", `${momentUrl(opts)}${CUSTOMER_FILES_PATH}`, token, adAccountId, { [facts.uploadNamePart.value]: name }, filePath, opts);
  if (!response.ok) throw await kakaoErrorFrom(response, what, [facts.uploadNamePart, facts.uploadFilePart, facts.fileNameMaxChars]);
  const body = (await response.json().catch(() => undefined)) as unknown;
  const file = fileIn(body);
  if (file) return file;
  if (facts.registerAnswer.value === "empty") return null;
  // Kakao accepted the write: an answer without the file is an ambiguous failure (kind "server"),
  // so the idempotent upload looks the file up by name instead of sending it again.
  throw new KakaoError(
    "server",
    `${what}: Kakao answered HTTP ${response.status} without the customer file (${JSON.stringify(body ?? null).slice(0, 200)}); the setting KAKAO_REGISTER_ANSWER="file" expects it there — set KAKAO_REGISTER_ANSWER=empty if Kakao never sends it`,
    response.status,
  );
}

/** The customer file in a 2xx answer: the object itself, or wrapped in `content`/`data`; null when none. */
function fileIn(body: unknown): CustomerFile | null {
  for (const candidate of [body, (body as { content?: unknown } | null)?.content, (body as { data?: unknown } | null)?.data]) {
    try {
      if (candidate && typeof candidate === "object" && !Array.isArray(candidate)) return parseCustomerFile(candidate);
    } catch {
      // not a file object
    }
  }
  return null;
}

/** The edit call (KAKAO_EDIT_CALL, e.g. PUT /openapi/v4/customerFiles/{id}, multipart file): replaces the contents, keeps the name. */
export async function replaceCustomerFile(token: string, adAccountId: number | string, id: number, filePath: string, opts: UploadFileOptions): Promise<CustomerFile> {
  const facts = kakaoFacts();
  const call = facts.editCall.value;
  const what = `Replacing the contents of customer file ${id}`;
  if (!call) throw new KakaoError("bad_request", `${what}: no edit call is configured (KAKAO_EDIT_CALL=none)`);
  const response = await sendMultipart(call.method, `${momentUrl(opts)}${call.path.replace("{id}", String(id))}`, token, adAccountId, {}, filePath, opts);
  if (!response.ok) throw await kakaoErrorFrom(response, what, [facts.editCall, facts.uploadFilePart]);
  const file = fileIn(await response.json().catch(() => undefined));
  if (file) return file;
  // No file object in the answer: read it from the list (a replayed edit is harmless, so a miss is "server").
  const listed = await getCustomerFile(token, adAccountId, id, opts);
  if (!listed) throw new KakaoError("server", `${what}: Kakao answered HTTP ${response.status} without the customer file, and the file is not listed`, response.status);
  return listed;
}

/** DELETE /openapi/v4/customerFiles/{id}. */
export async function deleteCustomerFile(token: string, adAccountId: number | string, id: number, opts: KakaoCallOptions = {}): Promise<void> {
  const response = await kakaoFetch(`${momentUrl(opts)}${CUSTOMER_FILES_PATH}/${id}`, { method: "DELETE", headers: headers(token, adAccountId), signal: opts.signal, timeoutMs: opts.timeoutMs });
  if (!response.ok) throw await kakaoErrorFrom(response, `Deleting customer file ${id}`);
  await response.arrayBuffer().catch(() => undefined);
}

/** The part's file name: the spool's own (ASCII, .csv) when it is one, else a fixed one. */
function partFileName(filePath: string): string {
  const base = path.basename(filePath);
  return /^[\w.-]+\.csv$/i.test(base) ? base : `customer-file${FILE_EXTENSION}`;
}

async function sendMultipart(
  method: string,
  url: string,
  token: string,
  adAccountId: number | string,
  fields: Record<string, string>,
  filePath: string,
  opts: UploadFileOptions,
): Promise<Response> {
  const size = (await stat(filePath)).size;
  if (size !== opts.bytes) throw new Error(`The spooled file ${filePath} has ${size} bytes, expected ${opts.bytes}`);
  const boundary = `----KakaoMomentExportHub${randomBytes(12).toString("hex")}`;
  let head = "";
  for (const [field, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${kakaoFacts().uploadFilePart.value}"; filename="${partFileName(filePath)}"\r\n` +
    `Content-Type: ${FILE_CONTENT_TYPE}\r\n\r\n`;
  const preamble = Buffer.from(head, "utf8");
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, "utf8");
  async function* body(): AsyncGenerator<Buffer> {
    yield preamble;
    for await (const chunk of createReadStream(filePath, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
    yield epilogue;
  }
  return kakaoUpload(url, {
    method,
    headers: {
      ...headers(token, adAccountId),
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(preamble.length + size + epilogue.length),
    },
    body: Readable.from(body(), { objectMode: false }),
    signal: opts.signal,
    timeoutMs: opts.timeoutMs ?? uploadTimeoutMs(size),
  });
}

// --- checks before uploading -------------------------------------------------------------------

export interface OwnershipOptions {
  /**
   * When this export first started (its first attempt). A file created at or after it (less the
   * clock skew) is taken as this export's own, e.g. uploaded by an attempt that crashed before
   * recording it. Unset: no existing file is this export's.
   */
  ownedSince?: Date | number | null;
  /** Tolerated difference between our clock and Kakao's (default 10 minutes). */
  clockSkewMs?: number;
}

export const DEFAULT_CLOCK_SKEW_MS = 10 * 60_000;

/** Whether `file` was made by this export (see OwnershipOptions). Unknown dates count as not ours. */
export function isOwnFile(file: CustomerFile, opts: OwnershipOptions): boolean {
  if (opts.ownedSince === undefined || opts.ownedSince === null) return false;
  const since = typeof opts.ownedSince === "number" ? opts.ownedSince : opts.ownedSince.getTime();
  // originalCreatedDate survives edits; createdDate is the latest version's.
  const created = parseKakaoDate(file.originalCreatedDate ?? file.createdDate);
  return created !== null && created >= since - (opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS);
}

const describe = (f: CustomerFile) => `id ${f.id}${f.originalCreatedDate ?? f.createdDate ? `, created ${f.originalCreatedDate ?? f.createdDate} KST` : ""}`;

/**
 * Register mode, before any upload: none of `names` may belong to an existing customer file that
 * is not this export's own. Throws AppError "conflict" naming every clash.
 */
export function assertNamesFree(files: readonly CustomerFile[], names: readonly string[], opts: OwnershipOptions & { adAccountId?: number | string } = {}): void {
  const wanted = new Set(names);
  const clashes = files.filter((f) => wanted.has(f.name) && !isOwnFile(f, opts));
  if (clashes.length === 0) return;
  const where = opts.adAccountId !== undefined ? ` in ad account ${opts.adAccountId}` : "";
  const list = clashes.map((f) => `"${f.name}" (${describe(f)})`).join(", ");
  throw new AppError(
    "conflict",
    `${clashes.length === 1 ? "A customer file named" : "Customer files named"} ${list} already ${clashes.length === 1 ? "exists" : "exist"}${where}. ` +
      `Register creates new files and never overwrites: choose another Customer File Name, or use Edit mode to replace an existing file.`,
    { fileName: "already used in this ad account" },
  );
}

/** Register mode: the ad account must have room for `count` more files (Kakao: at most 50). */
export function assertRoomFor(files: readonly CustomerFile[], count: number, adAccountId?: number | string): void {
  if (files.length + count <= MAX_FILES_PER_ACCOUNT) return;
  throw new AppError(
    "conflict",
    `Ad account${adAccountId !== undefined ? ` ${adAccountId}` : ""} already has ${files.length} customer files; Kakao allows ${MAX_FILES_PER_ACCOUNT}, and this export needs ${count} more. Delete unused customer files in Kakao Moment first.`,
  );
}

/** Edit mode: the one customer file named `name` (errors when there is none or several). */
export function findFileForEdit(files: readonly CustomerFile[], name: string, adAccountId?: number | string): CustomerFile {
  const where = adAccountId !== undefined ? ` in ad account ${adAccountId}` : "";
  const same = files.filter((f) => f.name === name);
  if (same.length === 0) {
    throw new AppError(
      "not_found",
      `No customer file named "${name}"${where}. Edit replaces the contents of an existing customer file: check the name (it must match exactly), or create the file with Register mode.`,
      { fileName: "no customer file with this name" },
    );
  }
  if (same.length > 1) {
    throw new AppError(
      "conflict",
      `${same.length} customer files are named "${name}"${where} (${same.map(describe).join("; ")}). Edit needs exactly one: rename or delete the others in Kakao Moment.`,
      { fileName: "several customer files have this name" },
    );
  }
  return same[0]!;
}

// --- the idempotent upload ---------------------------------------------------------------------

/** Runs a Kakao call with a valid token: `(call) => withAccessToken(authenticationId, call)`. */
export type WithToken = <T>(call: (accessToken: string) => Promise<T>) => Promise<T>;

export interface ChunkToUpload {
  path: string;
  bytes: number;
  lines: number;
  sha256: string;
}

export interface UploadChunkParams extends OwnershipOptions {
  withToken: WithToken;
  adAccountId: number | string;
  mode: "register" | "edit";
  /** The customer file's name (register: already suffixed, NAME_2…; edit: the file to find). */
  name: string;
  /** Edit: the file to replace when the caller resolved it already (checked against the list). */
  targetId?: number;
  chunk: ChunkToUpload;
  /**
   * Register: what an earlier attempt of this job recorded for this file (Kakao id and SHA-256).
   * The same id with the same SHA-256 is reused without uploading; a different SHA-256 is replaced.
   */
  previous?: { id: number; sha256: string } | null;
  /**
   * Register: an own file of this name that no record vouches for (an attempt crashed between the
   * upload and recording it). "accept" (default): keep it as this chunk — right when the query
   * gives the same rows again; "replace": upload this chunk's contents over it (PUT).
   */
  unverified?: "accept" | "replace";
  /** Customer-file writes wait for it (pass sharedWriteLimiter() in the worker). */
  limiter?: WriteRateLimiter | null;
  retry?: RetryOptions;
  log?: (message: string) => void;
  /** Base URL and timeout of the Moment API calls. */
  api?: Omit<KakaoCallOptions, "signal">;
  signal?: AbortSignal;
}

export interface UploadedChunk {
  id: number;
  name: string;
  bytes: number;
  lines: number;
  sha256: string;
  /** Kakao's customerFileStatus as last seen (WAITING right after an upload). */
  status: string;
  populationScore: number | null;
  /** Write requests sent (POST/PUT), failed ones included. */
  attempts: number;
  /**
   * uploaded: a new file (register); replaced: contents replaced (edit, or register over an own
   * file); recovered: an ambiguous failure had in fact stored the file, found by name, not sent
   * again; reused: already there from an earlier attempt, nothing sent.
   */
  outcome: "uploaded" | "replaced" | "recovered" | "reused";
}

/**
 * Puts one spooled chunk on Kakao, safe to retry and to resume:
 *
 * Register — Kakao's file object has no size or checksum, so a file is recognised by its exact
 * name, and as this export's own by its creation time (OwnershipOptions.ownedSince):
 *  1. List the account's files. A file with the name that is not ours → error before any upload.
 *     An own one (an earlier attempt's) → reused when `previous` vouches for it (same id and
 *     SHA-256), replaced when `previous` says otherwise, else per `unverified`.
 *  2. POST, retried on 429/5xx/network with backoff. After an ambiguous failure (5xx, dropped
 *     connection, timeout: Kakao may have stored the file) the list is read again before the next
 *     attempt; a file with the name is then our upload: recovered, not sent again. A 400 after an
 *     ambiguous failure (e.g. Kakao refusing the name as a duplicate) is checked the same way.
 *  3. After an ambiguous failure, once done, extra files of this name created by this export
 *     (a "failed" upload that landed after all) are deleted, keeping the one returned.
 * Limits: a request still in flight at Kakao when we re-list (we timed out, Kakao had not yet
 * stored it) can land after step 3 and leave a duplicate; a file someone else names the same way
 * after the export started is taken for ours. Both need a name clash within the job's window.
 *
 * Edit — find the one file with the name (errors for none or several), PUT the contents; a
 * replayed PUT stores the same contents again, so retries are naturally idempotent.
 */
export async function uploadChunkIdempotent(p: UploadChunkParams): Promise<UploadedChunk> {
  const ctx = new UploadContext(p);
  return p.mode === "edit" ? ctx.edit() : ctx.register();
}

class UploadContext {
  attempts = 0;
  private readonly api: KakaoCallOptions;
  private readonly log: (message: string) => void;

  constructor(private readonly p: UploadChunkParams) {
    this.api = { ...p.api, signal: p.signal };
    this.log = p.log ?? (() => undefined);
  }

  private retryOpts(what: string): RetryOptions {
    const user = this.p.retry ?? {};
    return {
      ...user,
      signal: this.p.signal,
      onRetry: (attempt, error, delayMs) => {
        if (error instanceof KakaoError && error.kind === "rate_limited") this.p.limiter?.pause(this.p.adAccountId, delayMs);
        this.log(`${what}: attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${(delayMs / 1000).toFixed(1)} s`);
        user.onRetry?.(attempt, error, delayMs);
      },
    };
  }

  private list(): Promise<CustomerFile[]> {
    return withRetries(() => this.p.withToken((token) => listCustomerFiles(token, this.p.adAccountId, this.api)), this.retryOpts(`Listing the customer files of ad account ${this.p.adAccountId}`));
  }

  private async write<T>(call: (token: string) => Promise<T>): Promise<T> {
    await this.p.limiter?.acquire(this.p.adAccountId, this.p.signal);
    this.attempts++;
    return this.p.withToken(call);
  }

  private result(file: CustomerFile, outcome: UploadedChunk["outcome"]): UploadedChunk {
    const { chunk } = this.p;
    return {
      id: file.id,
      name: file.name,
      bytes: chunk.bytes,
      lines: chunk.lines,
      sha256: chunk.sha256,
      status: file.customerFileStatus,
      populationScore: file.populationScore,
      attempts: this.attempts,
      outcome,
    };
  }

  private upload = (token: string) => registerCustomerFile(token, this.p.adAccountId, this.p.name, this.p.chunk.path, { ...this.api, bytes: this.p.chunk.bytes });
  private replace = (id: number) => (token: string) => replaceCustomerFile(token, this.p.adAccountId, id, this.p.chunk.path, { ...this.api, bytes: this.p.chunk.bytes });

  private async put(id: number): Promise<CustomerFile> {
    return withRetries(() => this.write(this.replace(id)), this.retryOpts(`Replacing the contents of customer file "${this.p.name}" (id ${id})`));
  }

  /** Deletes own duplicates of the name, keeping `keep`. */
  private async removeDuplicates(same: readonly CustomerFile[], keep: number): Promise<void> {
    for (const extra of same.filter((f) => f.id !== keep)) {
      this.log(`Customer file "${this.p.name}" exists twice (ids ${keep} and ${extra.id}) after a retried upload: deleting the duplicate ${extra.id}`);
      await withRetries(
        () => this.write((token) => deleteCustomerFile(token, this.p.adAccountId, extra.id, this.api)),
        this.retryOpts(`Deleting the duplicate customer file ${extra.id}`),
      );
    }
  }

  async register(): Promise<UploadedChunk> {
    const { name, adAccountId, chunk } = this.p;
    const callStarted = Date.now();
    const before = (await this.list()).filter((f) => f.name === name);
    if (before.length > 0) {
      assertNamesFree(before, [name], { ownedSince: this.p.ownedSince, clockSkewMs: this.p.clockSkewMs, adAccountId });
      // Only own files are left (an earlier attempt's). Keep the recorded one, else the oldest.
      const keep = before.find((f) => f.id === this.p.previous?.id) ?? [...before].sort((a, b) => a.id - b.id)[0]!;
      await this.removeDuplicates(before, keep.id);
      const previous = this.p.previous;
      if (previous && previous.id === keep.id && previous.sha256 === chunk.sha256) {
        this.log(`Customer file "${name}" (id ${keep.id}) was uploaded by an earlier attempt with the same contents: not sent again`);
        return this.result(keep, "reused");
      }
      if (!previous && (this.p.unverified ?? "accept") === "accept") {
        this.log(`Customer file "${name}" (id ${keep.id}) was created by an earlier attempt of this export: kept, not sent again`);
        return this.result(keep, "reused");
      }
      this.log(`Customer file "${name}" (id ${keep.id}) from an earlier attempt may hold other rows: replacing its contents`);
      return this.result(await this.put(keep.id), "replaced");
    }

    let ambiguous = false;
    const findOurs = async (): Promise<CustomerFile | null> => {
      const same = (await this.list()).filter((f) => f.name === name);
      if (same.length === 0) return null;
      const first = [...same].sort((a, b) => a.id - b.id)[0]!;
      this.log(`Customer file "${name}" was stored by Kakao despite the failed request (id ${first.id}): not sent again`);
      return first;
    };
    const outcome = await withRetries(async () => {
      if (ambiguous) {
        const found = await findOurs();
        if (found) return { file: found, recovered: true };
      }
      try {
        const created = await this.write(this.upload);
        if (created) return { file: created, recovered: false };
        // KAKAO_REGISTER_ANSWER=empty: Kakao's answer names no file, so read its id from the list.
        const listed = (await this.list()).filter((f) => f.name === name).sort((a, b) => b.id - a.id)[0];
        if (!listed) throw new KakaoError("server", `Registering the customer file "${name}": Kakao accepted it but does not list it (KAKAO_REGISTER_ANSWER=empty)`);
        return { file: listed, recovered: false };
      } catch (error) {
        if (isAmbiguousKakaoError(error)) ambiguous = true;
        else if (ambiguous && error instanceof KakaoError && error.kind === "bad_request") {
          const found = await findOurs();
          if (found) return { file: found, recovered: true };
        }
        throw error;
      }
    }, this.retryOpts(`Uploading customer file "${name}"`));

    if (ambiguous) {
      // Only files made since this call began can be our own lost uploads.
      const mine = { ownedSince: callStarted, clockSkewMs: this.p.clockSkewMs };
      const same = (await this.list()).filter((f) => f.name === name && (f.id === outcome.file.id || isOwnFile(f, mine)));
      await this.removeDuplicates(same, outcome.file.id);
    }
    return this.result(outcome.file, outcome.recovered ? "recovered" : "uploaded");
  }

  async edit(): Promise<UploadedChunk> {
    const { name, adAccountId, targetId } = this.p;
    const files = await this.list();
    let target: CustomerFile;
    if (targetId !== undefined) {
      const byId = files.find((f) => f.id === targetId);
      if (!byId) throw new AppError("not_found", `Customer file ${targetId} ("${name}") is no longer in ad account ${adAccountId}: it was deleted since the export started.`);
      if (byId.name !== name) throw new AppError("conflict", `Customer file ${targetId} is now named "${byId.name}", not "${name}": it was renamed since the export started.`);
      target = byId;
    } else {
      target = findFileForEdit(files, name, adAccountId);
    }
    return this.result(await this.put(target.id), "replaced");
  }
}
