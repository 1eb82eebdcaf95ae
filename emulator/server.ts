import { mkdir, readdir, unlink } from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { loadSeed, resolveOptions, type EmulatorOptions, type ResolvedOptions } from "./config";
import type { Ctx, Handler } from "./context";
import * as control from "./control";
import { parseEditCall } from "./facts";
import { Faults, faultErrorBody, type FaultAction } from "./faults";
import { BodyTooLargeError, json, momentError, oauthError, kakaoMomentException, type Reply } from "./http";
import { DETAIL, TOKENINFO_PATH, UNKNOWN_PATH_HTTP_STATUS, UNSUPPORTED_API_MSG } from "./kakao-assumptions";
import { businessTokenInfo, userAccessTokenInfo } from "./kapi";
import * as moment from "./moment";
import * as oauth from "./oauth";
import { Store } from "./store";

export type { EmulatorOptions } from "./config";
export type { EmulatorFacts } from "./kakao-assumptions";
export { DEFAULT_FACTS } from "./kakao-assumptions";

/**
 * The Kakao emulator: one node:http server that plays kauth.kakao.com, kapi.kakao.com and
 * apis.moment.kakao.com on one port. See emulator/README.md.
 */

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:3001 (use it for all three Kakao hosts). */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function route(method: string, template: string, handler: Handler): Route {
  const keys: string[] = [];
  const src = template
    .split("/")
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(m[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { method, template, pattern: new RegExp(`^${src}$`), keys, handler };
}

const CONTROL_PREFIX = "/__emulator/";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const FILE_NAME = /^(\d+\.csv|upload-.*\.part)$/;

async function cleanDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (FILE_NAME.test(name)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

/** 404 `{code:-3, msg:"unsupported API"}`: a path (or method on a path) Kakao does not serve. */
function unsupportedApi(method: string, pathname: string): Reply {
  return momentError(UNKNOWN_PATH_HTTP_STATUS, -3, UNSUPPORTED_API_MSG, { detailMsg: `${method} ${pathname} is not a Kakao API call` });
}

function faultReply(pathname: string, action: Exclude<FaultAction, "reset">): Reply {
  const headers = { "x-emulator-fault": "1" };
  let r: Reply;
  if (typeof action === "object") {
    r = json(action.error.status, faultErrorBody(action.error));
    return { ...r, headers: { ...r.headers, ...headers } };
  }
  const status = action;
  if (pathname.startsWith("/oauth/")) {
    r = oauthError(status, status === 429 ? "too_many_requests" : "server_error", "injected fault", "KOE999");
  } else if (status === 429) {
    r = kakaoMomentException(429, DETAIL.tooManyRequests, "Too many requests (injected fault)");
  } else if (status >= 500) {
    r = momentError(status, -1, "Internal server error (injected fault)");
  } else {
    r = momentError(status, -813, "KakaoMomentException (injected fault)");
  }
  return { ...r, headers: { ...r.headers, ...headers } };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const opts: ResolvedOptions = resolveOptions(options);
  const seed = await loadSeed(opts.seedFile, opts.redirectUris);
  const store = new Store(seed, opts);
  const faults = new Faults(opts.seed);
  const filesDir = path.join(opts.dataDir, "files");
  const incomingDir = path.join(opts.dataDir, "incoming");
  // State lives in memory, so files left by an earlier run are orphans: remove them.
  await cleanDir(filesDir);
  await cleanDir(incomingDir);

  const routes: Route[] = [
    route("GET", "/oauth/business/authorize", oauth.authorize("business")),
    route("POST", "/oauth/business/token", oauth.token("business")),
    route("GET", "/oauth/authorize", oauth.authorize("login")),
    route("POST", "/oauth/token", oauth.token("login")),
    route("POST", "/oauth/login", oauth.loginSubmit),
    route("GET", "/oauth/consent", oauth.consentShow),
    route("POST", "/oauth/consent", oauth.consentSubmit),
    route("GET", TOKENINFO_PATH, businessTokenInfo),
    route("GET", "/v1/user/access_token_info", userAccessTokenInfo),
    route("GET", "/openapi/v4/adAccounts/pages", moment.adAccountsPages),
    route("GET", "/openapi/v4/customerFiles", moment.listFiles),
    route("POST", "/openapi/v4/customerFiles", moment.createFile),
    route("GET", "/openapi/v4/customerFiles/usages/{id}", moment.fileUsages),
    route("DELETE", "/openapi/v4/customerFiles/{id}", moment.deleteFile),
    route("GET", "/", control.index),
    route("GET", "/__emulator/health", control.health),
    route("GET", "/__emulator/state", control.state),
    route(
      "POST",
      "/__emulator/reset",
      control.reset(async () => {
        await cleanDir(filesDir);
        await cleanDir(incomingDir);
      }),
    ),
    route("GET", "/__emulator/facts", control.getFacts),
    route("POST", "/__emulator/facts", control.setFacts),
    route("DELETE", "/__emulator/facts", control.resetFacts),
    route("GET", "/__emulator/authorize-error", control.getAuthorizeError),
    route("POST", "/__emulator/authorize-error", control.setAuthorizeError),
    route("DELETE", "/__emulator/authorize-error", control.clearAuthorizeError),
    route("GET", "/__emulator/faults", control.getFaults),
    route("POST", "/__emulator/faults", control.setFaults),
    route("DELETE", "/__emulator/faults", control.clearFaults),
    route("POST", "/__emulator/tokens/revoke", control.revokeTokens),
    route("POST", "/__emulator/tokens/expire", control.expireTokens),
    route("GET", "/__emulator/files/{id}/content", control.fileContent),
    route("POST", "/__emulator/files/{id}/status", control.setFileStatus),
  ];

  // The edit call is a fact (`editCall`): its route is built from the current value at request time.
  let editRoute: { call: string; route: Route } | null = null;
  function currentEditRoute(): Route | null {
    const call = store.facts.editCall;
    if (call === null) return null;
    if (editRoute?.call !== call) {
      const { method, template } = parseEditCall(call);
      editRoute = { call, route: route(method, template, moment.editFile) };
    }
    return editRoute.route;
  }

  function match(method: string, pathname: string): { route: Route; params: Record<string, string> } | "method" | null {
    let pathMatched = false;
    const edit = currentEditRoute();
    for (const r of edit ? [edit, ...routes] : routes) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return { route: r, params };
    }
    return pathMatched ? "method" : null;
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (reply.clientGone || res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    const unread = !req.complete || reply.abortRequest === true;
    if (unread) {
      // The request body was not (fully) read on purpose: answer, then close the connection
      // (node destroys the socket after the response; the rest of the body is never read).
      headers.connection = "close";
    }
    if (reply.stream) {
      res.writeHead(reply.status, headers);
      pipeline(reply.stream, res).catch(() => res.destroy());
      return;
    }
    const body = reply.body ?? "";
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  function dropConnection(req: IncomingMessage): void {
    const sock = req.socket as Socket & { resetAndDestroy?: () => void };
    if (typeof sock.resetAndDestroy === "function") sock.resetAndDestroy();
    else sock.destroy();
  }

  function applyFault(req: IncomingMessage, res: ServerResponse, pathname: string, action: FaultAction): string {
    if (action === "reset") {
      dropConnection(req);
      return "reset";
    }
    send(req, res, faultReply(pathname, action));
    return String(typeof action === "object" ? action.error.status : action);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://emulator.local");
    } catch {
      send(req, res, json(400, { error: "bad request URL" }));
      return;
    }
    const pathname = url.pathname;
    const isControl = pathname.startsWith(CONTROL_PREFIX);
    const m = match(method, pathname);
    const template = `${method} ${m && m !== "method" ? m.route.template : pathname.startsWith("/openapi/") || pathname.startsWith("/oauth/") || pathname.startsWith("/v1/") ? "(unmatched)" : "(other)"}`;
    let outcome = "0";
    const record = () => {
      if (!isControl) store.count(template, outcome);
      if (opts.logRequests) console.log(`${method} ${pathname} ${outcome} ${Date.now() - started}ms`);
    };

    const decision = isControl ? null : faults.decide(method, pathname);
    if (decision && decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision?.fault?.phase === "before") {
      outcome = applyFault(req, res, pathname, decision.fault.action);
      record();
      return;
    }

    let reply: Reply;
    if (m === null) reply = unsupportedApi(method, pathname);
    else if (m === "method") {
      // Kakao paths: a method the path does not serve is just an unknown call (e.g. the old edit
      // route once the editCall fact moved or is null). Control paths answer 405.
      reply = isControl ? momentError(405, -3, `method ${method} is not supported on ${pathname}`) : unsupportedApi(method, pathname);
    }
    else {
      const ctx: Ctx = { req, url, params: m.params, store, faults, opts, filesDir, incomingDir };
      try {
        reply = await m.route.handler(ctx);
      } catch (err) {
        if (err instanceof BodyTooLargeError) reply = json(413, { error: err.message });
        else if (err instanceof SyntaxError) reply = json(400, { error: `bad JSON: ${err.message}` });
        else {
          console.error(`[emulator] ${method} ${pathname} failed:`, err);
          reply = momentError(500, -1, "internal emulator error");
        }
      }
    }

    if (decision?.fault?.phase === "after" && !reply.clientGone) {
      reply.stream?.destroy();
      outcome = applyFault(req, res, pathname, decision.fault.action);
    } else if (reply.clientGone) {
      outcome = "client-gone";
    } else {
      send(req, res, reply);
      outcome = String(reply.status);
    }
    record();
  }

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    handle(req, res).catch((err) => {
      console.error("[emulator] unexpected error:", err);
      if (!res.headersSent) send(req, res, momentError(500, -1, "internal emulator error"));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const displayHost = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : hostForUrl;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${displayHost}:${addr.port}`,
    port: addr.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
