/**
 * The authorization matrix: every route handler (app/**\/route.ts) and every server action export
 * (lib/**\/actions.ts, "use server") × {anonymous, marketer A, marketer B, admin} × {own object,
 * another user's object} → the answer it must give. The list is read from disk, so a route or
 * action that is not classified below fails the first test.
 *
 * Route handlers are called as functions with a real Request; server actions are the exported
 * functions themselves. Next's request scope is faked (next-auth's `auth()` reads the test's
 * session, `cookies()` a map, `revalidatePath` does nothing); the guard (lib/auth/guard.ts), the
 * lib functions, PostgreSQL, the warehouse and the Kakao emulator are the real ones. Objects are
 * real rows created through the lib functions for their owner, fresh for every case.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createUser } from "@/lib/users/users";
import { createDatabase, createTable } from "@/lib/warehouse/databases";
import { runJob } from "@/lib/jobs/runner";
import { issueJob } from "@/lib/jobs/jobs";
import { BROWSER_COOKIE } from "@/lib/authentications/connect";
import { kakaoRoundTrip } from "@/lib/authentications/test-support";
import type { SessionUser } from "@/lib/auth/access";
import type { Result } from "@/lib/errors";
import { routeHandlers, serverActions, type ActionRef, type RouteHandlerRef } from "@/test/security/inventory";
import { exportSettings, factories, startWorld, unique, whoIs, WORKFLOW, type Who, type World } from "@/test/security/world";

const fake = vi.hoisted(() => ({ userId: null as string | null, cookies: new Map<string, string>() }));
vi.mock("@/lib/auth/config", () => {
  const nextAuthGet = async () => new Response(null, { status: 204 });
  const nextAuthPost = async () => new Response(null, { status: 204 });
  return {
    auth: async () => (fake.userId ? { user: { id: fake.userId } } : null),
    clientAddress: () => "127.0.0.1",
    handlers: { GET: nextAuthGet, POST: nextAuthPost },
    signIn: async () => undefined,
    signOut: async () => undefined,
  };
});
vi.mock("next/headers", () => ({
  headers: async () => new Headers(),
  cookies: async () => ({
    get: (name: string) => (fake.cookies.has(name) ? { name, value: fake.cookies.get(name)! } : undefined),
    set: (name: string, value: string) => void fake.cookies.set(name, value),
  }),
}));
// lib/auth/actions.ts imports next-auth's AuthError; next-auth itself needs Next's server runtime.
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {} }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

// ─── The expected answers ────────────────────────────────────────────────────────────────────────

/**
 * - owned: owners and admins may act; to another marketer the object does not exist (404).
 * - ownOnly: only the owner — not even an admin (v3 names are per user; OAuth consents are the
 *   consenting user's).
 * - sessionBound: the OAuth callback — another user's state is refused, admins included.
 * - list: everyone lists; marketers see only their own objects, admins everyone's.
 * - ownList: as list, but admins too see only their own (v3 schedules are per key).
 * - anyUser: any signed-in user (shared warehouse databases, the caller's own new objects).
 * - adminOnly: admins; marketers are refused (403).
 * - public: no session needed.
 */
type Policy = "owned" | "ownOnly" | "sessionBound" | "list" | "ownList" | "anyUser" | "adminOnly" | "public";
type Kind = "anonymous" | "marketer" | "admin";
type Relation = "own" | "other";

function expected(policy: Policy, kind: Kind, relation: Relation, anonymous: string): string {
  if (policy === "public") return "ok";
  if (kind === "anonymous") return anonymous;
  switch (policy) {
    case "owned":
      return relation === "own" || kind === "admin" ? "ok" : "not_found";
    case "ownOnly":
      return relation === "own" ? "ok" : "not_found";
    case "sessionBound":
      return relation === "own" ? "ok" : "refused:state_invalid";
    case "list":
      return relation === "own" || kind === "admin" ? "ok" : "hidden";
    case "ownList":
      return relation === "own" ? "ok" : "hidden";
    case "anyUser":
      return "ok";
    case "adminOnly":
      return kind === "admin" ? "ok" : "forbidden";
  }
}

