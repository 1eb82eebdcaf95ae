import { randomBytes } from "node:crypto";
import { rename, unlink } from "node:fs/promises";
import path from "node:path";
import type { Ctx, Handler } from "./context";
import { authenticateBusiness, isReply, type Authed } from "./kapi";
import { empty, json, kakaoMomentException, momentError, type Reply } from "./http";
import {
  CREATE_HTTP_STATUS,
  DELETE_HTTP_STATUS,
  DETAIL,
  EMULATED_USAGES,
  MOMENT_REQUIRED_SCOPES,
  UNKNOWN_FILE_HTTP_STATUS,
} from "./kakao-assumptions";
import type { FileRecord } from "./store";
import { discard, receiveUpload, type ReceivedFile } from "./upload";

/**
 * Moment API (apis.moment.kakao.com) under /openapi/v4. Every call needs a live Business
 * Authentication token (a Kakao Login token gets 401 -401 "target biz token is not supplied.").
 */

function requireScope(a: Authed): Reply | null {
  if (MOMENT_REQUIRED_SCOPES.some((s) => a.token.scopes.includes(s))) return null;
  return momentError(403, -402, `[${MOMENT_REQUIRED_SCOPES.join(",")}] insufficient scopes.`, undefined, {
    required_scopes: [...MOMENT_REQUIRED_SCOPES],
    allowed_scopes: a.token.scopes,
  });
}

interface AccountAccess extends Authed {
  adAccountId: number;
}

/** Bearer + scope + `adAccountId` header + membership (+ write role and rate limit for writes). */
function requireAccount(ctx: Ctx, write: boolean): AccountAccess | Reply {
  const a = authenticateBusiness(ctx);
  if (isReply(a)) return a;
  const scope = requireScope(a);
  if (scope) return scope;
  const raw = ctx.req.headers["adaccountid"];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined || header.trim() === "") return momentError(400, -2, "adAccountId header is required");
  if (!/^\d{1,18}$/.test(header.trim())) return momentError(400, -2, "adAccountId header must be numeric");
  const adAccountId = Number(header.trim());
  const role = ctx.store.memberType(a.user.id, adAccountId);
  if (role === null || !ctx.store.adAccounts.has(adAccountId)) {
    return momentError(403, -5, "no permission for this ad account");
  }
  if (write && role === "VIEWER") return momentError(403, -5, "no permission to change this ad account");
  const interval = ctx.store.writeIntervalMs();
  if (write && interval > 0) {
    const now = ctx.store.now();
    const last = ctx.store.lastWriteAt.get(adAccountId);
    if (last !== undefined && now - last < interval) {
      return kakaoMomentException(429, DETAIL.tooManyRequests, "Too many requests: customer-file writes are limited per ad account");
    }
    ctx.store.lastWriteAt.set(adAccountId, now);
  }
  return { ...a, adAccountId };
}

/** Unknown, other-account or deleted file id: 400 `-813 KakaoMomentException` (not a 404). */
function unknownFile(id: string): Reply {
  return momentError(UNKNOWN_FILE_HTTP_STATUS, -813, "KakaoMomentException", {
    detailCode: DETAIL.notFound,
    detailMsg: `customer file ${id} does not exist in this ad account`,
  });
}

