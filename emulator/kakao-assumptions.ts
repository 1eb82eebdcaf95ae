/**
 * Every Kakao fact the emulator relies on, in one place, each graded as in /work/shared/kakao-api.md
 * (revised 2026-12-03):
 *
 *   [doc]      Kakao's own developer documentation
 *   [measured] a public project that called the real API and wrote down what it saw
 *   [2nd]      a secondary summary of the docs
 *   [unknown]  not found anywhere: a guess, to be corrected at first contact with real Kakao
 *   [emulator] the emulator's own invention (no Kakao claim at all: detail codes, timings, …)
 *
 * The still-unknown facts that a client must be able to get wrong are also FLIPPABLE at run time
 * (see {@link EmulatorFacts}, `EmulatorOptions.facts`, `EMULATOR_FACTS` and `/__emulator/facts`):
 * the constants below are their defaults. The app's Kakao client keeps its own copy of the
 * client-side facts (lib/kakao); the two must agree on the defaults.
 */

// ---------------------------------------------------------------------------------------------
// Customer-file upload

/** [unknown] Text part holding the file name in register/edit multipart ("part names … [unknown]"). */
export const UPLOAD_NAME_PART = "name";
/** [unknown] File part holding the CSV in register/edit multipart ("part names … [unknown]"). */
export const UPLOAD_FILE_PART = "file";

/** [unknown] Method of the edit call ("edit / replace contents **[unknown]**"); see {@link EDIT_CALL}. */
export const EDIT_METHOD = "PUT";
/**
 * [unknown] The edit call, as "METHOD /path/with/{id}": multipart with the file part and an optional
 * name part. The public list of customer-file calls has no edit call; Treasure Data's connector
 * offers Edit, so some call exists. `null` (as a fact) = no edit call.
 */
export const EDIT_CALL: string | null = `${EDIT_METHOD} /openapi/v4/customerFiles/{id}`;

/** [unknown] Customer-file name length limit, in characters (Unicode code points) ("name length [unknown]"). */
export const MAX_FILE_NAME_CHARS = 50;

/** [2nd] At most this many customer files per ad account ("at most 50 customer files per ad account [2nd]"). */
export const MAX_FILES_PER_ACCOUNT = 50;

/** [2nd] 200 MB per file, in bytes ("up to 10 files, 200 MB in total, per request" [2nd]; read as 209,715,200). */
export const MAX_FILE_BYTES = 209_715_200;

/** [2nd] Files must have a `.csv` name ("CSV only" [2nd]). */
export const ALLOWED_FILE_EXTENSION = ".csv";
/** [emulator] …and this content type (Kakao names no content type; the emulator demands text/csv). */
export const ALLOWED_FILE_MIME_TYPES = ["text/csv"] as const;

/**
 * [unknown] Lines must end with "\n"; a "\r\n" line is counted as a bad line ("line ends [unknown]";
 * the emulator reads the docs strictly). A last line without a final "\n" is accepted when it is a UUID.
 */
export const ACCEPT_CRLF = false;

/**
 * [unknown] Customer-file writes (POST/PUT/DELETE): one request per this many ms per ad account
 * ("customer-file writes [unknown] (plan for 1 per 5 s per ad account)"). Flippable: `writeIntervalMs`.
 */
export const DEFAULT_WRITE_RATE_LIMIT_MS = 5_000;

/**
 * [unknown] HTTP status of a rejected upload that is too large. Kakao's error table maps -813 to 400 [doc];
 * a front proxy might answer 413 instead ("whether 413 or 400" is not documented).
 */
export const OVERSIZE_HTTP_STATUS = 400;

/** [unknown] HTTP status of a successful register ("the answer's shape [unknown]"). */
export const CREATE_HTTP_STATUS = 200;
/**
 * [unknown] Body of a successful register: "file" = the created customer-file object, "empty" = `{}`
 * ("the answer's shape [unknown]"). Flippable: `registerAnswer`.
 */
export const REGISTER_ANSWER: "file" | "empty" = "file";

/** [unknown] DELETE answers this status with an empty body (the delete call is [2nd]; its answer is not described). */
export const DELETE_HTTP_STATUS = 200;

