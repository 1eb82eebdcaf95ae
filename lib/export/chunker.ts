/**
 * The chunk spool: customer-file lines (the encoder's output) → files on disk of at most
 * MAX_FILE_BYTES each, a line never split across two files; bytes, lines and SHA-256 of each file
 * are computed on the way. Memory stays flat: one source buffer at a time, written before the next
 * is read (so a source may hand out the same buffer each time: encodeAdids' `reuseOutput`).
 *
 * Overlap: spooling runs ahead of the consumer. While the caller uploads chunk i, chunk i+1 is
 * being written; the spool then waits until the caller asks for the next chunk (`aheadChunks`,
 * default 1), so the disk holds at most the chunk being uploaded, one finished chunk and, once
 * the caller takes that one, the next chunk being written (delete each file after its upload).
 *
 * "More follows": a chunk is handed out only once the spool knows whether another chunk follows
 * (the first line of the next chunk arrived, or the source ended), and says so in `more`. So the
 * "When data size > 200MB" policies are decided before the first upload:
 * - `stop`: `maxChunks: 1, overflow: "fail"` — the spool throws SpoolTooLargeError instead of
 *   handing out chunk 1 when a second chunk would start; nothing is left on disk.
 * - `send_first_200mb`: `maxChunks: 1, overflow: "truncate"` — chunk 1 is handed out (more: true)
 *   as soon as it is full; the rest of the source is still read, counted, and not written
 *   (`summary.leftOutLines` once the loop ends).
 * Register mode leaves maxChunks unbounded (or sets it from the account's free room).
 *
 * Cleanup: on any error, abort, or when the consumer stops early (break/throw in the loop), every
 * file the spool wrote is removed. After a complete run the files stay for the caller, who removes
 * them (each after its upload, and `removeSpool(dir)` at the end).
 */
import { createHash, type Hash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { ADID_LINE_BYTES } from "@/lib/export/encoder";
import { MAX_FILE_BYTES } from "@/lib/kakao/assumptions";

export interface SpooledChunk {
  /** 1-based. */
  index: number;
  path: string;
  bytes: number;
  lines: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** Another chunk follows (or, with overflow "truncate", more lines were left out). */
  more: boolean;
}

export interface SpoolProgress {
  /** Chunks handed out so far. */
  chunks: number;
  /** Bytes and lines written to chunk files so far. */
  bytes: number;
  lines: number;
  /** Lines read past the last allowed chunk and not written (overflow "truncate"). */
  leftOutLines: number;
}

export interface SpoolSummary {
  chunks: number;
  bytes: number;
  lines: number;
  leftOutLines: number;
  leftOutBytes: number;
}

/** Where the spool writes; injectable so tests can simulate a full disk. */
export interface SpoolFile {
  /** Writes all of `data` at `position` (positional, so two writes may be in flight). */
  write(data: Buffer, position: number): Promise<void>;
  close(): Promise<void>;
}
export interface SpoolFs {
  mkdir(dir: string): Promise<void>;
  open(file: string): Promise<SpoolFile>;
  remove(file: string): Promise<void>;
}

export const nodeSpoolFs: SpoolFs = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  async open(file) {
    const handle = await open(file, "w");
    return {
      async write(data, position) {
        let off = 0;
        while (off < data.length) {
          const { bytesWritten } = await handle.write(data, off, data.length - off, position + off);
          off += bytesWritten;
        }
      },
      close: () => handle.close(),
    };
  },
  async remove(file) {
    await rm(file, { force: true });
  },
};

