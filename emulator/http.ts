import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

/** What a handler answers. The dispatcher (server.ts) writes it, or replaces it with a fault. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  stream?: Readable;
  /**
   * The handler stopped reading the request body on purpose (e.g. an upload over the limit):
   * answer with `Connection: close` and drop the connection once the answer is out.
   */
  abortRequest?: boolean;
  /** The client went away: nothing can be sent. */
  clientGone?: boolean;
}

const JSON_TYPE = "application/json;charset=UTF-8";

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, body: string): Reply {
  return { status, headers: { "content-type": "text/html;charset=UTF-8", "cache-control": "no-store" }, body };
}

export function redirect(location: string, status = 302): Reply {
  return { status, headers: { location, "cache-control": "no-store" } };
}

export function empty(status: number): Reply {
  return { status };
}

/** Moment API / kapi error body: `{code, msg, extras?}`. */
export function momentError(
  status: number,
  code: number,
  msg: string,
  extras?: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Reply {
  return json(status, extras ? { code, msg, extras, ...more } : { code, msg, ...more });
}

/** `-813 KakaoMomentException` with a detail code. */
export function kakaoMomentException(status: number, detailCode: number, detailMsg: string): Reply {
  return momentError(status, -813, "KakaoMomentException", { detailCode, detailMsg });
}

/** OAuth error body: `{error, error_description, error_code}`. */
export function oauthError(status: number, error: string, description: string, code: string): Reply {
  return json(status, { error, error_description: description, error_code: code }, { "cache-control": "no-store" });
}

export class BodyTooLargeError extends Error {}

/** Reads a small request body (forms, JSON) with a byte limit. */
export async function readSmallBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Parses an `application/x-www-form-urlencoded` body; null when the content type is different. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (mediaType(req) !== "application/x-www-form-urlencoded") return null;
  return new URLSearchParams(await readSmallBody(req, 64 * 1024));
}

/** Parses a JSON body; an empty body is `{}`. Throws SyntaxError on bad JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readSmallBody(req, 256 * 1024);
  return text.trim() === "" ? {} : JSON.parse(text);
}

/** `Authorization: Bearer xxx` → `xxx`, else null. */
export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}