function findFile(ctx: Ctx, adAccountId: number): FileRecord | Reply {
  const raw = ctx.params.id!;
  if (!/^\d{1,18}$/.test(raw)) return momentError(400, -2, "customer file id must be numeric");
  ctx.store.purgeDeleted();
  const f = ctx.store.files.get(Number(raw));
  if (!f || f.adAccountId !== adAccountId || f.status === "DELETE") return unknownFile(raw);
  return ctx.store.settle(f);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function validateName(ctx: Ctx, adAccountId: number, name: string, selfId: number | null): Reply | null {
  if (name.trim() === "") return kakaoMomentException(400, DETAIL.nameInvalid, "name must not be empty");
  const max = ctx.store.facts.maxFileNameChars;
  if ([...name].length > max) {
    return kakaoMomentException(400, DETAIL.nameInvalid, `name must be at most ${max} characters`);
  }
  if (CONTROL.test(name)) return kakaoMomentException(400, DETAIL.nameInvalid, "name must not contain control characters");
  // A DELETE-status file (still listed for a while) does not hold its name.
  if (ctx.store.activeFilesOf(adAccountId).some((f) => f.name === name && f.id !== selfId)) {
    return kakaoMomentException(400, DETAIL.nameDuplicated, `a customer file named "${name}" already exists in this ad account`);
  }
  return null;
}

function tooMany(ctx: Ctx, adAccountId: number): Reply | null {
  if (ctx.store.activeFilesOf(adAccountId).length < ctx.opts.maxFilesPerAccount) return null;
  return kakaoMomentException(400, DETAIL.tooManyFiles, `an ad account holds at most ${ctx.opts.maxFilesPerAccount} customer files`);
}

function validateContents(file: ReceivedFile): Reply | null {
  const s = file.summary;
  if (s.lines === 0) return kakaoMomentException(400, DETAIL.emptyFile, "file is empty");
  if (s.badLines > 0) {
    return kakaoMomentException(
      400,
      DETAIL.badLines,
      `${s.badLines} of ${s.lines} lines are not an ADID/IDFA in UUID form (8-4-4-4-12 hex digits, one per line, "\\n" line ends); first bad line: ${s.firstBadLine}`,
    );
  }
  return null;
}

// --- handlers ----------------------------------------------------------------------------------

/** GET /openapi/v4/adAccounts/pages?config=ON,OFF&page=0&size=10 */
export const adAccountsPages: Handler = async (ctx) => {
  const a = authenticateBusiness(ctx);
  if (isReply(a)) return a;
  const scope = requireScope(a);
  if (scope) return scope;
  const q = ctx.url.searchParams;
  const configs = (q.get("config") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (configs.some((c) => !["ON", "OFF", "DEL"].includes(c))) return momentError(400, -2, "config must be a list of ON, OFF, DEL");
  const int = (name: string, def: number, min: number, max: number): number | null => {
    const v = q.get(name);
    if (v === null || v === "") return def;
    if (!/^\d+$/.test(v)) return null;
    const n = Number(v);
    return n >= min && n <= max ? n : null;
  };
  const page = int("page", 0, 0, 1_000_000);
  const size = int("size", 10, 1, 2000);
  if (page === null) return momentError(400, -2, "page must be a non-negative integer");
  if (size === null) return momentError(400, -2, "size must be an integer between 1 and 2000");
  const all = a.user.adAccounts
    .map((m) => ({ m, acct: ctx.store.adAccounts.get(m.id)! }))
    .filter(({ acct }) => configs.length === 0 || configs.includes(acct.config))
    .sort((x, y) => x.acct.id - y.acct.id)
    .map(({ m, acct }) => ({ id: acct.id, name: acct.name, memberType: m.memberType, config: acct.config }));
  // The page number's field name is the `adAccountsPageField` fact ("page", documented).
  return json(200, {
    content: all.slice(page * size, page * size + size),
    [ctx.store.facts.adAccountsPageField]: page,
    size,
    totalElements: all.length,
    totalPages: Math.ceil(all.length / size),
  });
};

/** GET /openapi/v4/customerFiles → bare array (DELETE-status files included while they linger). */
export const listFiles: Handler = async (ctx) => {
  const acc = requireAccount(ctx, false);
  if (isReply(acc)) return acc;
  const files = ctx.store.filesOf(acc.adAccountId).sort((a, b) => a.id - b.id);
  return json(200, files.map((f) => ctx.store.fileView(f)));
};

/** POST /openapi/v4/customerFiles (multipart: name part + file part, named by the facts). */
export const createFile: Handler = async (ctx) => {
  const acc = requireAccount(ctx, true);
  if (isReply(acc)) return acc;
  const { adAccountId } = acc;
  const full = tooMany(ctx, adAccountId);
  if (full) return full;
  const { uploadNamePart, uploadFilePart } = ctx.store.facts;

  const up = await receiveUpload(ctx.req, {
    incomingDir: ctx.incomingDir,
    maxFileBytes: ctx.opts.maxFileBytes,
    namePart: uploadNamePart,
    filePart: uploadFilePart,
    checkName: (n) => validateName(ctx, adAccountId, n, null),
  });
  if (!up.ok) return up.reply;
  const file = up.file;
  const problem: Reply | null = !file
    ? kakaoMomentException(400, DETAIL.fileMissing, `file part "${uploadFilePart}" is required`)
    : up.name === null
      ? kakaoMomentException(400, DETAIL.nameInvalid, `text part "${uploadNamePart}" is required`)
      : (validateName(ctx, adAccountId, up.name, null) ?? tooMany(ctx, adAccountId) ?? validateContents(file));
  if (problem || !file || up.name === null) {
    await discard(file?.tmpPath);
    return problem!;
  }

  const now = ctx.store.now();
  const id = ctx.store.newFileId();
  const rec: FileRecord = {
    id,
    adAccountId,
    name: up.name,
    adidListKey: `emu_${randomBytes(8).toString("hex")}`,
    status: "WAITING",
    populationScore: 0,
    ready: false,
    createdAt: now,
    lastModifiedAt: now,
    originalCreatedAt: now,
    populationUpdatedAt: null,
    processingUntil: now + ctx.opts.processingDelayMs,
    purgeAt: null,
    bytes: file.summary.bytes,
    lines: file.summary.lines,
    sha256: file.summary.sha256,
    versions: 1,
    path: path.join(ctx.filesDir, `${id}.csv`),
  };
  ctx.store.files.set(id, rec); // registered synchronously with the last checks: no duplicate can slip in
  try {
    await rename(file.tmpPath, rec.path);
  } catch (err) {
    ctx.store.files.delete(id);
    await discard(file.tmpPath);
    throw err;
  }
  // The answer's shape is the `registerAnswer` fact: the file object, or `{}`.
  if (ctx.store.facts.registerAnswer === "empty") return json(CREATE_HTTP_STATUS, {});
  // View before settling so that the answer shows WAITING even with a 0 ms delay.
  const view = { ...ctx.store.fileView({ ...rec, processingUntil: null }) };
  return json(CREATE_HTTP_STATUS, view);
};

/**
 * The edit call (the `editCall` fact; default `PUT /openapi/v4/customerFiles/{id}`): multipart with
 * the file part and an optional name part; replaces the contents.
 */
export const editFile: Handler = async (ctx) => {
  const acc = requireAccount(ctx, true);
  if (isReply(acc)) return acc;
  const { adAccountId } = acc;
  const found = findFile(ctx, adAccountId);
  if (isReply(found)) return found;
  const id = found.id;
  const { uploadNamePart, uploadFilePart } = ctx.store.facts;

  const up = await receiveUpload(ctx.req, {
    incomingDir: ctx.incomingDir,
    maxFileBytes: ctx.opts.maxFileBytes,
    namePart: uploadNamePart,
    filePart: uploadFilePart,
    checkName: (n) => validateName(ctx, adAccountId, n, id),
  });
  if (!up.ok) return up.reply;
  const file = up.file;
  const current = ctx.store.files.get(id);
  const problem: Reply | null = !current || current.status === "DELETE"
    ? unknownFile(String(id))
    : !file
      ? kakaoMomentException(400, DETAIL.fileMissing, `file part "${uploadFilePart}" is required`)
      : ((up.name !== null ? validateName(ctx, adAccountId, up.name, id) : null) ?? validateContents(file));
  if (problem || !file || !current) {
    await discard(file?.tmpPath);
    return problem!;
  }
  await rename(file.tmpPath, current.path);
  const f = ctx.store.settle(current);
  const now = ctx.store.now();
  if (up.name !== null) f.name = up.name;
  f.status = "MODIFYING";
  f.createdAt = now;
  f.lastModifiedAt = now;
  f.processingUntil = now + ctx.opts.processingDelayMs;
  f.bytes = file.summary.bytes;
  f.lines = file.summary.lines;
  f.sha256 = file.summary.sha256;
  f.versions += 1;
  // `ready` keeps its value: a COMPLETE file stays targetable (old version) while it is modified.
  return json(200, ctx.store.fileView({ ...f, processingUntil: null }));
};

/**
 * DELETE /openapi/v4/customerFiles/{id}: the file turns `DELETE` (ready false) and stays listed for
 * `deleteLingerMs`, then disappears. It no longer counts toward the cap nor holds its name, and
 * edit/delete/usages on it answer the unknown-id error. Its stored contents are removed now.
 */
export const deleteFile: Handler = async (ctx) => {
  const acc = requireAccount(ctx, true);
  if (isReply(acc)) return acc;
  const found = findFile(ctx, acc.adAccountId);
  if (isReply(found)) return found;
  const now = ctx.store.now();
  found.status = "DELETE";
  found.ready = false;
  found.processingUntil = null;
  found.lastModifiedAt = now;
  found.purgeAt = now + ctx.opts.deleteLingerMs;
  await unlink(found.path).catch(() => undefined);
  if (ctx.opts.deleteLingerMs === 0) ctx.store.files.delete(found.id);
  return empty(DELETE_HTTP_STATUS);
};

/** GET /openapi/v4/customerFiles/usages/{id} → ad groups using it (the emulator has none: `[]`). */
export const fileUsages: Handler = async (ctx) => {
  const acc = requireAccount(ctx, false);
  if (isReply(acc)) return acc;
  const found = findFile(ctx, acc.adAccountId);
  if (isReply(found)) return found;
  return json(200, EMULATED_USAGES);
};