const CASES: { label: string; actor: Who | null; owner: Who; kind: Kind; relation: Relation }[] = [
  { label: "anonymous", actor: null, owner: "A", kind: "anonymous", relation: "other" },
  { label: "A on A's", actor: "A", owner: "A", kind: "marketer", relation: "own" },
  { label: "A on B's", actor: "A", owner: "B", kind: "marketer", relation: "other" },
  { label: "B on B's", actor: "B", owner: "B", kind: "marketer", relation: "own" },
  { label: "B on A's", actor: "B", owner: "A", kind: "marketer", relation: "other" },
  { label: "admin on admin's", actor: "admin", owner: "admin", kind: "admin", relation: "own" },
  { label: "admin on A's", actor: "admin", owner: "A", kind: "admin", relation: "other" },
];

// ─── Calling routes and actions ──────────────────────────────────────────────────────────────────

let world: World;
let f: ReturnType<typeof factories>;
let routes: Map<string, RouteHandlerRef>;
let actions: Map<string, ActionRef>;
let scratchDatabase: string;
const SITE = "http://127.0.0.1:3999";

interface Ctx {
  actor: SessionUser | null;
  owner: SessionUser;
  who: Who | null;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function outcomeOfResponse(response: Response, visible?: (body: any) => boolean): Promise<string> {
  if (response.status === 303) {
    const location = response.headers.get("location") ?? "";
    if (location === "/sign-in") return "sign-in";
    const failed = /\/connect\/failed\?reason=(\w+)/.exec(location);
    return failed ? `refused:${failed[1]}` : "ok";
  }
  const named: Record<number, string> = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" };
  if (named[response.status]) return named[response.status]!;
  if (response.ok) {
    if (!visible) return "ok";
    return visible(await response.json()) ? "ok" : "hidden";
  }
  const body = await response.text();
  return `${response.status} ${body.slice(0, 300)}`;
}

function outcomeOfResult(result: Result<unknown>): string {
  if (result.ok) return "ok";
  const { code, message } = result.error;
  return ["unauthenticated", "forbidden", "not_found"].includes(code) ? code : `${code}: ${message}`;
}

interface RouteCall {
  path: string;
  params?: Record<string, string>;
  body?: BodyInit;
  headers?: Record<string, string>;
  visible?: (body: any) => boolean;
}

async function callRoute(key: string, ctx: Ctx, call: RouteCall): Promise<string> {
  const ref = routes.get(key);
  if (!ref) throw new Error(`no route ${key}`);
  const mod = (await import(ref.file)) as Record<string, Handler>;
  const v3 = ref.pattern.startsWith("/v3/");
  const headers: Record<string, string> = { ...call.headers };
  if (v3) {
    // The v3 API takes keys only: a signed-in browser without a key is still anonymous.
    if (ctx.who) headers.authorization = `TD1 ${world.keys[ctx.who]}`;
    fake.userId = ctx.who ? null : world.users.A.id;
  } else {
    fake.userId = ctx.actor?.id ?? null;
  }
  const request = new Request(`${SITE}${call.path}`, { method: ref.method, headers, body: call.body });
  return outcomeOfResponse(await mod[ref.method]!(request, { params: Promise.resolve(call.params ?? {}) }), call.visible);
}

async function callAction(key: string, ctx: Ctx, ...args: unknown[]): Promise<string> {
  const ref = actions.get(key);
  if (!ref) throw new Error(`no action ${key}`);
  const mod = (await import(ref.file)) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  fake.userId = ctx.actor?.id ?? null;
  const result = await mod[ref.name]!(...args);
  return outcomeOfResult(result as Result<unknown>);
}

const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { "content-type": "application/json" } });

// ─── The matrix ──────────────────────────────────────────────────────────────────────────────────

interface Entry {
  policy: Policy;
  /** What an anonymous caller gets (browser routes send them to sign-in). */
  anonymous?: string;
  /** What a marketer gets on another's object when not not_found (a refusal naming the field). */
  other?: string;
  run(ctx: Ctx): Promise<string>;
}

