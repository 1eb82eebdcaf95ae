import { createHash, randomBytes } from "node:crypto";
import type { SeedApp } from "./config";
import type { Ctx, Handler } from "./context";
import { consentPage, errorPage, loginPage } from "./html";
import { html, json, oauthError, readForm, redirect, type Reply } from "./http";
import {
  BUSINESS_AUTHORIZE_ACCEPTS_PKCE,
  BUSINESS_SCOPES,
  FORCEABLE_AUTHORIZE_ERRORS,
  KOE,
  REFRESH_ROTATE_WHEN_REMAINING_SEC,
  RESOURCE_ID_ENTRY,
  RESOURCE_IDS_REQUIRED_FOR,
  REVOKE_OLD_REFRESH_ON_ROTATION,
  TOKEN_RESPONSE_SCOPE_SEPARATOR,
} from "./kakao-assumptions";
import type { Flow, PendingAuthorization } from "./store";

/**
 * OAuth on the auth host (kauth.kakao.com):
 *   Business Authentication: GET /oauth/business/authorize, POST /oauth/business/token
 *   Kakao Login:             GET /oauth/authorize,          POST /oauth/token
 * plus the emulator's own login/consent pages: POST /oauth/login, GET+POST /oauth/consent.
 */

/** A login page stays usable this long. */
const PENDING_TTL_MS = 15 * 60_000;

const FLOW_LABEL: Record<Flow, string> = { business: "Business Authentication", login: "Kakao Login" };

function parseScopes(raw: string | null): string[] {
  if (!raw) return [];
  return [...new Set(raw.split(/[,\s]+/).filter(Boolean))];
}

function withParams(uri: string, params: Record<string, string | null>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  return u.toString();
}

function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

function errorHtml(status: number, title: string, code: string, message: string): Reply {
  return html(status, errorPage({ title, code, message }));
}

const isBusinessScope = (s: string) => (BUSINESS_SCOPES as readonly string[]).includes(s);

/**
 * Business authorize `resource_ids`: a comma list of `ScopeGroup:ResourceId` entries. Required when
 * `scope` holds moment_create (else KOE233, measured). Returns the entries, null when absent, or an
 * error reason.
 */
function parseResourceIds(raw: string | null, scopes: string[]): { ids: string[] | null } | { reason: string } {
  const needed = scopes.filter((s) => (RESOURCE_IDS_REQUIRED_FOR as readonly string[]).includes(s));
  const entries = (raw ?? "").split(",").map((x) => x.trim());
  if (raw === null || raw.trim() === "") {
    if (needed.length > 0) {
      return { reason: `resource_ids is required when scope contains ${needed.join(",")} (e.g. resource_ids=moment:*)` };
    }
    return { ids: null };
  }
  const bad = entries.filter((e) => !RESOURCE_ID_ENTRY.test(e));
  if (bad.length > 0) {
    return { reason: `resource_ids entries must be ScopeGroup:ResourceId (e.g. moment:* or moment:27429); bad entry: "${bad[0]}"` };
  }
  return { ids: [...new Set(entries)] };
}

