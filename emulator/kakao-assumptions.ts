/**
 * Kakao facts the emulator relies on that could NOT be confirmed from public material
 * (marked "assumed" in /work/shared/kakao-api.md), plus the values the emulator had to invent
 * (detail codes, some KOE codes). Keep them here, in one place, so they are easy to correct once
 * the real behaviour is known. The app's Kakao client keeps its own copy of the client-side facts;
 * the two must agree.
 */

/** Multipart part names of `POST /openapi/v4/customerFiles` (assumed). */
export const UPLOAD_NAME_PART = "name";
export const UPLOAD_FILE_PART = "file";

/**
 * Edit = `PUT /openapi/v4/customerFiles/{id}` with a multipart `file` part and an optional `name`
 * part (method and path assumed).
 */
export const EDIT_METHOD = "PUT";

/**
 * Token info on the kapi host (path documented, shape ASSUMED; built in kapi.ts):
 * `{id: userId, appId, expiresInMillis: number | null, scopes: string[], user: {id, email}, adAccountIds: number[]}`.
 */
export const TOKENINFO_PATH = "/v1/business/tokeninfo";

/** `GET customerFiles/usages/{id}` answers a bare JSON array of ad groups (assumed); the emulator has none. */
export const EMULATED_USAGES: readonly unknown[] = [];

/** Customer-file name length limit, in characters (Unicode code points) (assumed: 50). */
export const MAX_FILE_NAME_CHARS = 50;

/** At most this many customer files per ad account (documented: 50). */
export const MAX_FILES_PER_ACCOUNT = 50;

/** 200 MB per file, in bytes (documented: 200 MB; the product reads it as 209,715,200). */
export const MAX_FILE_BYTES = 209_715_200;

/** Files must have a `.csv` name and this content type (documented: CSV only). */
export const ALLOWED_FILE_EXTENSION = ".csv";
export const ALLOWED_FILE_MIME_TYPES = ["text/csv"] as const;

/**
 * Lines must end with "\n"; a "\r\n" line is counted as a bad line (strict reading of the docs,
 * assumed). A last line without a final "\n" is accepted when it is a UUID.
 */
export const ACCEPT_CRLF = false;

/** Customer-file writes (POST/PUT/DELETE): one request per this many ms per ad account (assumed). */
export const DEFAULT_WRITE_RATE_LIMIT_MS = 5_000;

/**
 * HTTP status of a rejected upload that is too large. Kakao's error table maps -813 to 400; a
 * front proxy might answer 413 instead. Clients should treat both as "do not retry".
 */
export const OVERSIZE_HTTP_STATUS = 400;

/** Status and body of a successful register (assumed: 200 with the created file object). */
export const CREATE_HTTP_STATUS = 200;
/** DELETE answers 200 with an empty body (assumed). */
export const DELETE_HTTP_STATUS = 200;

/**
 * Unknown customer-file id: "404-style" Kakao error. Kakao's table has no 404 row, so this is
 * assumed: HTTP 404 with code -813 and a detailCode.
 */
export const NOT_FOUND_HTTP_STATUS = 404;

/** Dates are `yyyy-MM-dd'T'HH:mm:ss` without offset, in Korea Standard Time (UTC+9, assumed). */
export const DATE_UTC_OFFSET_HOURS = 9;

/** populationScore once extraction finishes = floor(valid lines × this rate) (emulator's choice). */
export const POPULATION_MATCH_RATE = 0.8;

/** Any Moment API call needs one of these scopes, else 403 code -402 with `required_scopes` (assumed). */
export const MOMENT_REQUIRED_SCOPES = ["moment_management"] as const;

/** Business Authentication consent items (documented). */
export const BUSINESS_SCOPES = ["moment_management", "moment_create", "moment_delete"] as const;

/** Scopes in token responses are joined with this separator (assumed; requests may use "," or " "). */
export const TOKEN_RESPONSE_SCOPE_SEPARATOR = " ";

/** Kakao Login lifetimes (documented approximately). */
export const DEFAULT_ACCESS_TOKEN_TTL_SEC = 21_599;
export const DEFAULT_REFRESH_TOKEN_TTL_SEC = 5_183_999; // ~2 months
/** A refresh returns a new refresh token only when the old one has less than this left (~1 month). */
export const REFRESH_ROTATE_WHEN_REMAINING_SEC = 2_592_000;
/**
 * After rotation the old refresh token stops working (assumed; Kakao does not say).
 * The previous access token stays valid until it expires.
 */
export const REVOKE_OLD_REFRESH_ON_ROTATION = true;

/** Authorization codes: single use, 5 minutes (documented ~10 min for Kakao Login; brief says 5). */
export const DEFAULT_CODE_TTL_SEC = 300;

/** OAuth error codes. KOE320/KOE322/KOE006/KOE010/KOE101 follow Kakao's docs; the rest are emulator picks. */
export const KOE = {
  invalidClientId: "KOE101",
  badClientCredentials: "KOE010",
  redirectUriNotRegistered: "KOE006",
  redirectUriMismatch: "KOE303",
  badOrReusedCode: "KOE320",
  badRefreshToken: "KOE322",
  invalidScope: "KOE205",
  invalidRequest: "KOE002", // emulator pick
  unsupportedGrantType: "KOE004", // emulator pick
  invalidCodeChallengeMethod: "KOE009", // emulator pick
} as const;

/**
 * Moment API `extras.detailCode` values. Kakao's real detail codes for these cases are unknown;
 * these are emulator-invented (8xxxx) so nobody mistakes them for real ones.
 */
export const DETAIL = {
  fileTooLarge: 80001,
  nameInvalid: 80002,
  nameDuplicated: 80003,
  badLines: 80004,
  fileMissing: 80005,
  tooManyFiles: 80006,
  emptyFile: 80007,
  notCsv: 80008,
  notFound: 80009,
  tooManyRequests: 80010,
  malformedMultipart: 80011,
} as const;
