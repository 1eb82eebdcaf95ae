/**
 * A multipart project upload (fields `name` or `projectId`, any number of `files`), read with
 * busboy under the archive module's limits; the files become a project revision via saveProject.
 * File names are kept as sent (preservePath), so a folder upload keeps its folders and a name
 * like `../../etc/passwd` reaches projectFiles' check instead of being cut to `passwd`.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { MAX_FILES, MAX_PROJECT_BYTES, projectFiles, type UploadedFile } from "@/lib/workflows/archive";
import { saveProject } from "@/lib/workflows/projects";

async function readMultipart(request: Request): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data") || !request.body) throw new AppError("invalid_input", "files: send the project as multipart/form-data");
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = busboy({ headers: { "content-type": type }, preservePath: true, limits: { files: MAX_FILES, fileSize: MAX_PROJECT_BYTES, fields: 10, fieldSize: 1000 } });
    parser.on("field", (name, value) => (fields[name] = value));
    parser.on("file", (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => reject(new AppError("invalid_input", `files: "${info.filename}" is larger than ${MAX_PROJECT_BYTES / 1_000_000} MB`)));
      stream.on("end", () => files.push({ name: info.filename ?? "", data: Buffer.concat(chunks) }));
    });
    parser.on("filesLimit", () => reject(new AppError("invalid_input", `files: at most ${MAX_FILES} files`)));
    parser.on("error", (error: Error) => reject(new AppError("invalid_input", `files: the upload could not be read (${error.message})`)));
    parser.on("close", resolve);
    Readable.fromWeb(request.body as WebReadableStream<Uint8Array>).pipe(parser);
  });
  return { fields, files };
}

export async function uploadProject(user: SessionUser, request: Request) {
  const { fields, files } = await readMultipart(request);
  const projectId = fields.projectId ? Number(fields.projectId) : undefined;
  if (projectId !== undefined && !(Number.isInteger(projectId) && projectId > 0)) throw new AppError("invalid_input", "projectId: must be a project id");
  return saveProject(user, { projectId, name: fields.name, files: await projectFiles(files.filter((f) => f.name)) });
}
