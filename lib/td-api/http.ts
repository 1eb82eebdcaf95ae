/**
 * The v3 API's HTTP conventions (Treasure Data's REST API v3, see ../shared/td-conventions.md):
 *  - requests authenticate with `Authorization: TD1 <key>` only (lib/auth/guard.ts, `auth: "api-key"`);
 *  - parameters come from the query string and a body that is form-encoded (td-client-ruby, -java),
 *    multipart (td-client-python) or JSON (td-client-node): all three are read into one flat map;
 *  - errors are `{"error": code, "message": text}`: 400 for a request that cannot be read, 422 for
 *    fields that are invalid (the message names the field), 401/403/404/409/429 as elsewhere;
 *  - times look like `2020-12-31 11:22:33 UTC`.
 */
import { Readable } from "node:stream";
import busboy from "busboy";
import type { ErrorValue } from "@/lib/errors";
import { AppError, httpStatus } from "@/lib/errors";
import { defineRoute } from "@/lib/auth/guard";
import type { SessionUser } from "@/lib/auth/access";

/** Bodies larger than this are refused (a query is at most 100,000 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

export type Params = Record<string, unknown>;

/** The request itself cannot be read (bad JSON, broken multipart, too large): HTTP 400. */
export class MalformedRequest extends AppError {
  constructor(message: string) {
    super("invalid_input", message);
    this.name = "MalformedRequest";
  }
}

/** HTTP status of an error in the v3 API: invalid fields are 422, an unreadable request 400. */
export function tdStatus(error: unknown, value: ErrorValue): number {
  if (error instanceof MalformedRequest) return 400;
  if (value.code === "invalid_input") return 422;
  return httpStatus(value.code);
}

/** `2020-12-31 11:22:33 UTC`, or null. */
export function tdTime(date: Date | null | undefined): string | null {
  if (!date) return null;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

async function readText(request: Request): Promise<string> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new MalformedRequest(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new MalformedRequest(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  return text;
}

function readMultipart(request: Request, contentType: string): Promise<Params> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": contentType }, limits: { fieldSize: MAX_BODY_BYTES, fields: 100, files: 10, fileSize: MAX_BODY_BYTES } });
    } catch (error) {
      return reject(new MalformedRequest(`The multipart body cannot be read: ${error instanceof Error ? error.message : error}`));
    }
    const params: Params = {};
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return reject(new MalformedRequest(`${name}: is larger than ${MAX_BODY_BYTES} bytes`));
      params[name] = value;
    });
    // Some clients send every parameter as a file part: read those as text too.
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => reject(new MalformedRequest(`${name}: is larger than ${MAX_BODY_BYTES} bytes`)));
      stream.on("end", () => (params[name] = Buffer.concat(chunks).toString((info.encoding as BufferEncoding) === "base64" ? "base64" : "utf8")));
    });
    parser.on("error", (error: Error) => reject(new MalformedRequest(`The multipart body cannot be read: ${error.message}`)));
    parser.on("close", () => resolve(params));
    if (!request.body) return parser.end();
    Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).on("error", reject).pipe(parser);
  });
}

/** Query-string parameters, overlaid with the body's (form, multipart or JSON). */
export async function readParams(request: Request): Promise<Params> {
  const params: Params = Object.fromEntries(new URL(request.url).searchParams);
  if (request.method === "GET" || request.method === "HEAD") return params;
  const contentType = request.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") return { ...params, ...(await readMultipart(request, contentType)) };
  const text = await readText(request);
  if (!text.trim()) return params;
  if (type === "application/json" || (type === "" && /^\s*\{/.test(text))) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MalformedRequest("The body is not valid JSON.");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new MalformedRequest("The JSON body must be an object of parameters.");
    return { ...params, ...(body as Params) };
  }
  if (type === "application/x-www-form-urlencoded" || type === "" || type === "text/plain") {
    return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
  }
  throw new MalformedRequest(`Unsupported content type "${type.slice(0, 80)}": send form-encoded, multipart or JSON parameters.`);
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

type V3Handler = (request: Request, user: SessionUser, params: Record<string, string>) => Promise<Response | object>;

/** A v3 route handler: API key only, TD's error statuses, path parameters as strings, objects sent as JSON. */
export function v3Route(handler: V3Handler) {
  return defineRoute({ auth: "api-key", status: tdStatus }, async (request, user, context) => {
    const raw = await context.params;
    const params = Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    const result = await handler(request, user, params);
    return result instanceof Response ? result : json(result);
  });
}
