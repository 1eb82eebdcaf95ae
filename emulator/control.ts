import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { z } from "zod";
import type { Ctx, Handler } from "./context";
import { parseFactsPatch } from "./facts";
import { parseFaultsBody } from "./faults";
import { json, readJson, type Reply } from "./http";
import { FORCEABLE_AUTHORIZE_ERRORS, type ForceableAuthorizeError } from "./kakao-assumptions";
import { sha256Hex, type TokenRecord } from "./store";

/**
 * Test-control endpoints under /__emulator (never faulted, not counted):
 *   GET    /__emulator/health
 *   GET    /__emulator/state
 *   POST   /__emulator/reset
 *   GET    /__emulator/facts    POST /__emulator/facts    DELETE /__emulator/facts
 *   GET    /__emulator/authorize-error   POST (…)   DELETE (…)
 *   GET    /__emulator/faults   POST /__emulator/faults   DELETE /__emulator/faults
 *   POST   /__emulator/tokens/revoke   POST /__emulator/tokens/expire
 *   GET    /__emulator/files/{id}/content
 *   POST   /__emulator/files/{id}/status   {customerFileStatus, populationScore?}
 */

const bad = (msg: string): Reply => json(400, { error: msg });

export const health: Handler = async () => json(200, { ok: true });

/** GET / — what this server is (handy when someone opens the base URL in a browser). */
export const index: Handler = async () =>
  json(200, {
    name: "Kakao emulator",
    serves: ["kauth.kakao.com (OAuth)", "kapi.kakao.com (token info)", "apis.moment.kakao.com (/openapi/v4)"],
    docs: "emulator/README.md",
    control: "/__emulator/state",
  });

export const state: Handler = async ({ store }) => {
  const now = store.now();
  const files = store
    .allFiles()
    .sort((a, b) => a.id - b.id)
    .map((f) => ({
      id: f.id,
      adAccountId: f.adAccountId,
      name: f.name,
      bytes: f.bytes,
      lines: f.lines,
      sha256: f.sha256,
      customerFileStatus: f.status,
      populationScore: f.populationScore,
      createdDate: store.kakaoDate(f.createdAt),
      originalCreatedDate: store.kakaoDate(f.originalCreatedAt),
      lastModifiedDate: store.kakaoDate(f.lastModifiedAt),
      versions: f.versions,
    }));
  const tokens = [...store.tokens.values()].map((t) => ({
    sha256: t.sha256,
    tokenId: t.tokenId,
    kind: t.kind,
    flow: t.flow,
    clientId: t.clientId,
    user: { id: t.userId, email: store.userById(t.userId)?.email ?? null },
    scopes: t.scopes,
    resourceIds: t.resourceIds,
    revoked: t.revoked,
    issuedAt: new Date(t.issuedAt).toISOString(),
    expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
    expired: t.expiresAt !== null && t.expiresAt <= now,
  }));
  const requests: Record<string, Record<string, number>> = {};
  for (const [k, m] of store.requestCounts) requests[k] = Object.fromEntries(m);
  return json(200, { files, tokens, requests });
};

export function reset(onReset: () => Promise<void>): Handler {
  return async ({ store, faults }) => {
    store.reset();
    faults.clear();
    await onReset();
    return json(200, { ok: true });
  };
}

// --- flippable facts ---------------------------------------------------------------------------

export const getFacts: Handler = async ({ store }) => json(200, store.facts);

/** Partial JSON merge (strict: unknown keys or bad types → 400). Answers the current facts. */
export const setFacts: Handler = async ({ req, store }) => {
  const r = parseFactsPatch(await readJson(req), store.facts);
  if ("error" in r) return bad(r.error);
  store.facts = { ...store.facts, ...r.patch };
  return json(200, store.facts);
};

/** Back to the start values (kakao-assumptions defaults + the `facts` option). */
export const resetFacts: Handler = async ({ store }) => {
  store.resetFacts();
  return json(200, store.facts);
};

// --- forced authorize errors ---------------------------------------------------------------------

const authorizeErrorBody = z
  .object({
    error_code: z.enum(Object.keys(FORCEABLE_AUTHORIZE_ERRORS) as [ForceableAuthorizeError, ...ForceableAuthorizeError[]]),
    count: z.number().int().positive().default(1),
  })
  .strict();

const describeForced = (ctx: Ctx) => {
  const f = ctx.store.forcedAuthorizeError;
  return { forced: f ? { error_code: f.errorCode, remaining: f.remaining } : null };
};

export const getAuthorizeError: Handler = async (ctx) => json(200, describeForced(ctx));