export function authorize(flow: Flow): Handler {
  return async ({ url, store }) => {
    const q = url.searchParams;
    const app = store.appByClientId(q.get("client_id"));
    if (!app) return errorHtml(400, "Invalid app", KOE.invalidClientId, "client_id is missing or is not a registered app key.");
    const redirectUri = q.get("redirect_uri");
    if (!redirectUri || !store.isRedirectRegistered(app, redirectUri, flow)) {
      return flow === "business"
        ? errorHtml(
            400,
            "Redirect URI mismatch",
            KOE.businessRedirectUriNotRegistered,
            "redirect_uri is missing or not registered for Business Authentication of this app (the Business Authentication redirect URIs are a separate list from Kakao Login's).",
          )
        : errorHtml(400, "Redirect URI mismatch", KOE.redirectUriNotRegistered, "redirect_uri is missing or not registered for this app.");
    }
    const state = q.get("state");
    const back = (error: string, description: string, errorCode: string | null = null) =>
      redirect(withParams(redirectUri, { error, error_description: description, error_code: errorCode, state }));

    // An error forced by a test (POST /__emulator/authorize-error): straight back, no login page.
    const forced = store.forcedAuthorizeError;
    if (forced) {
      forced.remaining--;
      if (forced.remaining <= 0) store.forcedAuthorizeError = null;
      const e = FORCEABLE_AUTHORIZE_ERRORS[forced.errorCode];
      return back(e.error, e.description, forced.errorCode === "access_denied" ? null : forced.errorCode);
    }

    if (q.get("response_type") !== "code") return back("unsupported_response_type", "KOE201: response_type must be code", KOE.badResponseType);

    const requested = parseScopes(q.get("scope"));
    let scopes: string[];
    let resourceIds: string[] | null = null;
    if (flow === "business") {
      const allowed = app.scopes.filter(isBusinessScope);
      scopes = requested.length === 0 ? allowed : requested;
      const unknown = scopes.filter((s) => !allowed.includes(s));
      if (unknown.length > 0) {
        return back(
          "invalid_scope",
          `KOE232: consent item not permitted or not configured for this app: ${unknown.join(",")}`,
          KOE.businessScopeNotConfigured,
        );
      }
      const r = parseResourceIds(q.get("resource_ids"), requested);
      if ("reason" in r) return back("invalid_request", `KOE233: ${r.reason}`, KOE.unsupportedParameter);
      resourceIds = r.ids;
    } else {
      scopes = requested.length === 0 ? app.scopes.filter(isBusinessScope) : requested;
      const unknown = scopes.filter((s) => !app.scopes.includes(s));
      if (unknown.length > 0) return back("invalid_scope", `unknown or not allowed scope: ${unknown.join(",")}`);
    }

    const challenge = q.get("code_challenge");
    const methodRaw = q.get("code_challenge_method");
    let method: "S256" | "plain" | null = null;
    if (challenge !== null || methodRaw !== null) {
      if (flow === "business" && !BUSINESS_AUTHORIZE_ACCEPTS_PKCE) {
        return back("invalid_request", "KOE233: unsupported parameter: code_challenge", KOE.unsupportedParameter);
      }
      if (!challenge) return back("invalid_request", "code_challenge is required with code_challenge_method");
      if (methodRaw !== null && methodRaw !== "S256" && methodRaw !== "plain") {
        return back("invalid_request", "code_challenge_method must be S256 or plain");
      }
      if (!PKCE_VALUE.test(challenge)) return back("invalid_request", "code_challenge is malformed");
      method = (methodRaw ?? "plain") as "S256" | "plain";
    }

    const pending: PendingAuthorization = {
      id: randomBytes(18).toString("base64url"),
      flow,
      app,
      redirectUri,
      scopes,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      resourceIds,
      userId: null,
      expiresAt: store.now() + PENDING_TTL_MS,
    };
    store.pending.set(pending.id, pending);
    return html(200, loginPage({ requestId: pending.id, appName: app.name, flowLabel: FLOW_LABEL[flow] }));
  };
}

function livePending(ctx: Ctx, id: string | null): PendingAuthorization | null {
  if (!id) return null;
  const p = ctx.store.pending.get(id);
  if (!p) return null;
  if (p.expiresAt <= ctx.store.now()) {
    ctx.store.pending.delete(id);
    return null;
  }
  return p;
}

const SESSION_GONE = () =>
  errorHtml(400, "Login session expired", "KOE_SESSION", "This login page is no longer valid. Start the connection again from the app.");

