/**
 * What the authorization matrix must cover, found on disk: every route handler (app/**\/route.ts,
 * one entry per exported HTTP method) and every export of every `"use server"` module under lib/
 * (lib/**\/actions.ts). A file or export added later shows up here before anyone remembers it.
 */
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, keep, out);
    else if (keep(full)) out.push(full);
  }
  return out.sort();
}

/** `app/v3/job/show/[id]/route.ts` → `/v3/job/show/[id]` (route groups `(x)` are not in the URL). */
export function routePattern(file: string): string {
  const parts = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).filter((p) => p && !/^\(.+\)$/.test(p));
  return "/" + parts.join("/");
}

export interface RouteHandlerRef {
  /** `GET /api/jobs/[id]` */
  key: string;
  method: string;
  pattern: string;
  file: string;
}

export function routeFiles(): string[] {
  return walk(path.join(ROOT, "app"), (f) => path.basename(f) === "route.ts");
}

/** Every (method, route) pair, read from the modules' exports. */
export async function routeHandlers(): Promise<RouteHandlerRef[]> {
  const out: RouteHandlerRef[] = [];
  for (const file of routeFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === "function") out.push({ key: `${method} ${routePattern(file)}`, method, pattern: routePattern(file), file });
  }
  return out;
}

/** lib/**\/actions.ts and any other lib module whose first statement is "use server". */
export function actionFiles(): string[] {
  return walk(path.join(ROOT, "lib"), (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && /^\s*(\/\/[^\n]*\n\s*)*["']use server["']/.test(fs.readFileSync(f, "utf8")));
}

export interface ActionRef {
  /** `lib/jobs/actions.ts#killJobAction` */
  key: string;
  file: string;
  name: string;
}

export async function serverActions(): Promise<ActionRef[]> {
  const out: ActionRef[] = [];
  for (const file of actionFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const name of Object.keys(mod).sort()) if (typeof mod[name] === "function") out.push({ key: `${path.relative(ROOT, file)}#${name}`, file, name });
  }
  return out;
}