/** The next `count` valid authorize requests (either flow) are redirected back with this error. */
export const setAuthorizeError: Handler = async (ctx) => {
  const r = authorizeErrorBody.safeParse(await readJson(ctx.req));
  if (!r.success) return bad(r.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
  ctx.store.forcedAuthorizeError = { errorCode: r.data.error_code, remaining: r.data.count };
  return json(200, describeForced(ctx));
};

export const clearAuthorizeError: Handler = async (ctx) => {
  ctx.store.forcedAuthorizeError = null;
  return json(200, describeForced(ctx));
};

// --- faults --------------------------------------------------------------------------------------

export const getFaults: Handler = async ({ faults }) => json(200, faults.describe());

export const setFaults: Handler = async ({ req, faults }) => {
  const parsed = parseFaultsBody(await readJson(req));
  if ("error" in parsed) return bad(parsed.error);
  faults.set(parsed.rules, parsed.seed);
  return json(200, faults.describe());
};

export const clearFaults: Handler = async ({ faults }) => {
  faults.clear();
  return json(200, faults.describe());
};

const tokenSelector = z
  .object({
    accessTokenSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    refreshTokenSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    /** The plain token (convenience for tests that hold it). */
    token: z.string().min(1).optional(),
    all: z.literal(true).optional(),
    /** With all: only this kind. */
    kind: z.enum(["access", "refresh"]).optional(),
  })
  .strict();

function select(ctx: Ctx, body: unknown): TokenRecord[] | Reply {
  const r = tokenSelector.safeParse(body);
  if (!r.success) return bad(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const s = r.data;
  const all = [...ctx.store.tokens.values()];
  if (s.all) return all.filter((t) => !s.kind || t.kind === s.kind);
  const wanted: Array<{ sha: string; kind?: "access" | "refresh" }> = [];
  if (s.accessTokenSha256) wanted.push({ sha: s.accessTokenSha256, kind: "access" });
  if (s.refreshTokenSha256) wanted.push({ sha: s.refreshTokenSha256, kind: "refresh" });
  if (s.sha256) wanted.push({ sha: s.sha256 });
  if (s.token) wanted.push({ sha: sha256Hex(s.token) });
  if (wanted.length === 0) return bad("give accessTokenSha256, refreshTokenSha256, sha256, token or all:true");
  const found: TokenRecord[] = [];
  for (const w of wanted) {
    const t = ctx.store.tokens.get(w.sha);
    if (!t || (w.kind && t.kind !== w.kind)) return json(404, { error: `no ${w.kind ?? ""} token with sha256 ${w.sha}`.replace("  ", " ") });
    found.push(t);
  }
  return found;
}

export const revokeTokens: Handler = async (ctx) => {
  const sel = select(ctx, await readJson(ctx.req));
  if (!Array.isArray(sel)) return sel;
  for (const t of sel) t.revoked = true;
  return json(200, { ok: true, affected: sel.length });
};

export const expireTokens: Handler = async (ctx) => {
  const sel = select(ctx, await readJson(ctx.req));
  if (!Array.isArray(sel)) return sel;
  const past = ctx.store.now() - 1;
  for (const t of sel) t.expiresAt = past;
  return json(200, { ok: true, affected: sel.length });
};

export const fileContent: Handler = async ({ store, params }) => {
  store.purgeDeleted();
  const f = store.files.get(Number(params.id));
  if (!f) return json(404, { error: `no customer file ${params.id}` });
  if (f.status === "DELETE") return json(404, { error: `customer file ${params.id} is deleted; its contents are gone` });
  const st = await stat(f.path).catch(() => null);
  if (!st) return json(404, { error: `no stored contents for customer file ${params.id}` });
  return {
    status: 200,
    headers: { "content-type": "text/csv", "content-length": String(st.size), "x-content-sha256": f.sha256 },
    stream: createReadStream(f.path),
  };
};

const statusBody = z
  .object({
    customerFileStatus: z.enum(["WAITING", "COMPLETE", "MODIFYING", "DELETE", "ERROR"]),
    populationScore: z.number().int().min(0).optional(),
  })
  .strict();

/** Forces a file's status (e.g. ERROR, which the emulator never reaches by itself). */
export const setFileStatus: Handler = async ({ req, store, params, opts }) => {
  store.purgeDeleted();
  const f = store.files.get(Number(params.id));
  if (!f) return json(404, { error: `no customer file ${params.id}` });
  const r = statusBody.safeParse(await readJson(req));
  if (!r.success) return bad(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const now = store.now();
  f.status = r.data.customerFileStatus;
  f.processingUntil = null;
  f.purgeAt = f.status === "DELETE" ? now + opts.deleteLingerMs : null;
  f.lastModifiedAt = now;
  f.ready = f.status === "COMPLETE";
  if (r.data.populationScore !== undefined) f.populationScore = r.data.populationScore;
  if (f.status === "COMPLETE") f.populationUpdatedAt = now;
  return json(200, store.fileView(f));
};
