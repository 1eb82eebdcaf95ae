/**
 * Typed configuration: every environment variable the product reads, validated once.
 * Defaults describe the zero-setup embedded mode (embedded PostgreSQL, Kakao emulator).
 */
import { z } from "zod";

const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(fallback);

const postgresUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgresql:" || url.protocol === "postgres:") && url.hostname !== "" && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, "must be a URL like postgresql://user:password@host:5432/database")
  .optional();

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: port(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Public base URL of the console; OAuth redirect URIs are built from it. */
  PUBLIC_URL: httpUrl.optional(),
  /** App database (users, tokens, jobs). Unset: an embedded PostgreSQL is started. */
  DATABASE_URL: postgresUrl,
  /** Warehouse database (customer data that queries read). Unset: `kakao_warehouse` on the app's server. */
  WAREHOUSE_DATABASE_URL: postgresUrl,
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: port(54329),
  /** Signs session cookies. Unset: generated once and kept in DATA_DIR/secrets.json. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ADMIN_EMAIL: z.email("must be an e-mail address").default("admin@example.com"),
  /** Admin password on first start. Unset: one is generated and printed once. */
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Kakao hosts. Unset: the bundled emulator on EMULATOR_PORT is started and used. */
  KAKAO_AUTH_URL: httpUrl.optional(),
  KAKAO_API_URL: httpUrl.optional(),
  KAKAO_MOMENT_URL: httpUrl.optional(),
  /** The Kakao app's REST API key (client_id). */
  KAKAO_CLIENT_ID: z.string().min(1).default("emulator-client-id"),
  /** The REST API key's Kakao Login client secret: used for Business Authentication only when KAKAO_BUSINESS_CLIENT_SECRET is unset. */
  KAKAO_CLIENT_SECRET: z.string().min(1).optional(),
  /** The REST API key's Business Authentication client secret (its own, beside the Kakao Login one). */
  KAKAO_BUSINESS_CLIENT_SECRET: z.string().min(1).optional(),
  /**
   * Removed: Kakao Moment refuses Kakao Login tokens (401 "target biz token is not supplied."), so
   * Business Authentication is the only flow. Accepted as "business" so old configurations start.
   */
  KAKAO_AUTH_FLOW: z
    .enum(["business"], { error: 'must be "business" or unset: Kakao Moment refuses Kakao Login tokens (401 "target biz token is not supplied."), so the login flow was removed' })
    .optional(),
  /** Consent items asked for on Business authorize, comma-separated (kakao-api.md: customer files need these three). */
  KAKAO_SCOPES: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be consent items separated by commas, e.g. moment_management,moment_create,moment_delete")
    .default("moment_management,moment_create,moment_delete"),
  /** `resource_ids` sent with the scopes (Kakao answers KOE233 without it when moment_create is asked). */
  KAKAO_RESOURCE_IDS: z
    .string()
    .regex(/^[a-z_]+:(\*|\d+)(,[a-z_]+:(\*|\d+))*$/, "must be ScopeGroup:ResourceId entries separated by commas, e.g. moment:*")
    .default("moment:*"),
  /** PKCE on Business authorize: undocumented there (an unsupported parameter is KOE233), so off unless turned on. */
  KAKAO_PKCE: z.enum(["on", "off"], { error: "must be on or off" }).default("off"),
  /** The token-info field that holds the Kakao user id (the answer also carries a token id: never read that). */
  KAKAO_TOKENINFO_USER_ID_FIELD: z
    .string()
    .regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, "must be a field name (a.b for a nested one)")
    .default("token_user_id"),
  /** Multipart part names of a customer-file register/edit request (unknown: one setting each). */
  KAKAO_UPLOAD_NAME_PART: z.string().regex(/^[A-Za-z_][\w-]*$/, "must be a multipart part name").default("name"),
  KAKAO_UPLOAD_FILE_PART: z.string().regex(/^[A-Za-z_][\w-]*$/, "must be a multipart part name").default("file"),
  /** What Kakao answers to a register: `file` (the created customer file) or `empty` (no file object: it is looked up by name). */
  KAKAO_REGISTER_ANSWER: z.enum(["file", "empty"], { error: "must be file or empty" }).default("file"),
  /** The call that replaces a customer file's contents, `METHOD /path/{id}`, or `none` when Kakao has none. */
  KAKAO_EDIT_CALL: z
    .string()
    .regex(/^(none|(PUT|POST|PATCH) \/[\w/{}.-]*\{id\}[\w/{}.-]*)$/, 'must be "METHOD /path/{id}" (PUT, POST or PATCH) or none')
    .default("PUT /openapi/v4/customerFiles/{id}"),
  /** Kakao's limit on a customer file's name, in characters (unknown). */
  KAKAO_FILE_NAME_MAX_CHARS: z.coerce.number({ error: "must be a number of characters" }).int().min(1).max(1000).default(50),
  /** The UTC offset of the dates Kakao writes without one (`yyyy-MM-dd'T'HH:mm:ss`), in hours. */
  KAKAO_DATE_UTC_OFFSET_HOURS: z.coerce.number({ error: "must be a number of hours" }).int().min(-12).max(14).default(9),
  EMULATOR_PORT: port(3001),
  /**
   * Keys that encrypt Kakao tokens at rest (AES-256-GCM): `id:base64key[,id:base64key…]`, the first
   * encrypts, all decrypt (so keys can rotate). Unset: one is generated into DATA_DIR/secrets.json.
   */
  TOKEN_ENCRYPTION_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/, "must be id:base64key pairs (32-byte keys), comma-separated")
    .optional(),
  /** Customer-file writes per ad account: at most one per this many ms (Kakao's limit is unknown; 0 = off). */
  KAKAO_WRITE_INTERVAL_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(0).default(5000),
  /** Backoff bases for retried Kakao calls (5xx/network, and 429). */
  KAKAO_RETRY_BASE_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1).default(1000),
  KAKAO_RATE_LIMIT_RETRY_BASE_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1).default(5000),
  /** A running job whose worker has not beaten its heartbeat for this long is resumed elsewhere. */
  JOB_LEASE_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1000).default(30_000),
  /** SMTP server for notifications (smtp://user:pass@host:587). Unset: messages stay in the Outbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
  SMTP_FROM: z.string().min(3).default("Kakao Moment Export Hub <no-reply@localhost>"),
  /** Made the admin's API key at start (for automation); `Authorization: TD1 <key>` then acts as the admin. */
  SEED_API_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{20,200}$/, "must be 20-200 printable characters without spaces")
    .optional(),
  /** The v3 API's rate limit: at most API_RATE_LIMIT requests per key in each window of API_RATE_WINDOW_SECONDS. */
  API_RATE_LIMIT: z.coerce.number({ error: "must be a number of requests" }).int().min(1).default(600),
  API_RATE_WINDOW_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(86_400).default(60),
  /** Static egress addresses shown for allow-lists, as JSON: {"Region name": ["203.0.113.10", …]}. */
  EGRESS_IPS: z
    .string()
    .refine((value) => {
      try {
        const parsed = JSON.parse(value);
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((ips) => Array.isArray(ips) && ips.every((ip) => typeof ip === "string"));
      } catch {
        return false;
      }
    }, 'must be JSON like {"Seoul": ["203.0.113.10"]}')
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parse an environment; a bad value throws one line naming the variable and the rule. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === "" ? undefined : v]));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0] ?? "environment");
  const raw = cleaned[name];
  // Secrets (keys, passwords) are never echoed, not even in a start-up error.
  const secret = /KEY|SECRET|PASSWORD/.test(name);
  const shown = raw === undefined || secret ? "" : ` (got "${name.includes("URL") ? redactUrl(raw) : raw}")`;
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
}

