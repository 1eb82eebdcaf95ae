/**
 * Test support: the v3 route handlers of app/v3 served over real HTTP on a free port, routed the way
 * Next's file-system router does it (`[param]` folders, decoded params, 308 to drop a trailing slash),
 * plus the job worker in this process. Vitest cannot host Next itself; the handlers, the lib code
 * under them, PostgreSQL, pg-boss and the Kakao emulator are the real ones. (The Playwright suite
 * drives the same routes through the production Next server.)
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { registerHandlers } from "@/lib/worker/handlers";

const root = path.resolve(import.meta.dirname, "../..");
export const V3_DIR = path.join(root, "app/v3");

export interface RouteFile {
  /** `/v3/job/show/{id}` */
  pattern: string;
  segments: string[];
  file: string;
}

/** Every app/v3/**\/route.ts with its URL pattern (OpenAPI style). */
export function v3RouteFiles(dir = V3_DIR, prefix = ["v3"]): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...v3RouteFiles(full, [...prefix, entry.name]));
    else if (entry.name === "route.ts") out.push({ segments: prefix, file: full, pattern: "/" + prefix.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/") });
  }
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

function match(route: RouteFile, parts: string[]): Record<string, string> | null {
  if (route.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = route.segments[i]!;
    const dynamic = /^\[(.+)\]$/.exec(segment);
    if (dynamic) params[dynamic[1]!] = decodeURIComponent(parts[i]!);
    else if (segment !== parts[i]) return null;
  }
  return params;
}

export interface V3Server {
  url: string;
  close(): Promise<void>;
}

/** Serve app/v3 on 127.0.0.1 (free port); `worker: true` also runs queued jobs in this process. */
export async function startV3Server(options: { worker?: boolean } = {}): Promise<V3Server> {
  if (options.worker) await registerHandlers(await queue({ worker: true }));
  const routes = v3RouteFiles();
  const modules = new Map<string, Record<string, Handler>>();
  for (const route of routes) modules.set(route.file, (await import(route.file)) as Record<string, Handler>);

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      if (url.pathname.length > 1 && url.pathname.endsWith("/")) {
        res.writeHead(308, { location: url.pathname.replace(/\/+$/, "") + url.search }).end();
        return;
      }
      const parts = url.pathname.split("/").filter(Boolean);
      let found: { handler: Handler; params: Record<string, string> } | null = null;
      let pathMatched = false;
      for (const route of routes) {
        const params = match(route, parts);
        if (!params) continue;
        pathMatched = true;
        const handler = modules.get(route.file)![req.method ?? "GET"] as Handler | undefined;
        if (handler) found = { handler, params };
      }
      if (!found) {
        res.writeHead(pathMatched ? 405 : 404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, { method: req.method, headers, body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined, duplex: "half" } as RequestInit);
      const response = await found.handler(request, { params: Promise.resolve(found.params) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
      else res.end();
    } catch (error) {
      console.error("[v3 test server]", error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.worker) await stopQueue();
    },
  };
}
