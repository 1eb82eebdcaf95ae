import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyDataMessages } from "@/lib/engine/test-support";
import { nodeSpoolFs, removeSpool, spoolChunks, SpoolTooLargeError, type SpooledChunk, type SpoolFs, type SpoolOptions } from "@/lib/export/chunker";
import { AdidEncoder, encodeAdids } from "@/lib/export/encoder";
import { AppError } from "@/lib/errors";

const LINE = 37;
const MAX = 370; // 10 lines

/** Line i: a distinct UUID-shaped line of 37 bytes. */
function line(i: number): string {
  const h = createHash("md5").update(String(i)).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}\n`;
}
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join("");

/** `total` lines, yielded `per` lines at a time. */
async function* source(total: number, per = 3): AsyncGenerator<Buffer> {
  for (let i = 0; i < total; i += per) yield Buffer.from(lines(i, Math.min(total, i + per)));
}

const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "spool-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(src: AsyncIterable<Buffer>, opts: Partial<SpoolOptions> = {}) {
  const spool = spoolChunks(src, { dir, maxBytes: MAX, ...opts });
  const chunks: (SpooledChunk & { content: string })[] = [];
  for await (const c of spool) chunks.push({ ...c, content: await readFile(c.path, "utf8") });
  return { chunks, summary: spool.summary };
}

describe("spoolChunks — sizes", () => {
  it("10 lines = exactly maxBytes: one chunk, nothing more", async () => {
    const { chunks, summary } = await collect(source(10));
    expect(chunks.map(({ content: _, ...c }) => c)).toEqual([
      { index: 1, path: path.join(dir, "chunk-0001.csv"), bytes: 370, lines: 10, sha256: sha(lines(0, 10)), more: false },
    ]);
    expect(chunks[0]!.content).toBe(lines(0, 10));
    expect(summary).toEqual({ chunks: 1, bytes: 370, lines: 10, leftOutLines: 0, leftOutBytes: 0 });
  });

  it("11 lines = one line past maxBytes: 10 + 1, the first says more follows", async () => {
    const { chunks } = await collect(source(11));
    expect(chunks.map((c) => [c.index, c.bytes, c.lines, c.more])).toEqual([
      [1, 370, 10, true],
      [2, 37, 1, false],
    ]);
    expect(chunks[1]!.content).toBe(line(10));
    expect(chunks[1]!.sha256).toBe(sha(line(10)));
  });

  it("20 lines: two full chunks, the last one says no more", async () => {
    const { chunks } = await collect(source(20, 7));
    expect(chunks.map((c) => [c.bytes, c.more])).toEqual([
      [370, true],
      [370, false],
    ]);
    expect(chunks.map((c) => c.content).join("")).toBe(lines(0, 20));
  });

  it("never splits a line: maxBytes 371 and 369 hold 10 and 9 lines", async () => {
    expect((await collect(source(25), { maxBytes: 371 })).chunks.map((c) => c.lines)).toEqual([10, 10, 5]);
    await rm(dir, { recursive: true, force: true });
    const r = await collect(source(25), { maxBytes: 369 });
    expect(r.chunks.map((c) => c.lines)).toEqual([9, 9, 7]);
    expect(r.chunks.every((c) => c.bytes <= 369 && c.content.endsWith("\n"))).toBe(true);
    expect(r.chunks.map((c) => c.content).join("")).toBe(lines(0, 25));
  });

  it("splits one big source buffer over several chunks", async () => {
    async function* big() {
      yield Buffer.from(lines(0, 34));
    }
    const { chunks } = await collect(big());
    expect(chunks.map((c) => c.lines)).toEqual([10, 10, 10, 4]);
    for (const c of chunks) expect(c.sha256).toBe(sha(c.content));
  });

  it("an empty source yields nothing", async () => {
    const { chunks, summary } = await collect(source(0));
    expect(chunks).toEqual([]);
    expect(summary).toEqual({ chunks: 0, bytes: 0, lines: 0, leftOutLines: 0, leftOutBytes: 0 });
  });

  it("rejects a source that is not whole lines", async () => {
    async function* ragged() {
      yield Buffer.from(line(0).slice(0, 20));
    }
    await expect(collect(ragged())).rejects.toThrow(/not whole lines/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("coalesces writes through two small buffers without mixing up the order", async () => {
    const writes: [number, number][] = [];
    const recording: SpoolFs = {
      ...nodeSpoolFs,
      async open(file) {
        const real = await nodeSpoolFs.open(file);
        return {
          async write(data, position) {
            writes.push([position, data.length]);
            await new Promise((r) => setTimeout(r, writes.length % 3)); // uneven latency
            await real.write(data, position);
          },
          close: () => real.close(),
        };
      },
    };
    const { chunks } = await collect(source(23, 4), { writeBufferBytes: 50, fs: recording });
    expect(chunks.map((c) => c.content).join("")).toBe(lines(0, 23));
    expect(chunks.every((c) => c.sha256 === sha(c.content))).toBe(true);
    expect(writes.slice(0, 8)).toEqual([0, 50, 100, 150, 200, 250, 300, 350].map((p) => [p, p === 350 ? 20 : 50]));
  });

  it("hashes the same on this thread (hashInWorker: false)", async () => {
    const { chunks } = await collect(source(25), { hashInWorker: false, writeBufferBytes: 100 });
    expect(chunks.map((c) => c.sha256)).toEqual([sha(lines(0, 10)), sha(lines(10, 20)), sha(lines(20, 25))]);
  });

  it("reports progress", async () => {
    const seen: number[] = [];
    await collect(source(12, 4), { onProgress: (p) => seen.push(p.lines) });
    expect(seen).toEqual([4, 8, 12]);
  });

  it("works behind the encoder (COPY text in, chunks out)", async () => {
    const copy = `${lines(0, 5).replace(/\n/g, " \n")}\\N\n${lines(5, 12)}`;
    const enc = new AdidEncoder();
    async function* pieces() {
      for (let i = 0; i < copy.length; i += 50) yield Buffer.from(copy.slice(i, i + 50));
    }
    const { chunks } = await collect(encodeAdids(pieces(), enc));
    expect(chunks.map((c) => c.content).join("")).toBe(lines(0, 12));
    expect(enc.counts.skipped.null).toBe(1);
  });

  it("works behind the encoder reusing one output buffer (CopyData messages in)", async () => {
    // reuseOutput hands the spool the same buffer each time: the spool must be done with one
    // before it asks for the next, even when its small write buffers make it wait mid-piece.
    const framed = copyDataMessages(`${lines(0, 5).replace(/\n/g, " \n")}\\N\n${lines(5, 25)}`);
    const enc = new AdidEncoder();
    async function* pieces() {
      for (let i = 0; i < framed.length; i += 400) yield framed.subarray(i, i + 400);
    }
    const { chunks } = await collect(encodeAdids(pieces(), enc, { framed: true, reuseOutput: true }), { writeBufferBytes: 100 });
    expect(chunks.map((c) => c.content).join("")).toBe(lines(0, 25));
    expect(chunks.map((c) => c.sha256)).toEqual([sha(lines(0, 10)), sha(lines(10, 20)), sha(lines(20, 25))]);
    expect(enc.counts.skipped.null).toBe(1);
  });
});

describe("spoolChunks — more than one chunk allowed?", () => {
  it("stop (maxChunks 1, fail): fails before handing out anything when an 11th line comes, and removes the file", async () => {
    const got: SpooledChunk[] = [];
    const spool = spoolChunks(source(11), { dir, maxBytes: MAX, maxChunks: 1, overflow: "fail" });
    const error = await (async () => {
      for await (const c of spool) got.push(c);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpoolTooLargeError);
    expect((error as AppError).code).toBe("invalid_input");
    expect((error as Error).message).toMatch(/larger than one customer file.*nothing was uploaded/);
    expect(got).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("stop: exactly one chunk's worth passes", async () => {
    const { chunks } = await collect(source(10), { maxChunks: 1, overflow: "fail" });
    expect(chunks.map((c) => [c.lines, c.more])).toEqual([[10, false]]);
  });

  it("send_first_200mb (maxChunks 1, truncate): first chunk only, the rest counted as left out", async () => {
    const { chunks, summary } = await collect(source(27), { maxChunks: 1, overflow: "truncate" });
    expect(chunks.map((c) => [c.index, c.lines, c.more])).toEqual([[1, 10, true]]);
    expect(chunks[0]!.content).toBe(lines(0, 10));
    expect(summary).toEqual({ chunks: 1, bytes: 370, lines: 10, leftOutLines: 17, leftOutBytes: 17 * LINE });
    expect(await readdir(dir)).toEqual(["chunk-0001.csv"]);
  });

  it("send_first_200mb with less than one chunk leaves nothing out", async () => {
    const { chunks, summary } = await collect(source(7), { maxChunks: 1, overflow: "truncate" });
    expect(chunks.map((c) => [c.lines, c.more])).toEqual([[7, false]]);
    expect(summary?.leftOutLines).toBe(0);
  });

  it("hands out chunk 1 only once the first line of chunk 2 (or the end) is known", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked!: () => void;
    const askedForMore = new Promise<void>((r) => (asked = r));
    const events: string[] = [];
    async function* gated() {
      yield Buffer.from(lines(0, 10));
      events.push("10 lines given");
      asked();
      await gate;
      events.push("11th line given");
      yield Buffer.from(line(10));
    }
    const spool = spoolChunks(gated(), { dir, maxBytes: MAX });
    const it = spool[Symbol.asyncIterator]();
    const first = it.next().then((r) => {
      events.push(`chunk ${r.value?.index} more=${r.value?.more}`);
      return r;
    });
    await askedForMore;
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(["10 lines given"]);
    release();
    await first;
    expect(events).toEqual(["10 lines given", "11th line given", "chunk 1 more=true"]);
    await it.return(undefined);
  });

  it("spools chunk i+1 while the caller holds chunk i (overlap), and no further", async () => {
    let pulled = 0;
    async function* counting() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield Buffer.from(line(i));
      }
    }
    const spool = spoolChunks(counting(), { dir, maxBytes: MAX });
    const it = spool[Symbol.asyncIterator]();
    const c1 = await it.next();
    expect(c1.value?.index).toBe(1);
    for (let waited = 0; pulled < 21 && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    // Chunk 2 written while chunk 1 is "uploading"; it waits before chunk 3 (the 21st line is read to know that more follows).
    expect(pulled).toBe(21);
    const files = await readdir(dir);
    expect(files.sort()).toEqual(["chunk-0001.csv", "chunk-0002.csv"]);
    const c2 = await it.next();
    expect(c2.value).toMatchObject({ index: 2, lines: 10, more: true });
    await it.return(undefined);
  });
});

describe("spoolChunks — cleanup", () => {
  it("removes every file it wrote when the consumer stops early", async () => {
    for await (const c of spoolChunks(source(35), { dir, maxBytes: MAX })) {
      if (c.index === 2) break;
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps the files after a complete run; removeSpool removes them", async () => {
    const { chunks } = await collect(source(15));
    expect(await readdir(dir)).toHaveLength(chunks.length);
    await removeSpool(dir);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it("removes what it wrote on abort, even while the source is slow", async () => {
    const ac = new AbortController();
    async function* slow() {
      yield Buffer.from(lines(0, 15));
      await new Promise((r) => setTimeout(r, 10_000));
      yield Buffer.from(line(15));
    }
    const spool = spoolChunks(slow(), { dir, maxBytes: MAX, signal: ac.signal });
    const started = Date.now();
    const error = await (async () => {
      for await (const c of spool) {
        expect(c.index).toBe(1);
        setTimeout(() => ac.abort(new Error("killed by the user")), 20);
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe("killed by the user");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readdir(dir)).toEqual([]);
  });

  it("removes what it wrote when the source fails", async () => {
    async function* failing() {
      yield Buffer.from(lines(0, 15));
      throw new Error("canceling statement due to statement timeout");
    }
    await expect(collect(failing())).rejects.toThrow(/statement timeout/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("turns a full disk into a clear error and removes the spool", async () => {
    let writes = 0;
    const fullDisk: SpoolFs = {
      ...nodeSpoolFs,
      async open(file) {
        const real = await nodeSpoolFs.open(file);
        return {
          async write(data, position) {
            if (++writes === 2) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            await real.write(data, position);
          },
          close: () => real.close(),
        };
      },
    };
    const got: number[] = [];
    const error = await (async () => {
      for await (const c of spoolChunks(source(30, 3), { dir, maxBytes: MAX, fs: fullDisk })) got.push(c.index);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as Error).message).toMatch(/^Not enough disk space to spool the export: writing .*chunk-0002\.csv failed \(ENOSPC\)/);
    expect(got).toEqual([1]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports other write errors with the file and the code", async () => {
    const broken: SpoolFs = {
      ...nodeSpoolFs,
      async open() {
        throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      },
    };
    await expect(collect(source(3), { fs: broken })).rejects.toThrow(/Could not write the export spool file .*chunk-0001\.csv \(EACCES\)/);
  });
});
