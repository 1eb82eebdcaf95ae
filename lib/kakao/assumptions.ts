/**
 * Every fact about Kakao that the client relies on, in one place, each graded as in
 * shared/kakao-api.md: [doc] Kakao's own documentation, [measured] seen by a public project that
 * called the real API, [2nd] a secondary summary, [unknown] found nowhere. A fact that is not
 * [doc] is a setting (lib/env.ts), so a first contact with real Kakao can correct it without a
 * code change; `kakao:doctor` (lib/kakao/doctor.ts) compares each with what Kakao answers.
 * emulator/kakao-assumptions.ts mirrors the same facts on the emulator's side.
 */
import { env, type Env } from "@/lib/env";

export type Grade = "doc" | "measured" | "2nd" | "unknown";

/** 200 MB per customer file, read as 209,715,200 bytes [2nd: "200 MB in total per request"]. */
export const MAX_FILE_BYTES = 209_715_200;

/** At most this many customer files per ad account [2nd]. Files in status DELETE do not count. */
export const MAX_FILES_PER_ACCOUNT = 50;

/**
 * The Export Results field rule (SPEC: 1–50 characters). Kakao's own limit is the setting
 * KAKAO_FILE_NAME_MAX_CHARS, checked before upload on the suffixed names.
 */
export const MAX_CUSTOMER_FILE_NAME_CHARS = 50;

/** Customer-file writes: plan for one per 5 s per ad account [unknown; KAKAO_WRITE_INTERVAL_MS]. */
export const DEFAULT_WRITE_INTERVAL_MS = 5_000;

/** Extraction completes within 6 hours of registering [doc]; we poll for 7 before giving up. */
export const EXTRACTION_HOURS = 6;
export const EXTRACTION_POLL_HOURS = 7;

/** Customer-file statuses [doc]; DELETE = deleted or being deleted, possibly still listed. */
export const CUSTOMER_FILE_STATUSES = ["WAITING", "COMPLETE", "MODIFYING", "DELETE", "ERROR"] as const;

/** `adAccounts/pages` names its page number `page` [doc]. */
export const AD_ACCOUNT_PAGE_FIELD = "page";

/** `GET customerFiles` answers a bare JSON array [doc]. */
export const CUSTOMER_FILES_PATH = "/openapi/v4/customerFiles";

/** Ad groups that target a file: `GET customerFiles/usages/{id}` [2nd]. */
export const USAGES_PATH = "/openapi/v4/customerFiles/usages/{id}";

/** Token info on the API host [doc: path; field names unknown]. */
export const TOKEN_INFO_PATH = "/v1/business/tokeninfo";

/** Kakao takes CSV only: the part's file name ends in .csv, its type text/csv [doc]. */
export const FILE_EXTENSION = ".csv";
export const FILE_CONTENT_TYPE = "text/csv";

/** Moment `extras.detailCode`s that name a problem [doc]: 6003/21006 no such ad account, 9004 no permission. */
export const KNOWN_DETAIL_CODES = [6003, 21006, 9004] as const;

/** A -813/400 without a detail code is Kakao's "internal error, try again later": at most this many attempts. */
export const TRANSIENT_TRIES = 3;

/** One fact the client assumes, as the doctor and the error messages name it. */
export interface Fact<T = unknown> {
  /** What it is, in words. */
  fact: string;
  /** The environment variable that holds it (null: documented, not a setting). */
  setting: keyof Env | null;
  grade: Grade;
  value: T;
}

/** The facts as this process is configured. */
export function kakaoFacts(e: Env = env()) {
  const scopes = e.KAKAO_SCOPES.split(",");
  return {
    scopes: { fact: "consent items asked for (scope)", setting: "KAKAO_SCOPES", grade: "2nd", value: scopes } satisfies Fact<string[]>,
    resourceIds: { fact: "resource_ids sent with moment_create", setting: "KAKAO_RESOURCE_IDS", grade: "measured", value: e.KAKAO_RESOURCE_IDS } satisfies Fact<string>,
    pkce: { fact: "PKCE on Business authorize", setting: "KAKAO_PKCE", grade: "unknown", value: e.KAKAO_PKCE === "on" } satisfies Fact<boolean>,
    tokenInfoUserIdField: { fact: "token info: field with the Kakao user id", setting: "KAKAO_TOKENINFO_USER_ID_FIELD", grade: "unknown", value: e.KAKAO_TOKENINFO_USER_ID_FIELD } satisfies Fact<string>,
    uploadNamePart: { fact: "register: multipart part with the name", setting: "KAKAO_UPLOAD_NAME_PART", grade: "unknown", value: e.KAKAO_UPLOAD_NAME_PART } satisfies Fact<string>,
    uploadFilePart: { fact: "register/edit: multipart part with the file", setting: "KAKAO_UPLOAD_FILE_PART", grade: "unknown", value: e.KAKAO_UPLOAD_FILE_PART } satisfies Fact<string>,
    registerAnswer: { fact: "register: the answer carries the customer file", setting: "KAKAO_REGISTER_ANSWER", grade: "unknown", value: e.KAKAO_REGISTER_ANSWER } satisfies Fact<"file" | "empty">,
    editCall: { fact: "edit: method and path that replace a file's contents", setting: "KAKAO_EDIT_CALL", grade: "unknown", value: parseEditCall(e.KAKAO_EDIT_CALL) } satisfies Fact<EditCall | null>,
    fileNameMaxChars: { fact: "customer file name: most characters", setting: "KAKAO_FILE_NAME_MAX_CHARS", grade: "unknown", value: e.KAKAO_FILE_NAME_MAX_CHARS } satisfies Fact<number>,
    writeIntervalMs: { fact: "customer-file writes: one per this many ms per ad account", setting: "KAKAO_WRITE_INTERVAL_MS", grade: "unknown", value: e.KAKAO_WRITE_INTERVAL_MS } satisfies Fact<number>,
    dateUtcOffsetHours: { fact: "dates without an offset are in UTC+N", setting: "KAKAO_DATE_UTC_OFFSET_HOURS", grade: "unknown", value: e.KAKAO_DATE_UTC_OFFSET_HOURS } satisfies Fact<number>,
  } as const;
}

export type KakaoFacts = ReturnType<typeof kakaoFacts>;

export interface EditCall {
  method: string;
  /** With `{id}` where the customer file's id goes. */
  path: string;
}

export function parseEditCall(raw: string): EditCall | null {
  if (raw === "none") return null;
  const [method, path] = raw.split(" ");
  return { method: method!, path: path! };
}

/** `KAKAO_X="value"` for messages that tell which setting a call relied on. */
export function settingText(f: Fact): string {
  const v = f.value;
  const shown = v === null ? "none" : typeof v === "object" && "method" in (v as object) ? `${(v as EditCall).method} ${(v as EditCall).path}` : Array.isArray(v) ? v.join(",") : String(v);
  return `${f.setting}=${typeof v === "number" ? shown : `"${shown}"`}`;
}