let cached: Env | undefined;
/** The validated configuration of this process (parsed on first use, not at import). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Tests that change process.env between cases call this so the next env() re-reads it. */
export function resetEnvCache(): void {
  cached = undefined;
}

/** Whether Kakao calls go to the bundled emulator (no real Kakao host configured). */
export function usesEmulator(e: Env = env()): boolean {
  return !e.KAKAO_AUTH_URL && !e.KAKAO_API_URL && !e.KAKAO_MOMENT_URL;
}

/**
 * With real Kakao hosts configured, the app's own credentials must be given too (the emulator's
 * defaults would only earn a KOE101/KOE028 at the first click): a one-line ConfigError naming what
 * is missing. Reads the raw environment, before npm start injects the emulator's URLs.
 */
export function assertRealKakaoApp(source: Record<string, string | undefined> = process.env): void {
  const given = (name: string) => (source[name] ?? "") !== "";
  if (!["KAKAO_AUTH_URL", "KAKAO_API_URL", "KAKAO_MOMENT_URL"].some(given)) return;
  const missing = [
    given("KAKAO_CLIENT_ID") ? null : "KAKAO_CLIENT_ID (the app's REST API key)",
    given("KAKAO_BUSINESS_CLIENT_SECRET") || given("KAKAO_CLIENT_SECRET") ? null : "KAKAO_BUSINESS_CLIENT_SECRET (the REST API key's Business Authentication client secret)",
  ].filter(Boolean);
  if (missing.length) throw new ConfigError(`Invalid configuration: real Kakao hosts are set (KAKAO_*_URL), so ${missing.join(" and ")} must be set too (README: Against real Kakao)`);
}

export function publicUrl(e: Env = env()): string {
  return (e.PUBLIC_URL ?? `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`).replace(/\/$/, "");
}

/** Hide the password of a connection string before it is printed. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
