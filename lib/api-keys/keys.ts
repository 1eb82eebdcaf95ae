/**
 * API keys for the v3 API and the CLI (`Authorization: TD1 <key>`). A key acts as its user, with
 * that user's role and ownership rules (lib/auth/guard.ts calls authenticateApiKey()).
 *
 * Rules:
 *  - A key is 32 random bytes (base64url) behind a `kmh_` prefix, shown once when created; only its
 *    SHA-256 is stored (a plain hash suffices for 256-bit random secrets: nothing to brute-force).
 *  - Users create and revoke their own keys; admins may revoke anyone's. To anyone else a key does
 *    not exist (not_found). Revoking is final.
 *  - Every authenticated request stamps last-used and counts toward the key's rate limit, in one
 *    UPDATE (a fixed window of API_RATE_WINDOW_SECONDS holding at most API_RATE_LIMIT requests),
 *    so many stateless servers share one limit.
 *  - A disabled user's keys authenticate but are refused (403): the account, not the key, is barred.
 *  - SEED_API_KEY (automation) is made the admin's key at start.
 *  - Keys are never logged: audit entries name the key by id and prefix only.
 */
import crypto from "node:crypto";
import { db, Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { writeAudit } from "@/lib/audit/log";
import { createApiKeySchema, type CreateApiKeyInput } from "@/lib/api-keys/schemas";

export const KEY_PREFIX = "kmh_";
/** Characters of the key kept in clear to tell keys apart (`kmh_` + 6). */
const SHOWN_CHARS = 10;

export const apiKeyView = {
  id: true,
  userId: true,
  user: { select: { email: true } },
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const satisfies Prisma.ApiKeySelect;

export type ApiKeyView = Prisma.ApiKeyGetPayload<{ select: typeof apiKeyView }>;

/** Too many requests with one key: retry after this many seconds. */
export class RateLimited extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super("rate_limited", `Too many requests with this API key; retry in ${retryAfterSeconds} s.`);
    this.name = "RateLimited";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function hashKey(key: string): string {
  return crypto.createHash("sha256").update(key, "utf8").digest("hex");
}

export function generateKey(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString("base64url");
}

export function listApiKeys(user: SessionUser): Promise<ApiKeyView[]> {
  return db.apiKey.findMany({ where: user.role === "admin" ? {} : { userId: user.id }, select: apiKeyView, orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { id: "desc" }] });
}

/** Create a key for the caller; the returned `key` is the only time it exists in clear. */
export async function createApiKey(user: SessionUser, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyView }> {
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const key = generateKey();
  const apiKey = await db.apiKey.create({ data: { userId: user.id, name: parsed.data.name, keyHash: hashKey(key), prefix: key.slice(0, SHOWN_CHARS) }, select: apiKeyView });
  await writeAudit({ actorId: user.id, action: "api_key.create", targetType: "api_key", targetId: String(apiKey.id), details: { name: apiKey.name, prefix: apiKey.prefix } });
  return { key, apiKey };
}

/** Revoke a key: the owner's own, or anyone's for an admin. Revoking a revoked key changes nothing. */
export async function revokeApiKey(user: SessionUser, id: number): Promise<ApiKeyView> {
  const current = Number.isSafeInteger(id) ? await db.apiKey.findUnique({ where: { id }, select: apiKeyView }) : null;
  assertCanUse(user, current?.userId, "API key");
  if (current!.revokedAt) return current!;
  const revoked = await db.apiKey.update({ where: { id }, data: { revokedAt: new Date(), revokedById: user.id }, select: apiKeyView });
  await writeAudit({ actorId: user.id, action: "api_key.revoke", targetType: "api_key", targetId: String(id), details: { name: revoked.name, prefix: revoked.prefix, owner: revoked.user.email } });
  return revoked;
}

/** `Authorization: TD1 <key>` → the key, or null when the header is not a TD1 one. */
export function keyFromAuthorization(header: string | null): string | null {
  const match = header ? /^TD1\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

interface KeyHit {
  user_id: string;
  window_count: number;
  retry_after: number;
}

/**
 * The user a key acts as. Unknown or revoked: 401; disabled user: 403; over the rate limit: 429
 * (RateLimited, with the seconds until the window ends). Times come from the database's clock (in
 * UTC, as Prisma stores them), so every server counts the same window.
 */
export async function authenticateApiKey(key: string): Promise<SessionUser> {
  const { API_RATE_LIMIT: limit, API_RATE_WINDOW_SECONDS: windowSeconds } = env();
  const [hit] = await db.$queryRaw<KeyHit[]>`
    with t as (select (now() at time zone 'utc') as now, make_interval(secs => ${windowSeconds}::float8) as win)
    update api_keys set
      last_used_at = t.now,
      rate_window_start = case when rate_window_start is null or rate_window_start <= t.now - t.win then t.now else rate_window_start end,
      rate_window_count = case when rate_window_start is null or rate_window_start <= t.now - t.win then 1 else rate_window_count + 1 end
    from t
    where key_hash = ${hashKey(key)} and revoked_at is null
    returning user_id, rate_window_count as window_count, extract(epoch from (rate_window_start + t.win - t.now))::float8 as retry_after`;
  if (!hit) throw new AppError("unauthenticated", "The API key is missing, unknown or revoked.");
  const user = await db.user.findUnique({ where: { id: hit.user_id }, select: { id: true, email: true, name: true, role: true, disabled: true } });
  if (!user) throw new AppError("unauthenticated", "The API key is missing, unknown or revoked.");
  if (user.disabled) throw new AppError("forbidden", "The account this API key belongs to is disabled.");
  if (hit.window_count > limit) throw new RateLimited(Math.max(1, Math.ceil(hit.retry_after)));
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * SEED_API_KEY: make that key the admin's (for automation). Idempotent across restarts; a key the
 * environment still names is active again even if it was revoked, because the environment says so.
 */
export async function ensureSeedApiKey(adminEmail: string, key: string): Promise<void> {
  const admin = await db.user.findUniqueOrThrow({ where: { email: adminEmail }, select: { id: true } });
  const keyHash = hashKey(key);
  await db.apiKey.upsert({
    where: { keyHash },
    create: { userId: admin.id, name: "SEED_API_KEY", keyHash, prefix: key.slice(0, Math.min(SHOWN_CHARS, Math.floor(key.length / 3))) },
    update: { userId: admin.id, revokedAt: null, revokedById: null },
  });
}
