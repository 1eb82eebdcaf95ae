/** Decide whether the Next build in .next/ matches the sources, so `npm start` rebuilds only when needed. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "messages", "public", "next.config.mjs", "postcss.config.mjs", "package-lock.json", "tsconfig.json", "proxy.ts"];
const SKIP = /(\.test\.tsx?$|\/generated\/)/;

function walk(file: string, out: string[]) {
  if (!fs.existsSync(file)) return;
  const stat = fs.statSync(file);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(file).sort()) walk(path.join(file, name), out);
  } else if (!SKIP.test(file)) {
    out.push(file);
  }
}

export function sourceHash(root: string): string {
  const files: string[] = [];
  for (const entry of SOURCES) walk(path.join(root, entry), files);
  const hash = crypto.createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

const marker = (root: string) => path.join(root, ".next", "source-hash");

export function buildIsCurrent(root: string): boolean {
  return fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(marker(root)) && fs.readFileSync(marker(root), "utf8") === sourceHash(root);
}

export function recordBuild(root: string): void {
  fs.writeFileSync(marker(root), sourceHash(root));
}

/** Run `fn` while holding .next-build.lock; a lock older than 10 minutes is taken as stale. */
export async function withBuildLock(root: string, fn: () => Promise<void>): Promise<void> {
  const lock = path.join(root, ".next-build.lock");
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 10 * 60_000) fs.rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
