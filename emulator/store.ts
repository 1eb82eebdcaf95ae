import { createHash, randomBytes } from "node:crypto";
import type { MemberType, ResolvedOptions, Seed, SeedAdAccount, SeedApp, SeedUser } from "./config";
import { POPULATION_MATCH_RATE, TOKEN_ID_BASE, type EmulatorFacts, type ForceableAuthorizeError } from "./kakao-assumptions";

/** In-memory state of the emulator. Uploaded contents live on disk (see moment.ts). */

export type Flow = "business" | "login";
export type TokenKind = "access" | "refresh";
export type FileStatus = "WAITING" | "COMPLETE" | "MODIFYING" | "DELETE" | "ERROR";

export interface TokenRecord {
  sha256: string;
  /** The token's own id (token info `id`): TOKEN_ID_BASE + a counter, never a user id. */
  tokenId: number;
  kind: TokenKind;
  flow: Flow;
  appId: number;
  clientId: string;
  userId: number;
  scopes: string[];
  issuedAt: number;
  /** null: never expires (Business Authentication). */
  expiresAt: number | null;
  revoked: boolean;
  /** Business authorize `resource_ids` entries (e.g. ["moment:*"]); null when not sent. */
  resourceIds: string[] | null;
}

export interface CodeRecord {
  flow: Flow;
  clientId: string;
  redirectUri: string;
  userId: number;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  resourceIds: string[] | null;
}

/** An authorize request between the login page and the consent decision. */
export interface PendingAuthorization {
  id: string;
  flow: Flow;
  app: SeedApp;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  resourceIds: string[] | null;
  userId: number | null;
  expiresAt: number;
}

export interface FileRecord {
  id: number;
  adAccountId: number;
  name: string;
  adidListKey: string;
  status: FileStatus;
  populationScore: number;
  ready: boolean;
  createdAt: number;
  lastModifiedAt: number;
  originalCreatedAt: number;
  populationUpdatedAt: number | null;
  /** WAITING/MODIFYING becomes COMPLETE at this time. */
  processingUntil: number | null;
  /** A DELETE-status file disappears from listings at this time. */
  purgeAt: number | null;
  bytes: number;
  lines: number;
  sha256: string;
  versions: number;
  path: string;
}

/** `yyyy-MM-dd'T'HH:mm:ss` at the given UTC offset (hours). */
export function kakaoDate(ms: number, utcOffsetHours: number): string {
  return new Date(ms + Math.round(utcOffsetHours * 3_600_000)).toISOString().slice(0, 19);
}