export interface SpoolOptions {
  /** Folder for the chunk files (created if missing; the caller owns it: see removeSpool). */
  dir: string;
  /** Largest chunk file, bytes (default MAX_FILE_BYTES = 209,715,200). */
  maxBytes?: number;
  /** Every line has exactly this many bytes, "\n" included (default 37: the encoder's lines). */
  lineBytes?: number;
  /** At most this many chunks (default unlimited). */
  maxChunks?: number;
  /** Past maxChunks: "fail" (SpoolTooLargeError before the last allowed chunk is handed out) or "truncate" (count, don't write). Default "fail". */
  overflow?: "fail" | "truncate";
  /** Finished chunks kept ready ahead of the consumer (default 1; Infinity spools everything first). */
  aheadChunks?: number;
  /** Writes are coalesced into buffers of this size (default 2 MiB; 4 of them). */
  writeBufferBytes?: number;
  /** Hash in a worker thread (default true; false hashes on this thread). */
  hashInWorker?: boolean;
  /** File name prefix (default "chunk": chunk-0001.csv, …). */
  filePrefix?: string;
  onProgress?: (progress: SpoolProgress) => void;
  signal?: AbortSignal;
  fs?: SpoolFs;
}

/** The result needs more chunks than allowed (the `stop` policy, or the account's free room). */
export class SpoolTooLargeError extends AppError {
  constructor(
    readonly maxChunks: number,
    readonly maxBytes: number,
  ) {
    super(
      "invalid_input",
      maxChunks === 1
        ? `The export is larger than one customer file (${formatBytes(maxBytes)}) and "When data size > 200MB" is set to stop: nothing was uploaded. Choose "send the first 200 MB" or narrow the query.`
        : `The export needs more than ${maxChunks} customer files of ${formatBytes(maxBytes)}: nothing more was uploaded.`,
    );
    this.name = "SpoolTooLargeError";
  }
}

function formatBytes(bytes: number): string {
  return bytes === MAX_FILE_BYTES ? "200 MB = 209,715,200 bytes" : `${bytes.toLocaleString("en-US")} bytes`;
}

/** A write to the spool failed: a clear message, the full disk called out. */
export function spoolWriteError(error: unknown, file: string): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new AppError(
      "internal",
      `Not enough disk space to spool the export: writing ${file} failed (${code}). Each customer file needs up to 200 MB of free space while it is prepared (up to three at a time); free some space on that disk and retry the job.`,
    );
  }
  return new AppError("internal", `Could not write the export spool file ${file} (${code ?? (error as Error)?.message ?? String(error)}). The spool was removed; retry the job.`);
}

