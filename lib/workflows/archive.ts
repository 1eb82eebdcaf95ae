/**
 * A project upload as files: several files as they are, or one .zip / .tar / .tar.gz (.tgz).
 * Text files only, small (a project is YAML and SQL); one common top folder is stripped.
 */
import { gunzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { unzipSync } from "fflate";
import tar from "tar-stream";
import { AppError } from "@/lib/errors";

export const MAX_FILES = 100;
export const MAX_FILE_BYTES = 1_000_000;
export const MAX_PROJECT_BYTES = 5_000_000;
const PATH = /^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+)*$/;

export interface UploadedFile {
  name: string;
  data: Uint8Array;
}

export function isArchive(name: string): boolean {
  return /\.(zip|tar|tar\.gz|tgz)$/i.test(name);
}

async function untar(data: Uint8Array): Promise<UploadedFile[]> {
  const extract = tar.extract();
  const files: UploadedFile[] = [];
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        total += chunk.length;
        if (total > MAX_PROJECT_BYTES) return reject(new AppError("invalid_input", `files: the archive holds more than ${MAX_PROJECT_BYTES / 1_000_000} MB`));
        chunks.push(chunk);
      });
      stream.on("end", () => {
        if (header.type === "file") files.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", (error) => reject(new AppError("invalid_input", `files: not a readable tar archive (${error.message})`)));
  });
  Readable.from([Buffer.from(data)]).pipe(extract);
  await done;
  return files;
}

async function expand(file: UploadedFile): Promise<UploadedFile[]> {
  const lower = file.name.toLowerCase();
  if (lower.endsWith(".zip")) {
    let entries: Record<string, Uint8Array>;
    try {
      let total = 0;
      entries = unzipSync(file.data, {
        filter: (f) => {
          total += f.originalSize;
          if (total > MAX_PROJECT_BYTES) throw new AppError("invalid_input", `files: the archive holds more than ${MAX_PROJECT_BYTES / 1_000_000} MB`);
          return !f.name.endsWith("/");
        },
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("invalid_input", `files: "${file.name}" is not a readable zip archive`);
    }
    return Object.entries(entries).map(([name, data]) => ({ name, data }));
  }
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
    let data: Uint8Array;
    try {
      data = gunzipSync(file.data, { maxOutputLength: MAX_PROJECT_BYTES + 1_000_000 });
    } catch {
      throw new AppError("invalid_input", `files: "${file.name}" is not a readable .tar.gz archive`);
    }
    return untar(data);
  }
  return untar(file.data);
}

/** The project's files as { path: text }: archives expanded, folders stripped, limits checked. */
export async function projectFiles(uploaded: UploadedFile[]): Promise<Record<string, string>> {
  let all: UploadedFile[] = [];
  for (const file of uploaded) all.push(...(isArchive(file.name) ? await expand(file) : [file]));
  // A name that climbs out of the project (`../x`, `/etc/x`, `C:\x`) is refused, not quietly left out with the dotfiles.
  const climbing = all.find((f) => /^([/\\]|[A-Za-z]:)/.test(f.name) || f.name.split(/[/\\]/).includes(".."));
  if (climbing) throw new AppError("invalid_input", `files: "${climbing.name.slice(0, 200)}" is not an allowed file name (letters, digits, _ . - and folders)`);
  // Leave out what archivers add (macOS resource forks, dotfiles, folders).
  all = all.filter((f) => !f.name.split("/").some((part) => part.startsWith(".") || part === "__MACOSX") && !f.name.endsWith("/"));
  const names = all.map((f) => f.name.replace(/^\.\//, ""));
  const tops = new Set(names.map((n) => (n.includes("/") ? n.split("/")[0] : "")));
  const strip = tops.size === 1 && !tops.has("") ? `${[...tops][0]}/` : "";
  if (all.length === 0) throw new AppError("invalid_input", "files: choose the workflow's .dig file and the .sql files it uses (or one .zip / .tar.gz of them)");
  if (all.length > MAX_FILES) throw new AppError("invalid_input", `files: a project holds at most ${MAX_FILES} files`);
  const files: Record<string, string> = {};
  let total = 0;
  all.forEach((file, i) => {
    const path = names[i]!.slice(strip.length);
    if (!PATH.test(path) || path.split("/").includes("..")) throw new AppError("invalid_input", `files: "${path}" is not an allowed file name (letters, digits, _ . - and folders)`);
    if (file.data.byteLength > MAX_FILE_BYTES) throw new AppError("invalid_input", `files: "${path}" is larger than ${MAX_FILE_BYTES / 1_000_000} MB`);
    total += file.data.byteLength;
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(file.data);
    } catch {
      throw new AppError("invalid_input", `files: "${path}" is not a UTF-8 text file`);
    }
    if (path in files) throw new AppError("invalid_input", `files: "${path}" was given twice`);
    files[path] = text;
  });
  if (total > MAX_PROJECT_BYTES) throw new AppError("invalid_input", `files: a project holds at most ${MAX_PROJECT_BYTES / 1_000_000} MB`);
  return files;
}