/** An authorize error forced through `POST /__emulator/authorize-error`. */
export interface ForcedAuthorizeError {
  errorCode: ForceableAuthorizeError;
  remaining: number;
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export class Store {
  readonly apps: SeedApp[];
  readonly users: SeedUser[];
  readonly adAccounts: Map<number, SeedAdAccount>;

  tokens = new Map<string, TokenRecord>();
  codes = new Map<string, CodeRecord>();
  pending = new Map<string, PendingAuthorization>();
  files = new Map<number, FileRecord>();
  /** "METHOD /template" → status → count. */
  requestCounts = new Map<string, Map<string, number>>();
  /** adAccountId → time of the last accepted customer-file write. */
  lastWriteAt = new Map<number, number>();
  /** The running values of the flippable Kakao facts. */
  facts: EmulatorFacts;
  /** Authorize error forced for the next N valid authorize requests. */
  forcedAuthorizeError: ForcedAuthorizeError | null = null;
  /** Ids keep growing across resets so stale ids held by a client never point at a new file. */
  private nextFileId = 100_001;
  /** Token ids likewise. */
  private nextTokenSeq = 1;

  constructor(
    seed: Seed,
    readonly opts: ResolvedOptions,
  ) {
    this.apps = seed.apps;
    this.users = seed.users;
    this.adAccounts = new Map(seed.adAccounts.map((a) => [a.id, a]));
    this.facts = { ...opts.facts };
  }

  now(): number {
    return this.opts.now();
  }

  reset(): void {
    this.tokens.clear();
    this.codes.clear();
    this.pending.clear();
    this.files.clear();
    this.requestCounts.clear();
    this.lastWriteAt.clear();
    this.forcedAuthorizeError = null;
    this.resetFacts();
  }

  /** Facts back to their start values (kakao-assumptions defaults + the `facts` option). */
  resetFacts(): void {
    this.facts = { ...this.opts.facts };
  }

  /** Customer-file write interval per ad account: the `writeIntervalMs` fact, else the option. */
  writeIntervalMs(): number {
    return this.facts.writeIntervalMs ?? this.opts.rateLimitMs;
  }

  kakaoDate(ms: number): string {
    return kakaoDate(ms, this.facts.dateUtcOffsetHours);
  }

  // --- apps, users, accounts ----------------------------------------------------------------

  appByClientId(clientId: string | null | undefined): SeedApp | undefined {
    return clientId ? this.apps.find((a) => a.clientId === clientId) : undefined;
  }

  /** Is `uri` registered for this flow (Kakao Login: `redirectUris`; Business: `businessRedirectUris`)? */
  isRedirectRegistered(app: SeedApp, uri: string, flow: Flow): boolean {
    const list = flow === "business" ? app.businessRedirectUris : app.redirectUris;
    return list.includes(uri) || app.redirectUriPrefixes.some((p) => uri.startsWith(p));
  }

  clientSecretFor(app: SeedApp, flow: Flow): string | null {
    return flow === "business" ? app.businessClientSecret : app.clientSecret;
  }

  userById(id: number): SeedUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  userByLogin(email: string, password: string): SeedUser | undefined {
    const e = email.trim().toLowerCase();
    return this.users.find((u) => u.email.toLowerCase() === e && u.password === password);
  }

  memberType(userId: number, adAccountId: number): MemberType | null {
    const user = this.userById(userId);
    return user?.adAccounts.find((a) => a.id === adAccountId)?.memberType ?? null;
  }

  // --- tokens -----------------------------------------------------------------------------------

  issueToken(t: Omit<TokenRecord, "sha256" | "tokenId" | "issuedAt" | "revoked">): { token: string; record: TokenRecord } {
    const token = randomToken();
    const record: TokenRecord = {
      ...t,
      sha256: sha256Hex(token),
      tokenId: TOKEN_ID_BASE + this.nextTokenSeq++,
      issuedAt: this.now(),
      revoked: false,
    };
    this.tokens.set(record.sha256, record);
    return { token, record };
  }

  /** Token record by plain token, whatever its state. */
  findToken(token: string): TokenRecord | undefined {
    return this.tokens.get(sha256Hex(token));
  }

  isLive(t: TokenRecord): boolean {
    return !t.revoked && (t.expiresAt === null || t.expiresAt > this.now());
  }

  // --- files ------------------------------------------------------------------------------------

  newFileId(): number {
    return this.nextFileId++;
  }

  /** Applies the lazy WAITING/MODIFYING → COMPLETE transition. */
  settle(f: FileRecord): FileRecord {
    if (f.status === "DELETE") return f;
    if ((f.status === "WAITING" || f.status === "MODIFYING") && f.processingUntil !== null && this.now() >= f.processingUntil) {
      f.status = "COMPLETE";
      f.populationScore = Math.floor(f.lines * POPULATION_MATCH_RATE);
      f.populationUpdatedAt = f.processingUntil;
      f.lastModifiedAt = f.processingUntil;
      f.ready = true;
      f.processingUntil = null;
    }
    return f;
  }

  /** Drops DELETE-status files whose linger time is over (lazily, like settle). */
  purgeDeleted(): void {
    const now = this.now();
    for (const [id, f] of this.files) {
      if (f.status === "DELETE" && f.purgeAt !== null && now >= f.purgeAt) this.files.delete(id);
    }
  }

  /** Every file of the account still listed, DELETE-status ones included. */
  filesOf(adAccountId: number): FileRecord[] {
    this.purgeDeleted();
    return [...this.files.values()].filter((f) => f.adAccountId === adAccountId).map((f) => this.settle(f));
  }

  /** The account's files that are not deleted (what counts toward the cap and for name clashes). */
  activeFilesOf(adAccountId: number): FileRecord[] {
    return this.filesOf(adAccountId).filter((f) => f.status !== "DELETE");
  }

  /** All files (for /__emulator/state), purged and settled. */
  allFiles(): FileRecord[] {
    this.purgeDeleted();
    return [...this.files.values()].map((f) => this.settle(f));
  }

  /** The customer-file object as Kakao answers it. */
  fileView(f: FileRecord): Record<string, unknown> {
    this.settle(f);
    return {
      id: f.id,
      adAccountId: f.adAccountId,
      name: f.name,
      adidListKey: f.adidListKey,
      customerFileStatus: f.status,
      populationScore: f.populationScore,
      ready: f.ready,
      createdDate: this.kakaoDate(f.createdAt),
      lastModifiedDate: this.kakaoDate(f.lastModifiedAt),
      originalCreatedDate: this.kakaoDate(f.originalCreatedAt),
      populationUpdateDate: f.populationUpdatedAt === null ? null : this.kakaoDate(f.populationUpdatedAt),
    };
  }

  // --- counters ---------------------------------------------------------------------------------

  count(template: string, status: string): void {
    let m = this.requestCounts.get(template);
    if (!m) this.requestCounts.set(template, (m = new Map()));
    m.set(status, (m.get(status) ?? 0) + 1);
  }
}