/**
 * [emulator] A deleted file stays listed with `customerFileStatus: "DELETE"` this long, then disappears.
 * ("`DELETE` deleted or being deleted — it may still be listed" [doc]; for how long: [unknown].)
 */
export const DEFAULT_DELETE_LINGER_MS = 60_000;

/**
 * [unknown] Unknown customer-file id (or one in another ad account, or deleted): Kakao's table has no
 * 404 row, so the emulator answers the generic `-813 KakaoMomentException` with HTTP 400 and a
 * detailCode ({@link DETAIL}.notFound, invented: "customer-file detail codes [unknown]").
 */
export const UNKNOWN_FILE_HTTP_STATUS = 400;

/**
 * [emulator] An unknown path, or a known path with a method it does not serve (e.g. the old edit route
 * once `editCall` moved): 404 with `{code:-3, msg:"unsupported API"}`. Code -3 is [doc] ("unsupported
 * API or feature not enabled", listed with HTTP 400); the 404 for a path that does not exist is the emulator's.
 */
export const UNKNOWN_PATH_HTTP_STATUS = 404;
/** [doc] `msg` of code -3 ("unsupported API or feature not enabled"; Kakao's exact wording [unknown]). */
export const UNSUPPORTED_API_MSG = "unsupported API";

/**
 * [unknown] Dates are `yyyy-MM-dd'T'HH:mm:ss` without offset [doc], written in this UTC offset (hours);
 * which time zone Kakao uses is not documented (KST is the guess). Flippable: `dateUtcOffsetHours`.
 */
export const DATE_UTC_OFFSET_HOURS = 9;

/** [emulator] populationScore once extraction finishes = floor(valid lines × this rate). */
export const POPULATION_MATCH_RATE = 0.8;

/** [2nd] `GET customerFiles/usages/{id}` lists the ad groups that target the file [2nd]; [emulator]: it has none. */
export const EMULATED_USAGES: readonly unknown[] = [];

// ---------------------------------------------------------------------------------------------
// Moment API responses

/** [doc] `GET /openapi/v4/adAccounts/pages` names the page number `page`. Flippable: `adAccountsPageField`. */
export const ADACCOUNTS_PAGE_FIELD = "page";

/**
 * [2nd] A Moment call needs this consent item ("`moment_management` (read and state changes)" [2nd]);
 * without it: 403 code -402 with `required_scopes` [doc].
 */
export const MOMENT_REQUIRED_SCOPES = ["moment_management"] as const;

/**
 * [measured] Moment refuses Kakao Login tokens: 401 with this body ("target biz token is not supplied.",
 * two public projects, Sept 2026). Also answered by `/v1/business/tokeninfo`.
 */
export const LOGIN_TOKEN_REFUSED = { status: 401, code: -401, msg: "target biz token is not supplied." } as const;

/** [doc] Call quota exceeded: 400 `{"code":-10,"msg":"API limit has been exceeded.","extras":{}}`. */
export const API_LIMIT_MSG = "API limit has been exceeded.";
/** [doc] `-813` without a known detailCode: Kakao Moment's internal error, "try again later". */
export const INTERNAL_ERROR_DETAIL_MSG = "internal error, try again later";
/** [doc] `-813` with HTTP 403: no permission, detailCode 9004 "권한이 없습니다." (error table: "seen"). */
export const NO_PERMISSION_DETAIL = { detailCode: 9004, detailMsg: "권한이 없습니다." } as const;

// ---------------------------------------------------------------------------------------------
// Token info (kapi host)

/** [doc] Token info path on the kapi host. */
export const TOKENINFO_PATH = "/v1/business/tokeninfo";
/**
 * [2nd] Name of the user-id field in token info ("field names [unknown] (hints: `token_user_id` …) [2nd]").
 * The documented token id is answered as `id` (name [unknown]), a number that never equals a user id.
 * Flippable: `tokenInfoUserIdField`.
 */
export const TOKENINFO_USER_ID_FIELD = "token_user_id";
/** [2nd] Token info's consent list: `biz_agreements: [{scope_group: "MOMENT", ad_account_ids}]` (hint [2nd]). */
export const BIZ_AGREEMENT_SCOPE_GROUP = "MOMENT";
/** [emulator] Token ids are this + a per-emulator counter, far from any seeded user id. */
export const TOKEN_ID_BASE = 8_000_000_000;