/** Route entries are keyed `METHOD /pattern`; action entries `file#export`, variants `… [what]`. */
const MATRIX: Record<string, Entry> = {
  // next-auth's own endpoints (sign-in form post, session, CSRF token, sign-out): they are
  // next-auth's handlers as is and grant nothing by themselves (see the identity test below).
  "GET /api/auth/[...nextauth]": { policy: "public", run: async () => "ok" },
  "POST /api/auth/[...nextauth]": { policy: "public", run: async () => "ok" },

  "GET /api/integrations/kakao/callback": {
    policy: "sessionBound",
    anonymous: "sign-in",
    async run(ctx) {
      const trip = await kakaoRoundTrip(ctx.owner);
      fake.cookies.set(BROWSER_COOKIE, trip.browserValue); // even with the owner's browser cookie
      const query = new URLSearchParams({ code: trip.params.code ?? "", state: trip.params.state ?? "" });
      return callRoute("GET /api/integrations/kakao/callback", ctx, { path: `/api/integrations/kakao/callback?${query}` });
    },
  },
  "GET /api/integrations/kakao/connect": {
    policy: "owned",
    anonymous: "sign-in",
    run: (ctx) => callRoute("GET /api/integrations/kakao/connect", ctx, { path: `/api/integrations/kakao/connect?reconnect=${f.authOf(ctx.owner)}` }),
  },
  "GET /api/jobs/[id]": {
    policy: "owned",
    async run(ctx) {
      const id = await f.job(ctx.owner);
      return callRoute("GET /api/jobs/[id]", ctx, { path: `/api/jobs/${id}`, params: { id: String(id) } });
    },
  },
  "GET /api/jobs": {
    policy: "list",
    async run(ctx) {
      const id = await f.job(ctx.owner);
      // ownerId is ignored for marketers: asking for someone else's jobs still lists one's own.
      return callRoute("GET /api/jobs", ctx, { path: `/api/jobs?limit=200&ownerId=${ctx.owner.id}`, visible: (body) => body.jobs.some((j: { id: number }) => j.id === id) });
    },
  },
  // Run ids are namespaced by the caller (engineQueryId), so a cancel reaches only one's own run.
  "POST /api/workbench/cancel": { policy: "anyUser", run: (ctx) => callRoute("POST /api/workbench/cancel", ctx, { path: "/api/workbench/cancel", ...json({ runId: "run-00000001" }) }) },
  // Warehouse databases are shared by everyone of the deployment (one Treasure Data account).
  "POST /api/workbench/import/preview": {
    policy: "anyUser",
    run: (ctx) => callRoute("POST /api/workbench/import/preview", ctx, { path: `/api/workbench/import/preview?database=${scratchDatabase}&table=${unique("t")}`, body: "adid,n\nx,1\n" }),
  },
  "POST /api/workbench/import": {
    policy: "anyUser",
    run: (ctx) => callRoute("POST /api/workbench/import", ctx, { path: `/api/workbench/import?database=${scratchDatabase}&table=${unique("t")}`, body: "adid,n\nx,1\n" }),
  },
  "POST /api/workbench/run": {
    policy: "owned",
    async run(ctx) {
      const query = await f.savedQuery(ctx.owner);
      return callRoute("POST /api/workbench/run", ctx, { path: "/api/workbench/run", ...json({ sql: "select 1 as x", database: "kakao_db", runId: "run-00000001", savedQueryId: query.id }) });
    },
  },
  "POST /api/workflows/upload": {
    policy: "owned",
    async run(ctx) {
      const project = await f.project(ctx.owner);
      const form = new FormData();
      form.append("projectId", String(project.id));
      form.append("files", new Blob([WORKFLOW]), "w.dig");
      return callRoute("POST /api/workflows/upload", ctx, { path: "/api/workflows/upload", body: form });
    },
  },

  // ── /v3 (API keys only) ──
  "GET /v3/connections/lookup": {
    policy: "ownOnly",
    run: (ctx) => callRoute("GET /v3/connections/lookup", ctx, { path: `/v3/connections/lookup?name=kakao_${whoIs(world, ctx.owner)}` }),
  },
  "POST /v3/kakao/doctor": {
    policy: "ownOnly", // by name: one of the caller's own authentications
    run: (ctx) => callRoute("POST /v3/kakao/doctor", ctx, { path: "/v3/kakao/doctor", ...json({ authentication: `kakao_${whoIs(world, ctx.owner)}` }) }),
  },
  "POST /v3/job/issue/[type]/[db]": {
    policy: "owned",
    run: (ctx) =>
      callRoute("POST /v3/job/issue/[type]/[db]", ctx, {
        path: "/v3/job/issue/presto/kakao_db",
        params: { type: "presto", db: "kakao_db" },
        ...json({ query: "select adid from customers", result_connection_id: String(f.authOf(ctx.owner)), result_connection_settings: JSON.stringify(exportSettings()) }),
      }),
  },
  "POST /v3/job/kill/[id]": {
    policy: "owned",
    async run(ctx) {
      const id = String(await f.job(ctx.owner));
      return callRoute("POST /v3/job/kill/[id]", ctx, { path: `/v3/job/kill/${id}`, params: { id } });
    },
  },
  "GET /v3/job/list": {
    policy: "list",
    async run(ctx) {
      const id = String(await f.job(ctx.owner));
      return callRoute("GET /v3/job/list", ctx, { path: "/v3/job/list?from=0&to=199", visible: (body) => body.jobs.some((j: { job_id: string }) => j.job_id === id) });
    },
  },
  "GET /v3/job/result/[id]": {
    policy: "owned",
    async run(ctx) {
      const id = await f.job(ctx.owner);
      await runJob(id); // a query-only job stores its rows for job/result
      return callRoute("GET /v3/job/result/[id]", ctx, { path: `/v3/job/result/${id}?format=csv`, params: { id: String(id) } });
    },
  },
  "GET /v3/job/show/[id]": {
    policy: "owned",
    async run(ctx) {
      const id = String(await f.job(ctx.owner));
      return callRoute("GET /v3/job/show/[id]", ctx, { path: `/v3/job/show/${id}`, params: { id } });
    },
  },
  "GET /v3/job/status/[id]": {
    policy: "owned",
    async run(ctx) {
      const id = String(await f.job(ctx.owner));
      return callRoute("GET /v3/job/status/[id]", ctx, { path: `/v3/job/status/${id}`, params: { id } });
    },
  },
  "GET /v3/openapi.json": { policy: "public", run: (ctx) => callRoute("GET /v3/openapi.json", ctx, { path: "/v3/openapi.json" }) },
  "POST /v3/schedule/create/[name]": {
    policy: "owned", // the object is the authentication named by result_connection_id
    async run(ctx) {
      const name = unique("sched");
      return callRoute("POST /v3/schedule/create/[name]", ctx, {
        path: `/v3/schedule/create/${name}`,
        params: { name },
        ...json({ query: "select adid from customers", database: "kakao_db", cron: "0 3 * * *", result_connection_id: String(f.authOf(ctx.owner)), result_connection_settings: JSON.stringify(exportSettings()) }),
      });
    },
  },
  "POST /v3/schedule/delete/[name]": {
    policy: "ownOnly",
    async run(ctx) {
      const { name } = await f.savedQuery(ctx.owner, { schedule: true });
      return callRoute("POST /v3/schedule/delete/[name]", ctx, { path: `/v3/schedule/delete/${name}`, params: { name } });
    },
  },
  "GET /v3/schedule/history/[name]": {
    policy: "ownOnly",
    async run(ctx) {
      const { name } = await f.savedQuery(ctx.owner, { schedule: true });
      return callRoute("GET /v3/schedule/history/[name]", ctx, { path: `/v3/schedule/history/${name}`, params: { name } });
    },
  },
  "GET /v3/schedule/list": {
    policy: "ownList",
    async run(ctx) {
      const { name } = await f.savedQuery(ctx.owner, { schedule: true });
      return callRoute("GET /v3/schedule/list", ctx, { path: "/v3/schedule/list", visible: (body) => body.schedules.some((s: { name: string }) => s.name === name) });
    },
  },
  "POST /v3/schedule/run/[name]/[time]": {
    policy: "ownOnly",
    async run(ctx) {
      const { name } = await f.savedQuery(ctx.owner, { schedule: true });
      return callRoute("POST /v3/schedule/run/[name]/[time]", ctx, { path: `/v3/schedule/run/${name}/1704078000`, params: { name, time: "1704078000" } });
    },
  },
  "POST /v3/schedule/update/[name]": {
    policy: "ownOnly",
    async run(ctx) {
      const { name } = await f.savedQuery(ctx.owner, { schedule: true });
      return callRoute("POST /v3/schedule/update/[name]", ctx, { path: `/v3/schedule/update/${name}`, params: { name }, ...json({ delay: "10" }) });
    },
  },

  // ── server actions ──
  "lib/api-keys/actions.ts#createApiKeyAction": { policy: "anyUser", run: (ctx) => callAction("lib/api-keys/actions.ts#createApiKeyAction", ctx, { name: unique("key") }) },
  "lib/api-keys/actions.ts#revokeApiKeyAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/api-keys/actions.ts#revokeApiKeyAction", ctx, { id: await f.apiKey(ctx.owner) }),
  },

  "lib/audiences/actions.ts#createParentSegmentAction": {
    policy: "anyUser",
    run: (ctx) => callAction("lib/audiences/actions.ts#createParentSegmentAction", ctx, { name: unique("parent"), database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender"] }),
  },
  "lib/audiences/actions.ts#updateParentSegmentAction": {
    policy: "owned",
    run: async (ctx) =>
      callAction("lib/audiences/actions.ts#updateParentSegmentAction", ctx, { id: await f.parentSegment(ctx.owner), name: unique("parent"), database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender", "age"] }),
  },
  "lib/audiences/actions.ts#deleteParentSegmentAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#deleteParentSegmentAction", ctx, { id: await f.parentSegment(ctx.owner) }),
  },
  "lib/audiences/actions.ts#createFolderAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#createFolderAction", ctx, { parentSegmentId: await f.parentSegment(ctx.owner), name: unique("folder") }),
  },
  "lib/audiences/actions.ts#deleteFolderAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#deleteFolderAction", ctx, { id: (await f.folder(ctx.owner)).id }),
  },
  "lib/audiences/actions.ts#createSegmentAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#createSegmentAction", ctx, { parentSegmentId: await f.parentSegment(ctx.owner), name: unique("segment"), rules: f.rules }),
  },
  "lib/audiences/actions.ts#updateSegmentAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#updateSegmentAction", ctx, { id: (await f.segment(ctx.owner)).id, name: unique("segment"), folderId: null, rules: f.rules }),
  },
  "lib/audiences/actions.ts#deleteSegmentAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#deleteSegmentAction", ctx, { id: (await f.segment(ctx.owner)).id }),
  },
  "lib/audiences/actions.ts#segmentPopulationAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#segmentPopulationAction", ctx, { parentSegmentId: await f.parentSegment(ctx.owner), rules: f.rules }),
  },
  "lib/audiences/actions.ts#previewMappingAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#previewMappingAction", ctx, { segmentId: (await f.segment(ctx.owner)).id, mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] } }),
  },
  "lib/audiences/actions.ts#createActivationAction": {
    policy: "owned", // the owner's segment, through the owner's authentication
    run: async (ctx) =>
      callAction("lib/audiences/actions.ts#createActivationAction", ctx, {
        segmentId: (await f.segment(ctx.owner)).id,
        name: unique("activation"),
        authenticationId: f.authOf(ctx.owner),
        exportSettings: exportSettings(),
        mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] },
      }),
  },
  "lib/audiences/actions.ts#createActivationAction [authentication]": {
    policy: "owned", // the caller's own segment, through the owner's authentication
    // The same answer for another's authentication and for none at all: nothing is revealed.
    other: "invalid_input: authenticationId: choose one of the segment owner's authentications",
    run: async (ctx) =>
      callAction("lib/audiences/actions.ts#createActivationAction", ctx, {
        segmentId: (await f.segment(ctx.actor ?? ctx.owner)).id,
        name: unique("activation"),
        authenticationId: f.authOf(ctx.owner),
        exportSettings: exportSettings(),
        mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] },
      }),
  },
  "lib/audiences/actions.ts#updateActivationAction": {
    policy: "owned",
    run: async (ctx) => {
      const activation = await f.activation(ctx.owner);
      return callAction("lib/audiences/actions.ts#updateActivationAction", ctx, {
        id: activation.id,
        segmentId: activation.segmentId,
        name: unique("activation"),
        authenticationId: f.authOf(ctx.owner),
        exportSettings: exportSettings("renamed"),
        mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] },
      });
    },
  },
  "lib/audiences/actions.ts#deleteActivationAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#deleteActivationAction", ctx, { id: (await f.activation(ctx.owner)).id }),
  },
  "lib/audiences/actions.ts#runActivationAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/audiences/actions.ts#runActivationAction", ctx, { id: (await f.activation(ctx.owner)).id }),
  },

  // Sign-in and sign-out are next-auth's (credentials checked by lib/auth/config.ts): open to anyone.
  "lib/auth/actions.ts#signInAction": {
    policy: "public",
    run: async (ctx) => {
      const form = new FormData();
      form.set("email", ctx.owner.email);
      form.set("password", "wrong");
      const { signInAction } = await import("@/lib/auth/actions");
      fake.userId = ctx.actor?.id ?? null;
      return (await signInAction({}, form)).error ?? "ok";
    },
  },
  "lib/auth/actions.ts#signOutAction": {
    policy: "public",
    run: async (ctx) => {
      const { signOutAction } = await import("@/lib/auth/actions");
      fake.userId = ctx.actor?.id ?? null;
      await signOutAction();
      return "ok";
    },
  },

  "lib/authentications/actions.ts#completeConnectionAction": {
    policy: "ownOnly", // a consent waiting for Continue is the consenting user's alone
    run: async (ctx) => callAction("lib/authentications/actions.ts#completeConnectionAction", ctx, { pendingId: await f.pending(ctx.owner), name: unique("auth") }),
  },
  "lib/authentications/actions.ts#completeReconnectAction": {
    policy: "ownOnly",
    run: async (ctx) => callAction("lib/authentications/actions.ts#completeReconnectAction", ctx, { pendingId: await f.pending(ctx.owner, f.authOf(ctx.owner)) }),
  },
  "lib/authentications/actions.ts#renameAuthenticationAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/authentications/actions.ts#renameAuthenticationAction", ctx, { id: await f.authentication(ctx.owner), name: unique("renamed") }),
  },
  "lib/authentications/actions.ts#runKakaoDoctorAction": {
    policy: "adminOnly", // admins probe Kakao with anyone's authentication; marketers may not
    run: (ctx) => callAction("lib/authentications/actions.ts#runKakaoDoctorAction", ctx, { authenticationId: f.authOf(ctx.owner) }),
  },
  "lib/authentications/actions.ts#deleteAuthenticationAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/authentications/actions.ts#deleteAuthenticationAction", ctx, { id: await f.authentication(ctx.owner) }),
  },

  "lib/export/actions.ts#runExportAction": {
    policy: "owned", // through the owner's authentication
    run: (ctx) => callAction("lib/export/actions.ts#runExportAction", ctx, { database: "kakao_db", query: "select adid from customers", authenticationId: f.authOf(ctx.owner), exportSettings: exportSettings() }),
  },
  "lib/export/actions.ts#runExportAction [saved query]": {
    policy: "owned", // the caller's authentication, filed under the owner's saved query
    run: async (ctx) => {
      const actor = ctx.actor ?? ctx.owner;
      return callAction("lib/export/actions.ts#runExportAction", ctx, { database: "kakao_db", query: "select adid from customers", savedQueryId: (await f.savedQuery(ctx.owner)).id, authenticationId: f.authOf(actor), exportSettings: exportSettings() });
    },
  },
  "lib/export/actions.ts#runExportAction [activation]": {
    policy: "owned", // the caller's authentication, filed under the owner's activation and segment
    run: async (ctx) => {
      const actor = ctx.actor ?? ctx.owner;
      const activation = await f.activation(ctx.owner);
      return callAction("lib/export/actions.ts#runExportAction", ctx, {
        database: "kakao_db",
        query: "select adid from customers",
        authenticationId: f.authOf(actor),
        exportSettings: exportSettings(),
        activationId: activation.id,
        segmentId: activation.segmentId,
      });
    },
  },

  "lib/export/actions.ts#runExportAction [domain key]": {
    policy: "list", // a reused domain key names the job it conflicts with only to those who may see it
    run: async (ctx) => {
      const domainKey = unique("dk");
      await issueJob(ctx.owner, { database: "kakao_db", query: "select 1 as x", domainKey });
      const outcome = await callAction("lib/export/actions.ts#runExportAction", ctx, { database: "kakao_db", query: "select 1 as x", domainKey });
      if (!outcome.startsWith("conflict:")) return outcome;
      return /already used by job \d+/.test(outcome) ? "ok" : "hidden";
    },
  },

  // Language and time zone: anyone may switch (a cookie); a signed-in user's choice is saved on
  // their own row only. The check: the owner's row changes only when the owner is the caller.
  "lib/i18n/actions.ts#setLocaleAction": {
    policy: "public",
    run: async (ctx) => {
      const { setLocaleAction } = await import("@/lib/i18n/actions");
      await db.user.update({ where: { id: ctx.owner.id }, data: { locale: null } });
      fake.userId = ctx.actor?.id ?? null;
      const form = new FormData();
      form.set("locale", "ko");
      await setLocaleAction(form);
      const after = (await db.user.findUniqueOrThrow({ where: { id: ctx.owner.id } })).locale;
      return (after === "ko") === (ctx.actor?.id === ctx.owner.id) ? "ok" : `owner's locale is ${after}`;
    },
  },
  "lib/i18n/actions.ts#setTimeZoneAction": {
    policy: "public",
    run: async (ctx) => {
      const { setTimeZoneAction } = await import("@/lib/i18n/actions");
      await db.user.update({ where: { id: ctx.owner.id }, data: { timeZone: null } });
      fake.userId = ctx.actor?.id ?? null;
      const form = new FormData();
      form.set("timeZone", "Asia/Seoul");
      await setTimeZoneAction(form);
      const after = (await db.user.findUniqueOrThrow({ where: { id: ctx.owner.id } })).timeZone;
      return (after === "Asia/Seoul") === (ctx.actor?.id === ctx.owner.id) ? "ok" : `owner's time zone is ${after}`;
    },
  },

  "lib/jobs/actions.ts#killJobAction": { policy: "owned", run: async (ctx) => callAction("lib/jobs/actions.ts#killJobAction", ctx, { id: await f.job(ctx.owner) }) },
  "lib/jobs/actions.ts#retryJobAction": { policy: "owned", run: async (ctx) => callAction("lib/jobs/actions.ts#retryJobAction", ctx, { id: await f.job(ctx.owner, "error") }) },

  "lib/schedule/actions.ts#setScheduleAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/schedule/actions.ts#setScheduleAction", ctx, { savedQueryId: (await f.savedQuery(ctx.owner)).id, schedule: { cron: "0 4 * * *", timezone: "UTC", delaySeconds: 0 } }),
  },
  "lib/schedule/actions.ts#pauseScheduleAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/schedule/actions.ts#pauseScheduleAction", ctx, { savedQueryId: (await f.savedQuery(ctx.owner, { schedule: true })).id }),
  },
  "lib/schedule/actions.ts#resumeScheduleAction": {
    policy: "owned",
    run: async (ctx) => {
      const { id } = await f.savedQuery(ctx.owner, { schedule: true });
      await db.savedQuery.update({ where: { id }, data: { scheduleEnabled: false, scheduleNextAt: null } });
      return callAction("lib/schedule/actions.ts#resumeScheduleAction", ctx, { savedQueryId: id });
    },
  },
  "lib/schedule/actions.ts#runNowAction": { policy: "owned", run: async (ctx) => callAction("lib/schedule/actions.ts#runNowAction", ctx, { savedQueryId: (await f.savedQuery(ctx.owner)).id }) },

  "lib/users/actions.ts#createUserAction": {
    policy: "adminOnly",
    run: (ctx) => callAction("lib/users/actions.ts#createUserAction", ctx, { email: `${unique("user")}@example.com`, role: "marketer", password: "password-1" }),
  },
  "lib/users/actions.ts#changeRoleAction": {
    policy: "adminOnly",
    run: async (ctx) => callAction("lib/users/actions.ts#changeRoleAction", ctx, { userId: (await freshUser()).id, role: "admin" }),
  },
  "lib/users/actions.ts#setDisabledAction": {
    policy: "adminOnly",
    run: async (ctx) => callAction("lib/users/actions.ts#setDisabledAction", ctx, { userId: (await freshUser()).id, disabled: true }),
  },

  "lib/workbench/actions.ts#saveQueryAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/workbench/actions.ts#saveQueryAction", ctx, { id: (await f.savedQuery(ctx.owner)).id, name: unique("query"), database: "kakao_db", sql: "select adid from customers limit 5" }),
  },
  "lib/workbench/actions.ts#saveQueryAction [authentication]": {
    policy: "owned", // a new query of the caller's, exporting through the owner's authentication
    run: (ctx) =>
      callAction("lib/workbench/actions.ts#saveQueryAction", ctx, { name: unique("query"), database: "kakao_db", sql: "select adid from customers", exportAuthenticationId: f.authOf(ctx.owner), exportSettings: exportSettings() }),
  },
  "lib/workbench/actions.ts#deleteQueryAction": { policy: "owned", run: async (ctx) => callAction("lib/workbench/actions.ts#deleteQueryAction", ctx, { id: (await f.savedQuery(ctx.owner)).id }) },
  "lib/workbench/actions.ts#createDatabaseAction": { policy: "anyUser", run: (ctx) => callAction("lib/workbench/actions.ts#createDatabaseAction", ctx, { name: unique("db") }) },
  "lib/workbench/actions.ts#deleteDatabaseAction": {
    policy: "adminOnly",
    run: async (ctx) => callAction("lib/workbench/actions.ts#deleteDatabaseAction", ctx, { name: (await createDatabase(unique("db"))).name }),
  },
  "lib/workbench/actions.ts#deleteTableAction": {
    policy: "adminOnly",
    run: async (ctx) => {
      const table = unique("t");
      await createTable(scratchDatabase, table, [{ name: "adid", type: "text" }]);
      return callAction("lib/workbench/actions.ts#deleteTableAction", ctx, { database: scratchDatabase, table });
    },
  },

  "lib/workflows/actions.ts#startWorkflowAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/workflows/actions.ts#startWorkflowAction", ctx, { projectId: (await f.project(ctx.owner)).id, workflow: "w" }),
  },
  "lib/workflows/actions.ts#retryAttemptAction": { policy: "owned", run: async (ctx) => callAction("lib/workflows/actions.ts#retryAttemptAction", ctx, { attemptId: await f.attempt(ctx.owner, "error") }) },
  "lib/workflows/actions.ts#killAttemptAction": { policy: "owned", run: async (ctx) => callAction("lib/workflows/actions.ts#killAttemptAction", ctx, { attemptId: await f.attempt(ctx.owner) }) },
  "lib/workflows/actions.ts#saveProjectFilesAction": {
    policy: "owned",
    run: async (ctx) => callAction("lib/workflows/actions.ts#saveProjectFilesAction", ctx, { projectId: (await f.project(ctx.owner)).id, files: { "w.dig": WORKFLOW } }),
  },
  "lib/workflows/actions.ts#deleteProjectAction": { policy: "owned", run: async (ctx) => callAction("lib/workflows/actions.ts#deleteProjectAction", ctx, { projectId: (await f.project(ctx.owner)).id }) },
};

