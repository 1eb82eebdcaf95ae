/**
 * Customer-file names (SPEC §3). Pure.
 * - Register splits an export over 200 MB into files `NAME`, `NAME_2`, `NAME_3`, … (the first keeps
 *   the name; the second and later get `_{index}`, index counting from 1 for the first).
 * - The form allows 1–50 characters (SPEC); Kakao's own limit is unknown, so it is the setting
 *   KAKAO_FILE_NAME_MAX_CHARS (default 50), passed in as `limit`. Characters are Unicode code
 *   points like the emulator counts them (`[...name].length`): "한글" is 2, an emoji is 1. A name
 *   that exceeds the limit once suffixed is an error before upload, never a truncation.
 *
 * Knowing the last suffix before the first upload: the spool hands out chunk i only once it knows
 * whether chunk i+1 exists, so the caller can check name i+1 before uploading chunk i. Only names
 * within two characters of the limit can still fail midway (when `_9` becomes `_10`);
 * `maxFilesForName` tells the caller when that can happen, so it can spool everything first.
 */
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { MAX_CUSTOMER_FILE_NAME_CHARS, MAX_FILES_PER_ACCOUNT } from "@/lib/kakao/assumptions";

/** Length in Unicode code points (what Kakao — and the emulator — count as characters). */
export function nameLength(name: string): number {
  let n = 0;
  for (const _ of name) n++;
  return n;
}

/** C0 and C1 control characters (and DEL). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The form's Customer File Name: trimmed, then 1–50 characters (code points), no control
 * characters. Output is the trimmed name.
 */
export const customerFileNameSchema = z
  .string({ error: "Customer File Name is required" })
  .trim()
  .min(1, "Customer File Name is required")
  .refine((name) => nameLength(name) <= MAX_CUSTOMER_FILE_NAME_CHARS, {
    message: `Customer File Name must be at most ${MAX_CUSTOMER_FILE_NAME_CHARS} characters`,
  })
  .refine((name) => !CONTROL.test(name), { message: "Customer File Name must not contain control characters (tabs, line breaks…)" });

/** The name of file `index` (1-based) of an export named `base`: NAME, NAME_2, NAME_3, … */
export function chunkFileName(base: string, index: number): string {
  if (!Number.isInteger(index) || index < 1) throw new Error(`chunkFileName: index must be a positive integer (got ${index})`);
  return index === 1 ? base : `${base}_${index}`;
}

/** Throws (AppError invalid_input) when file `index` of `base` would exceed the name limit. */
export function assertChunkNameFits(base: string, index: number, totalFiles?: number, limit: number = MAX_CUSTOMER_FILE_NAME_CHARS): string {
  const name = chunkFileName(base, index);
  const length = nameLength(name);
  if (length > limit) {
    const baseMax = limit - (length - nameLength(base));
    throw new AppError(
      "invalid_input",
      `The customer file name "${name}" would be ${length} characters; Kakao allows at most ${limit} (setting KAKAO_FILE_NAME_MAX_CHARS). ` +
        `The export needs ${totalFiles ?? `at least ${index}`} files (${base}, ${chunkFileName(base, 2)}, …), so the Customer File Name "${base}" (${nameLength(base)} characters) must be at most ${baseMax} characters. Nothing was uploaded for it.`,
      { fileName: `at most ${baseMax} characters for ${totalFiles ?? index} files` },
    );
  }
  return name;
}

/** All names for an export of `count` files, checked against the limit first (none is truncated). */
export function chunkFileNames(base: string, count: number, limit: number = MAX_CUSTOMER_FILE_NAME_CHARS): string[] {
  const names: string[] = [];
  // The longest name is the last one: checking it first fails before anything is built.
  if (count >= 1) assertChunkNameFits(base, count, count, limit);
  for (let i = 1; i <= count; i++) names.push(chunkFileName(base, i));
  return names;
}

/**
 * How many files an export named `base` can have before a suffixed name exceeds the limit
 * (capped at MAX_FILES_PER_ACCOUNT, which no export can exceed anyway). 0 when `base` itself is too long.
 */
export function maxFilesForName(base: string, limit: number = MAX_CUSTOMER_FILE_NAME_CHARS): number {
  const room = limit - nameLength(base);
  if (room < 0) return 0;
  if (room < 2) return 1; // "_2" does not fit
  // With `room` characters left, the suffix "_" + digits can hold room-1 digits.
  const digits = room - 1;
  return Math.min(MAX_FILES_PER_ACCOUNT, 10 ** Math.min(digits, 15) - 1);
}