// ---------------------------------------------------------------------------------------------
// OAuth

/**
 * [2nd] Business Authentication consent items ("`moment_management`, `moment_create`, `moment_delete`"
 * [2nd]; `moment_bizform_result_read`, `keyword_create` exist but are not in the emulator's seed).
 */
export const BUSINESS_SCOPES = ["moment_management", "moment_create", "moment_delete"] as const;

/** [measured] A business authorize whose `scope` holds one of these needs `resource_ids` (else KOE233). */
export const RESOURCE_IDS_REQUIRED_FOR = ["moment_create"] as const;
/**
 * [measured] One `resource_ids` entry: `ScopeGroup:ResourceId`, e.g. `moment:*` (measured) or
 * `moment:27429`. The exact grammar is [emulator] (lower-case group, `*` or digits).
 */
export const RESOURCE_ID_ENTRY = /^[a-z_]+:(\*|\d+)$/;

/**
 * [unknown] Whether the business authorize endpoint accepts PKCE (`code_challenge`): nothing public shows
 * it accepted. The emulator accepts it (and then checks `code_verifier`); false would answer KOE233.
 */
export const BUSINESS_AUTHORIZE_ACCEPTS_PKCE = true;

/** [unknown] Scopes in token responses are joined with this separator (requests use "," [2nd]; " " also accepted). */
export const TOKEN_RESPONSE_SCOPE_SEPARATOR = " ";

/** [doc] Kakao Login access-token lifetime, ~6 h (`expires_in` ≈ 21599). */
export const DEFAULT_ACCESS_TOKEN_TTL_SEC = 21_599;
/** [doc] Kakao Login refresh-token lifetime, ~2 months. */
export const DEFAULT_REFRESH_TOKEN_TTL_SEC = 5_183_999;
/** [doc] A refresh returns a new refresh token only when the old one has less than this left (~1 month). */
export const REFRESH_ROTATE_WHEN_REMAINING_SEC = 2_592_000;
/**
 * [doc] After rotation the old refresh token stops working ("the old one then expires" [doc/devtalk]).
 * The previous access token stays valid until it expires ([emulator]).
 */
export const REVOKE_OLD_REFRESH_ON_ROTATION = true;

/** [emulator] Authorization codes: single use, 5 minutes (the evidence gives no lifetime). */
export const DEFAULT_CODE_TTL_SEC = 300;

/**
 * OAuth error codes (`error_code` in token answers and authorize redirects, or shown on the error page).
 * Grade per entry.
 */
export const KOE = {
  /** [doc] bad app key (business-auth trouble-shooting: KOE101). */
  invalidClientId: "KOE101",
  /** [emulator] wrong or missing client_secret (not in the evidence). */
  badClientCredentials: "KOE010",
  /** [doc] unregistered redirect URI, Kakao Login. */
  redirectUriNotRegistered: "KOE006",
  /** [doc] unregistered business redirect URI (trouble-shooting: KOE028). */
  businessRedirectUriNotRegistered: "KOE028",
  /** [emulator] redirect_uri differs from the authorize one. */
  redirectUriMismatch: "KOE303",
  /** [doc] bad or reused code. */
  badOrReusedCode: "KOE320",
  /** [doc] expired or invalid refresh token. */
  badRefreshToken: "KOE322",
  /** [emulator] unknown scope on Kakao Login. */
  invalidScope: "KOE205",
  /** [doc] consent item not permitted or not configured (business). */
  businessScopeNotConfigured: "KOE232",
  /** [doc] unsupported parameter; [measured] also a missing `resource_ids`. */
  unsupportedParameter: "KOE233",
  /** [doc] bad `response_type`. */
  badResponseType: "KOE201",
  /** [emulator] malformed request. */
  invalidRequest: "KOE002",
  /** [emulator] unsupported grant_type. */
  unsupportedGrantType: "KOE004",
  /** [emulator] bad code_challenge_method. */
  invalidCodeChallengeMethod: "KOE009",
} as const;

