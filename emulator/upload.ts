import busboy from "busboy";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { FileTooLargeError, ScanTransform, type ScanSummary } from "./csv-scan";
import { kakaoMomentException, momentError, type Reply } from "./http";
import {
  ALLOWED_FILE_EXTENSION,
  ALLOWED_FILE_MIME_TYPES,
  DETAIL,
  OVERSIZE_HTTP_STATUS,
} from "./kakao-assumptions";

/**
 * Receives a customer-file multipart request: a text part with the name and a file part with the
 * CSV (their names are the `uploadNamePart` / `uploadFilePart` facts, by default `name` / `file`).
 * The file is streamed to a temporary file on disk (busboy → scanner → fs write stream); it is
 * never held in memory. As soon as the size limit is crossed, or the name is known to be bad,
 * reading stops and the caller answers (the connection is then closed).
 */

export interface ReceivedFile {
  tmpPath: string;
  filename: string;
  mimeType: string;
  summary: ScanSummary;
}

export type UploadOutcome =
  | { ok: true; name: string | null; file: ReceivedFile | null }
  | { ok: false; reply: Reply };

export interface UploadOptions {
  incomingDir: string;
  maxFileBytes: number;
  /** Name of the text part holding the file name (other text parts are ignored). */
  namePart: string;
  /** Name of the file part (a file under another name is refused). */
  filePart: string;
  /** Validates the `name` part as soon as it arrives; a reply stops the upload. */
  checkName?: (name: string) => Reply | null;
}

export async function discard(p: string | null | undefined): Promise<void> {
  if (p) await unlink(p).catch(() => undefined);
}

export function receiveUpload(req: IncomingMessage, o: UploadOptions): Promise<UploadOutcome> {
  const ctype = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(ctype)) {
    return Promise.resolve({
      ok: false,
      reply: momentError(400, -2, "Content-Type must be multipart/form-data with a boundary"),
    });
  }

  return new Promise<UploadOutcome>((resolve) => {
    let settled = false;
    let name: string | null = null;
    let filePromise: Promise<ReceivedFile | null> | null = null;
    let tmpPath: string | null = null;
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fieldNameSize: 200, fieldSize: 4096, fields: 20, parts: 30, headerPairs: 100 },
      });
    } catch (err) {
      resolve({ ok: false, reply: momentError(400, -2, `malformed multipart request: ${(err as Error).message}`) });
      return;
    }

    const finish = (r: UploadOutcome) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };

    /** Stop reading, drop what was received, answer `reply`. */
    const fail = (reply: Reply) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.pause();
      bb.removeAllListeners("field");
      bb.removeAllListeners("file");
      bb.on("error", () => undefined);
      bb.destroy();
      const p = tmpPath;
      const done = () => resolve({ ok: false, reply: { ...reply, abortRequest: !req.complete } });
      if (filePromise) void filePromise.catch(() => undefined).finally(() => void discard(p).then(done));
      else done();
    };

    req.on("close", () => {
      if (!req.complete && !settled) fail({ status: 499, clientGone: true });
    });
    req.on("error", () => {
      if (!settled) fail({ status: 499, clientGone: true });
    });

    bb.on("field", (field, value, info) => {
      if (field !== o.namePart) return;
      if (info.valueTruncated) {
        fail(kakaoMomentException(400, DETAIL.nameInvalid, "name is too long"));
        return;
      }
      name = value;
      const bad = o.checkName?.(value);
      if (bad) fail(bad);
    });

    bb.on("file", (field, stream, info) => {
      if (field !== o.filePart) {
        stream.on("error", () => undefined).resume();
        fail(kakaoMomentException(400, DETAIL.fileMissing, `unexpected file part "${field}"; send the file in part "${o.filePart}"`));
        return;
      }
      if (filePromise) {
        stream.on("error", () => undefined).resume();
        fail(momentError(400, -3, "the emulator accepts one file per request"));
        return;
      }
      const filename = info.filename ?? "";
      const mime = (info.mimeType ?? "").toLowerCase();
      if (!filename.toLowerCase().endsWith(ALLOWED_FILE_EXTENSION) || !(ALLOWED_FILE_MIME_TYPES as readonly string[]).includes(mime)) {
        stream.on("error", () => undefined).resume();
        fail(kakaoMomentException(400, DETAIL.notCsv, `only CSV files are accepted (file name *.csv, Content-Type text/csv); got "${filename}" ${mime || "(no type)"}`));
        return;
      }
      const tmp = path.join(o.incomingDir, `upload-${Date.now()}-${randomBytes(6).toString("hex")}.part`);
      tmpPath = tmp;
      const scan = new ScanTransform(o.maxFileBytes);
      filePromise = pipeline(stream, scan, createWriteStream(tmp)).then(
        () => ({ tmpPath: tmp, filename, mimeType: mime, summary: scan.summary! }),
        (err: unknown) => {
          if (err instanceof FileTooLargeError) {
            fail(kakaoMomentException(OVERSIZE_HTTP_STATUS, DETAIL.fileTooLarge, `file exceeds the limit of ${err.limit} bytes`));
          } else if (!settled) {
            fail(momentError(400, -2, `upload failed: ${(err as Error).message}`));
          }
          throw err;
        },
      );
      filePromise.catch(() => undefined);
    });

    bb.on("error", (err: Error) => {
      fail(kakaoMomentException(400, DETAIL.malformedMultipart, `malformed multipart request: ${err.message}`));
    });

    bb.on("close", () => {
      if (settled) return;
      const fp = filePromise ?? Promise.resolve(null);
      fp.then(
        (file) => {
          if (settled) {
            void discard(file?.tmpPath);
            return;
          }
          finish({ ok: true, name, file });
        },
        () => undefined,
      );
    });

    req.pipe(bb);
  });
}
