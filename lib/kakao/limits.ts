/**
 * Kakao Moment customer-file limits the export obeys, in one place. Those marked "assumed" could
 * not be confirmed from public material (shared kakao-api.md); emulator/kakao-assumptions.ts mirrors
 * them (MAX_FILE_NAME_CHARS, MAX_FILE_BYTES, MAX_FILES_PER_ACCOUNT, DEFAULT_WRITE_RATE_LIMIT_MS) and
 * the two must agree.
 */

/** 200 MB per customer file, read as 209,715,200 bytes (documented: 200 MB per register request). */
export const MAX_FILE_BYTES = 209_715_200;

/** Customer File Name: at most this many characters, counted as Unicode code points (assumed: 50). */
export const MAX_CUSTOMER_FILE_NAME_CHARS = 50;

/** At most this many customer files per ad account (documented). */
export const MAX_FILES_PER_ACCOUNT = 50;

/** Customer-file writes (POST/PUT/DELETE): plan for one request per 5 s per ad account (assumed). */
export const DEFAULT_WRITE_INTERVAL_MS = 5_000;