/**
 * Authorize errors a test can force with `POST /__emulator/authorize-error` [doc, business-auth/trouble-shooting]:
 * the OAuth `error` each one is redirected with ([unknown]: Kakao documents the codes, not the
 * `error` values) and an English `error_description` ([emulator] wording; Kakao's is Korean/English).
 */
export const FORCEABLE_AUTHORIZE_ERRORS = {
  KOE025: { error: "access_denied", description: "KOE025: the user has not signed up for Kakao Business" },
  KOE026: { error: "access_denied", description: "KOE026: this Kakao account is not eligible for Business Authentication" },
  KOE027: { error: "access_denied", description: "KOE027: the user has no business assets to consent to" },
  KOE028: { error: "invalid_request", description: "KOE028: redirect_uri is not registered for Business Authentication" },
  KOE123: { error: "unauthorized_client", description: "KOE123: this app is not a Biz app" },
  KOE124: { error: "unauthorized_client", description: "KOE124: this app does not have the permission for Business Authentication" },
  KOE232: { error: "invalid_scope", description: "KOE232: the consent item is not permitted or not configured for this app" },
  KOE233: { error: "invalid_request", description: "KOE233: unsupported parameter" },
  KOE003: { error: "temporarily_unavailable", description: "KOE003: temporary error, try again later" },
  access_denied: { error: "access_denied", description: "User denied access" },
} as const;
export type ForceableAuthorizeError = keyof typeof FORCEABLE_AUTHORIZE_ERRORS;

/**
 * [emulator] Moment API `extras.detailCode` values for the emulator's own refusals. Kakao's real
 * customer-file detail codes are [unknown]; these are invented (8xxxx) so nobody mistakes them for real ones.
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

// ---------------------------------------------------------------------------------------------
// Flippable facts

/**
 * The still-unknown Kakao facts a test (or the product's "Kakao doctor") can flip at run time.
 * Defaults: {@link DEFAULT_FACTS}; running values: the store (`GET/POST/DELETE /__emulator/facts`).
 */
export interface EmulatorFacts {
  /** Text part with the file name (register/edit). Default {@link UPLOAD_NAME_PART}. */
  uploadNamePart: string;
  /** File part with the CSV (register/edit). Default {@link UPLOAD_FILE_PART}. */
  uploadFilePart: string;
  /** What a successful register answers: the file object, or `{}`. Default {@link REGISTER_ANSWER}. */
  registerAnswer: "file" | "empty";
  /** "METHOD /path/with/{id}" of the edit call, or null = there is none. Default {@link EDIT_CALL}. */
  editCall: string | null;
  /** Longest accepted file name, in characters. Default {@link MAX_FILE_NAME_CHARS}. */
  maxFileNameChars: number;
  /** UTC offset (hours) of `yyyy-MM-dd'T'HH:mm:ss` dates. Default {@link DATE_UTC_OFFSET_HOURS}. */
  dateUtcOffsetHours: number;
  /** Token info's user-id field. Default {@link TOKENINFO_USER_ID_FIELD}. */
  tokenInfoUserIdField: string;
  /** Ad-account pages' page-number field. Default {@link ADACCOUNTS_PAGE_FIELD}. */
  adAccountsPageField: string;
  /** Customer-file write interval per ad account (ms); null = the `rateLimitMs` option. Default null. */
  writeIntervalMs: number | null;
}

/**
 * Defaults of the flippable facts: each carries the grade of the constant it takes ([unknown] or
 * [2nd]/[doc] above); `writeIntervalMs: null` ([emulator]) means "use the rateLimitMs option".
 */
export const DEFAULT_FACTS: Readonly<EmulatorFacts> = Object.freeze({
  uploadNamePart: UPLOAD_NAME_PART,
  uploadFilePart: UPLOAD_FILE_PART,
  registerAnswer: REGISTER_ANSWER,
  editCall: EDIT_CALL,
  maxFileNameChars: MAX_FILE_NAME_CHARS,
  dateUtcOffsetHours: DATE_UTC_OFFSET_HOURS,
  tokenInfoUserIdField: TOKENINFO_USER_ID_FIELD,
  adAccountsPageField: ADACCOUNTS_PAGE_FIELD,
  writeIntervalMs: null,
});
