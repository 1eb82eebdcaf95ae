/**
 * How the worker process is started, in one place (bin/start.ts and the benchmarks).
 *
 * `npm start` runs the worker from a bundle that esbuild (already installed with tsx) writes on
 * every start (~0.5 s), not through the tsx loader: Node 20 runs ESM loader hooks on a thread of
 * their own, and that thread plus the transpiler cost about 35 MB of the worker's memory for
 * nothing (measured). Packages stay external (resolved from node_modules at run time). The small
 * young generation (`--max-semi-space-size=1`, MB) keeps the heap ~30 MB smaller; the export's
 * work is in Buffers outside the heap, so collection cost does not show in its throughput.
 * `npm run dev` keeps tsx, so edits apply without a restart.
 */
import fs from "node:fs";
import path from "node:path";

export const WORKER_NODE_FLAGS = ["--max-semi-space-size=1", "--conditions=react-server"];

/** Bundle lib/worker/main.ts into node_modules/.cache (atomically: two servers may start at once). */
export async function buildWorker(root: string): Promise<string> {
  const { build } = await import("esbuild");
  const outDir = path.join(root, "node_modules/.cache/kakao-hub");
  const outfile = path.join(outDir, "worker.mjs");
  const result = await build({
    entryPoints: [path.join(root, "lib/worker/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    conditions: ["react-server"],
    tsconfig: path.join(root, "tsconfig.json"),
    // Bundled CommonJS helpers may call require(); ESM has none of its own.
    banner: { js: "import { createRequire as __hubRequire } from 'node:module'; const require = __hubRequire(import.meta.url);" },
    outfile,
    write: false,
    logLevel: "error",
  });
  fs.mkdirSync(outDir, { recursive: true });
  const temp = `${outfile}.${process.pid}.tmp`;
  fs.writeFileSync(temp, result.outputFiles[0]!.contents);
  fs.renameSync(temp, outfile);
  return outfile;
}

/**
 * The worker's environment: `base` plus two glibc malloc settings (each unless set).
 * - MALLOC_ARENA_MAX=2: the export's Buffers are malloc'd and freed across threads (V8's sweeper,
 *   the hashing thread, libuv's pool); with glibc's default of up to 8 arenas per core, freed
 *   memory stayed in per-thread arenas (measured side by side, 24 M rows: peaks 166–173 MB,
 *   152–158 MB with 2).
 * - MALLOC_MMAP_THRESHOLD_=131072: glibc's default threshold, fixed. Left dynamic, glibc raises it
 *   each time a large block is freed, so the export's large Buffers (the 256 KB reads of each
 *   upload) then come from the arenas, where freed memory stays in RSS; the peak then depended on
 *   whether a run had several files (upload and spool overlapping) or one (measured, peak of 6 M
 *   rows over 1 M: 1.04 and 1.08 dynamic, 1.01 and 0.99 fixed; the full bench: 1.11 dynamic).
 */
export function workerEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072", ...base };
}

/** Node arguments for the worker: the bundle (production) or the TypeScript entry through tsx (dev, tests). */
export function workerArgs(root: string, entry: { bundle: string } | "tsx"): string[] {
  return entry === "tsx" ? [...WORKER_NODE_FLAGS, "--import", "tsx", path.join(root, "lib/worker/main.ts")] : [...WORKER_NODE_FLAGS, entry.bundle];
}