/** Removes a spool folder and everything in it (the caller, after the uploads or on failure). */
export async function removeSpool(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function spoolChunks(source: AsyncIterable<Buffer | Uint8Array>, opts: SpoolOptions): ChunkSpool {
  return new ChunkSpool(source, opts);
}

const STOPPED = Symbol("spool stopped");
/** Write buffers in the ring (see ChunkWriter). */
const WRITE_SLOTS = 4;
const noop = () => undefined;

class Notifier {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

interface OpenChunk {
  index: number;
  path: string;
  writer: ChunkWriter;
  bytes: number;
  lines: number;
}

/**
 * SHA-256 of the chunk being written, fed buffer by buffer in order. In a worker thread by default
 * (hashing costs about as much CPU as encoding; on another core it overlaps), else inline.
 */
interface ChunkHasher {
  update(slot: number, length: number): Promise<void>;
  digest(): Promise<string>;
  close(): Promise<void>;
}

class InlineHasher implements ChunkHasher {
  private hash: Hash | null = null;
  constructor(private readonly slots: Buffer[]) {}
  async update(slot: number, length: number): Promise<void> {
    (this.hash ??= createHash("sha256")).update(this.slots[slot]!.subarray(0, length));
  }
  async digest(): Promise<string> {
    const hex = (this.hash ?? createHash("sha256")).digest("hex");
    this.hash = null;
    return hex;
  }
  async close(): Promise<void> {}
}

/** The worker's code (plain CommonJS, evaluated: no loader or build step involved). */
const HASH_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const shared = new Uint8Array(workerData.buffer);
let hash = null;
parentPort.on("message", (m) => {
  if (m.op === "update") {
    (hash ??= createHash("sha256")).update(shared.subarray(m.offset, m.offset + m.length));
    parentPort.postMessage({ id: m.id });
  } else {
    const hex = (hash ?? createHash("sha256")).digest("hex");
    hash = null;
    parentPort.postMessage({ id: m.id, hex });
  }
});
`;

class WorkerHasher implements ChunkHasher {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (hex: string | undefined) => void; reject: (error: unknown) => void }>();
  private nextId = 0;
  private failure: unknown = null;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly slotBytes: number,
  ) {
    this.worker = new Worker(HASH_WORKER_SOURCE, { eval: true, workerData: { buffer } });
    // Keeps the process alive only while a hash is awaited (an abandoned spool must not hold it).
    this.worker.unref();
    this.worker.on("message", (m: { id: number; hex?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      p?.resolve(m.hex);
    });
    const fail = (error: unknown) => {
      this.failure ??= error;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", () => fail(new Error("the spool's hashing thread stopped")));
  }

  private call(message: Record<string, unknown>): Promise<string | undefined> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async update(slot: number, length: number): Promise<void> {
    await this.call({ op: "update", offset: slot * this.slotBytes, length });
  }

  async digest(): Promise<string> {
    return (await this.call({ op: "digest" }))!;
  }

  async close(): Promise<void> {
    this.failure ??= new Error("closed");
    await this.worker.terminate();
  }
}

/**
 * Coalesces pieces into large positional writes through a ring of buffers: while one buffer is
 * written and hashed, the next fills, so encoding, hashing and disk I/O overlap. A buffer is
 * refilled only once its write and its hash are done. The ring is the spool's memory (4 × 2 MiB:
 * with 1 MiB, messages to the hashing thread cost the main thread ~1 s per 444 MB, measured).
 */
class ChunkWriter {
  private cur = 0;
  private len = 0;
  private position = 0;
  private readonly inflight: (Promise<unknown> | null)[];

  constructor(
    private readonly file: SpoolFile,
    private readonly slots: Buffer[],
    private readonly hasher: ChunkHasher,
  ) {
    this.inflight = slots.map(() => null);
  }

  async append(piece: Buffer): Promise<void> {
    let off = 0;
    while (off < piece.length) {
      const slot = this.slots[this.cur]!;
      const n = piece.copy(slot, this.len, off);
      this.len += n;
      off += n;
      if (this.len === slot.length) await this.flush();
    }
  }

  /** Starts writing and hashing the current buffer, then waits until the next one is free. */
  private async flush(): Promise<void> {
    if (this.len > 0) {
      const slot = this.cur;
      const data = this.slots[slot]!.subarray(0, this.len);
      const op = Promise.all([this.file.write(data, this.position), this.hasher.update(slot, this.len)]);
      op.catch(noop); // awaited before the buffer is reused, or by finish/abort
      this.inflight[slot] = op;
      this.position += this.len;
      this.len = 0;
      this.cur = (slot + 1) % this.slots.length;
    }
    const next = this.inflight[this.cur];
    if (next) {
      this.inflight[this.cur] = null;
      await next;
    }
  }

  /** Everything written, the file closed; returns the SHA-256. */
  async finish(): Promise<string> {
    try {
      await this.flush();
      for (let i = 0; i < this.inflight.length; i++) {
        const op = this.inflight[i];
        this.inflight[i] = null;
        if (op) await op;
      }
    } catch (error) {
      // A failed write (e.g. a full disk) surfacing here: the file is still open, close it.
      await this.abort();
      throw error;
    }
    await this.file.close();
    return this.hasher.digest();
  }

  async abort(): Promise<void> {
    await Promise.all(this.inflight.map((op) => op?.catch(noop)));
    this.inflight.fill(null);
    await this.file.close().catch(noop);
    await this.hasher.digest().catch(noop); // reset for the next chunk
  }
}

/** Iterate it once (`for await`); `summary` is set when the iteration completes. */
export class ChunkSpool implements AsyncIterable<SpooledChunk> {
  /** Set once the source ended and every chunk was handed out. */
  summary: SpoolSummary | null = null;
  readonly progress: SpoolProgress = { chunks: 0, bytes: 0, lines: 0, leftOutLines: 0 };
  private used = false;
  private readonly ready: SpooledChunk[] = [];
  private readonly written: string[] = [];
  private readonly toConsumer = new Notifier();
  private readonly toPump = new Notifier();
  private pumpDone = false;
  private pumpError: unknown = null;
  private stopped = false;
  /** Settles the pump's pending source read when the spool is halted. */
  private onHalt: (() => void) | null = null;
  private readonly maxBytes: number;
  private readonly lineBytes: number;
  private readonly maxLines: number;
  private readonly fs: SpoolFs;

  constructor(
    private readonly source: AsyncIterable<Buffer | Uint8Array>,
    private readonly opts: SpoolOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
    this.lineBytes = opts.lineBytes ?? ADID_LINE_BYTES;
    this.maxLines = Math.floor(this.maxBytes / this.lineBytes);
    if (this.maxLines < 1) throw new Error(`spoolChunks: maxBytes ${this.maxBytes} is smaller than one line (${this.lineBytes} bytes)`);
    this.fs = opts.fs ?? nodeSpoolFs;
  }

  [Symbol.asyncIterator](): AsyncGenerator<SpooledChunk> {
    if (this.used) throw new Error("a ChunkSpool can be iterated once");
    this.used = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<SpooledChunk> {
    const onAbort = () => this.halt();
    this.opts.signal?.addEventListener("abort", onAbort, { once: true });
    const pump = this.pump().then(
      () => {
        this.pumpDone = true;
      },
      (error: unknown) => {
        this.pumpError = error;
      },
    );
    void pump.finally(() => this.toConsumer.notify());
    let complete = false;
    try {
      for (;;) {
        this.opts.signal?.throwIfAborted();
        const next = this.ready.shift();
        if (next) {
          this.toPump.notify();
          yield next;
          continue;
        }
        if (this.pumpError !== null) throw this.pumpError === STOPPED ? abortReason(this.opts.signal) : this.pumpError;
        if (this.pumpDone) break;
        await this.toConsumer.wait();
      }
      complete = true;
      this.summary = {
        chunks: this.progress.chunks,
        bytes: this.progress.bytes,
        lines: this.progress.lines,
        leftOutLines: this.progress.leftOutLines,
        leftOutBytes: this.progress.leftOutLines * this.lineBytes,
      };
    } finally {
      this.opts.signal?.removeEventListener("abort", onAbort);
      if (!complete) {
        this.halt();
        await pump;
        await Promise.all(this.written.map((file) => this.fs.remove(file).catch(noop)));
      }
    }
  }

  private halt(): void {
    this.stopped = true;
    this.onHalt?.();
    this.toPump.notify();
    this.toConsumer.notify();
  }

  private publish(chunk: SpooledChunk): void {
    this.ready.push(chunk);
    this.progress.chunks++;
    this.toConsumer.notify();
  }

  private checkStopped(): void {
    if (this.stopped) throw STOPPED;
  }

  /**
   * The source's next buffer, or STOPPED thrown as soon as the spool is halted (a query stream
   * may be slow to yield; the pending read is then abandoned and the source told to return).
   */
  private nextOrHalt(iterator: AsyncIterator<Buffer | Uint8Array>): Promise<IteratorResult<Buffer | Uint8Array>> {
    if (this.stopped) return Promise.reject(STOPPED);
    return new Promise((resolve, reject) => {
      this.onHalt = () => reject(STOPPED);
      iterator.next().then(
        (r) => {
          this.onHalt = null;
          resolve(r);
        },
        (error: unknown) => {
          this.onHalt = null;
          reject(error);
        },
      );
    });
  }

  private async pump(): Promise<void> {
    const { dir, maxChunks = Infinity, overflow = "fail", filePrefix = "chunk", onProgress } = this.opts;
    const aheadChunks = Math.max(1, this.opts.aheadChunks ?? 1);
    const { lineBytes, maxLines } = this;
    const progress = this.progress;
    let cur: OpenChunk | null = null;
    let pending: Omit<SpooledChunk, "more"> | null = null;
    let index = 0;
    let truncating = false;
    let iterator: AsyncIterator<Buffer | Uint8Array> | null = null;
    const slotBytes = Math.max(1, this.opts.writeBufferBytes ?? 2 << 20);
    const shared = new SharedArrayBuffer(WRITE_SLOTS * slotBytes);
    const slots = Array.from({ length: WRITE_SLOTS }, (_, i) => Buffer.from(shared, i * slotBytes, slotBytes));
    let hasher: ChunkHasher | null = null;

    const openChunk = async (n: number): Promise<OpenChunk> => {
      const file = path.join(dir, `${filePrefix}-${String(n).padStart(4, "0")}.csv`);
      this.written.push(file);
      try {
        hasher ??= this.opts.hashInWorker === false ? new InlineHasher(slots) : new WorkerHasher(shared, slotBytes);
        return { index: n, path: file, writer: new ChunkWriter(await this.fs.open(file), slots, hasher), bytes: 0, lines: 0 };
      } catch (error) {
        throw spoolWriteError(error, file);
      }
    };
    const closeChunk = async (c: OpenChunk): Promise<Omit<SpooledChunk, "more">> => {
      let sha256: string;
      try {
        sha256 = await c.writer.finish();
      } catch (error) {
        throw spoolWriteError(error, c.path);
      }
      return { index: c.index, path: c.path, bytes: c.bytes, lines: c.lines, sha256 };
    };

    try {
      this.checkStopped();
      this.opts.signal?.throwIfAborted();
      try {
        await this.fs.mkdir(dir);
      } catch (error) {
        throw spoolWriteError(error, dir);
      }
      iterator = this.source[Symbol.asyncIterator]();
      for (;;) {
        const r = await this.nextOrHalt(iterator);
        if (r.done) break;
        const buf = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        checkWholeLines(buf, lineBytes);
        const len = buf.length;
        let off = 0;
        while (off < len) {
          if (truncating) {
            progress.leftOutLines += (len - off) / lineBytes;
            off = len;
            break;
          }
          if (cur === null) {
            if (pending) {
              // A line for a new chunk: the previous one now knows that more follows.
              if (index >= maxChunks) {
                if (overflow === "fail") throw new SpoolTooLargeError(maxChunks, this.maxBytes);
                truncating = true;
              }
              this.publish({ ...pending, more: true });
              pending = null;
              if (truncating) continue;
            }
            while (this.ready.length >= aheadChunks && !this.stopped) await this.toPump.wait();
            this.checkStopped();
            cur = await openChunk(++index);
          }
          const take = Math.min(maxLines - cur.lines, (len - off) / lineBytes) * lineBytes;
          const piece = buf.subarray(off, off + take);
          try {
            await cur.writer.append(piece);
          } catch (error) {
            throw spoolWriteError(error, cur.path);
          }
          this.checkStopped();
          cur.bytes += take;
          cur.lines += take / lineBytes;
          progress.bytes += take;
          progress.lines += take / lineBytes;
          off += take;
          if (cur.lines === maxLines) {
            const full = cur;
            cur = null;
            pending = await closeChunk(full);
          }
        }
        onProgress?.({ ...progress });
      }
      if (cur) {
        const last = cur;
        cur = null;
        pending = await closeChunk(last);
      }
      if (pending) this.publish({ ...pending, more: truncating });
      if (truncating) onProgress?.({ ...progress });
    } catch (error) {
      if (cur) await cur.writer.abort();
      if (iterator?.return) void Promise.resolve(iterator.return()).catch(noop);
      throw error;
    } finally {
      await (hasher as ChunkHasher | null)?.close();
    }
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("The export was aborted", "AbortError");
}

/** The spool counts lines by size: make sure every buffer holds whole lines of `lineBytes`. */
function checkWholeLines(buf: Buffer, lineBytes: number): void {
  if (buf.length % lineBytes !== 0) throw new Error(`spoolChunks: a source buffer of ${buf.length} bytes is not whole lines of ${lineBytes} bytes`);
  for (let p = lineBytes - 1; p < buf.length; p += lineBytes) {
    if (buf[p] !== 0x0a) throw new Error(`spoolChunks: the source must yield lines of exactly ${lineBytes} bytes ending in "\\n"`);
  }
}