export const loginSubmit: Handler = async (ctx) => {
  const form = await readForm(ctx.req);
  if (!form) return errorHtml(400, "Bad request", KOE.invalidRequest, "Expected a form submission.");
  const p = livePending(ctx, form.get("request"));
  if (!p) return SESSION_GONE();
  const email = form.get("email") ?? "";
  const user = ctx.store.userByLogin(email, form.get("password") ?? "");
  if (!user) {
    return html(
      200,
      loginPage({ requestId: p.id, appName: p.app.name, flowLabel: FLOW_LABEL[p.flow], error: "Incorrect e-mail or password.", email }),
    );
  }
  p.userId = user.id;
  return redirect(`/oauth/consent?request=${encodeURIComponent(p.id)}`, 303);
};

export const consentShow: Handler = async (ctx) => {
  const p = livePending(ctx, ctx.url.searchParams.get("request"));
  const user = p?.userId != null ? ctx.store.userById(p.userId) : undefined;
  if (!p || !user) return SESSION_GONE();
  return html(200, consentPage({ requestId: p.id, appName: p.app.name, email: user.email, scopes: p.scopes }));
};

export const consentSubmit: Handler = async (ctx) => {
  const form = await readForm(ctx.req);
  if (!form) return errorHtml(400, "Bad request", KOE.invalidRequest, "Expected a form submission.");
  const p = livePending(ctx, form.get("request"));
  if (!p || p.userId === null) return SESSION_GONE();
  const decision = form.get("decision");
  if (decision !== "agree" && decision !== "cancel") {
    return errorHtml(400, "Bad request", KOE.invalidRequest, "decision must be agree or cancel.");
  }
  ctx.store.pending.delete(p.id);
  if (decision === "cancel") {
    return redirect(withParams(p.redirectUri, { error: "access_denied", error_description: "User denied access", state: p.state }));
  }
  const code = randomBytes(32).toString("base64url");
  ctx.store.codes.set(code, {
    flow: p.flow,
    clientId: p.app.clientId,
    redirectUri: p.redirectUri,
    userId: p.userId,
    scopes: p.scopes,
    expiresAt: ctx.store.now() + ctx.opts.codeTtlSec * 1000,
    used: false,
    codeChallenge: p.codeChallenge,
    codeChallengeMethod: p.codeChallengeMethod,
    resourceIds: p.resourceIds,
  });
  return redirect(withParams(p.redirectUri, { code, state: p.state }));
};

// --- token endpoint ------------------------------------------------------------------------------

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

export function token(flow: Flow): Handler {
  return async (ctx) => {
    const form = await readForm(ctx.req);
    if (!form) return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded", KOE.invalidRequest);
    const grant = form.get("grant_type");
    if (!grant) return oauthError(400, "invalid_request", "grant_type is required", KOE.invalidRequest);
    const app = ctx.store.appByClientId(form.get("client_id"));
    if (!app) return oauthError(401, "invalid_client", "client_id is missing or invalid", KOE.invalidClientId);
    // Business Authentication has its own secret (the REST API key card shows both).
    const secret = ctx.store.clientSecretFor(app, flow);
    if (secret !== null && form.get("client_secret") !== secret) {
      const which = flow === "business" ? "Business Authentication client secret" : "Kakao Login client secret";
      return oauthError(401, "invalid_client", `Bad client credentials (expected the ${which})`, KOE.badClientCredentials);
    }
    if (grant === "authorization_code") return exchangeCode(ctx, flow, app, form);
    if (grant === "refresh_token" && flow === "login") return refresh(ctx, app, form);
    return oauthError(400, "unsupported_grant_type", `grant_type ${grant} is not supported here`, KOE.unsupportedGrantType);
  };
}