async function freshUser() {
  return createUser({ email: `${unique("user")}@example.com`, name: null, role: "marketer", password: "password-1" });
}

// ─── Tests ───────────────────────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  world = await startWorld();
  f = factories(world);
  routes = new Map((await routeHandlers()).map((r) => [r.key, r]));
  actions = new Map((await serverActions()).map((a) => [a.key, a]));
  scratchDatabase = (await createDatabase(unique("authz"))).name;
}, 180_000);
afterAll(async () => {
  await world?.close();
});

const baseKey = (key: string) => key.replace(/ \[.+\]$/, "");

describe("authorization matrix", () => {
  it("classifies every route handler and every server action export (a new one must be added here)", () => {
    const found = [...routes.keys(), ...actions.keys()].sort();
    const classified = [...new Set(Object.keys(MATRIX).map(baseKey))].sort();
    expect({ unclassified: found.filter((k) => !classified.includes(k)), stale: classified.filter((k) => !found.includes(k)) }).toEqual({ unclassified: [], stale: [] });
    expect(found.length).toBeGreaterThan(60);
  });

  it("next-auth's route is next-auth's handlers and nothing else", async () => {
    const config = await import("@/lib/auth/config");
    const mod = await import("@/app/api/auth/[...nextauth]/route");
    expect(mod.GET).toBe(config.handlers.GET);
    expect(mod.POST).toBe(config.handlers.POST);
  });

  it.each(Object.keys(MATRIX).filter((k) => !k.startsWith("GET /api/auth/") && !k.startsWith("POST /api/auth/")))("%s", async (key) => {
    const entry = MATRIX[key]!;
    const rows: string[] = [];
    const want: string[] = [];
    for (const c of CASES) {
      fake.cookies.clear();
      const ctx: Ctx = { actor: c.actor ? world.users[c.actor] : null, owner: world.users[c.owner], who: c.actor };
      const got = await entry.run(ctx);
      rows.push(`${c.label}: ${got}`);
      const answer = expected(entry.policy, c.kind, c.relation, entry.anonymous ?? "unauthenticated");
      want.push(`${c.label}: ${answer === "not_found" && c.kind === "marketer" && entry.other ? entry.other : answer}`);
    }
    expect(rows).toEqual(want);
  });
});