function exchangeCode(ctx: Ctx, flow: Flow, app: SeedApp, form: URLSearchParams): Reply {
  const { store, opts } = ctx;
  const redirectUri = form.get("redirect_uri");
  if (!redirectUri || !store.isRedirectRegistered(app, redirectUri, flow)) {
    return flow === "business"
      ? oauthError(400, "invalid_grant", "KOE028: redirect_uri is missing or not registered for Business Authentication", KOE.businessRedirectUriNotRegistered)
      : oauthError(400, "invalid_grant", "redirect_uri is missing or not registered", KOE.redirectUriNotRegistered);
  }
  const code = form.get("code");
  const rec = code ? store.codes.get(code) : undefined;
  const bad = (why: string) => oauthError(400, "invalid_grant", why, KOE.badOrReusedCode);
  if (!rec || rec.clientId !== app.clientId || rec.flow !== flow) return bad("authorization code not found");
  if (rec.used) return bad("authorization code already used");
  if (rec.expiresAt <= store.now()) return bad("authorization code expired");
  if (rec.redirectUri !== redirectUri) return oauthError(400, "invalid_grant", "redirect_uri does not match the authorize request", KOE.redirectUriMismatch);
  if (rec.codeChallenge !== null) {
    const verifier = form.get("code_verifier");
    if (!verifier) return bad("code_verifier is required");
    const ok = PKCE_VALUE.test(verifier) && (rec.codeChallengeMethod === "S256" ? s256(verifier) : verifier) === rec.codeChallenge;
    if (!ok) {
      rec.used = true;
      return bad("code_verifier does not match code_challenge");
    }
  }
  rec.used = true;
  const user = store.userById(rec.userId)!;
  const scope = rec.scopes.join(TOKEN_RESPONSE_SCOPE_SEPARATOR);
  const base = { appId: app.appId, clientId: app.clientId, userId: user.id, scopes: rec.scopes, resourceIds: rec.resourceIds };
  if (flow === "business") {
    const access = store.issueToken({ ...base, kind: "access", flow, expiresAt: null });
    return json(200, { access_token: access.token, token_type: "bearer", scope }, NO_STORE);
  }
  const now = store.now();
  const access = store.issueToken({ ...base, kind: "access", flow, expiresAt: now + opts.accessTokenTtlSec * 1000 });
  const refreshTok = store.issueToken({ ...base, kind: "refresh", flow, expiresAt: now + opts.refreshTokenTtlSec * 1000 });
  return json(
    200,
    {
      token_type: "bearer",
      access_token: access.token,
      expires_in: opts.accessTokenTtlSec,
      refresh_token: refreshTok.token,
      refresh_token_expires_in: opts.refreshTokenTtlSec,
      scope,
    },
    NO_STORE,
  );
}

function refresh(ctx: Ctx, app: SeedApp, form: URLSearchParams): Reply {
  const { store, opts } = ctx;
  const raw = form.get("refresh_token");
  const rec = raw ? store.findToken(raw) : undefined;
  if (!rec || rec.kind !== "refresh" || rec.flow !== "login" || rec.clientId !== app.clientId || !store.isLive(rec)) {
    return oauthError(400, "invalid_grant", "refresh token is invalid or expired", KOE.badRefreshToken);
  }
  const now = store.now();
  const base = { appId: app.appId, clientId: app.clientId, userId: rec.userId, scopes: rec.scopes, resourceIds: null, flow: "login" as const };
  const access = store.issueToken({ ...base, kind: "access", expiresAt: now + opts.accessTokenTtlSec * 1000 });
  const body: Record<string, unknown> = { token_type: "bearer", access_token: access.token, expires_in: opts.accessTokenTtlSec };
  const remainingMs = (rec.expiresAt ?? Number.POSITIVE_INFINITY) - now;
  if (remainingMs < REFRESH_ROTATE_WHEN_REMAINING_SEC * 1000) {
    const next = store.issueToken({ ...base, kind: "refresh", expiresAt: now + opts.refreshTokenTtlSec * 1000 });
    if (REVOKE_OLD_REFRESH_ON_ROTATION) rec.revoked = true;
    body.refresh_token = next.token;
    body.refresh_token_expires_in = opts.refreshTokenTtlSec;
  }
  return json(200, body, NO_STORE);
}
