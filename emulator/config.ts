import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseFactsPatch } from "./facts";
import {
  DEFAULT_ACCESS_TOKEN_TTL_SEC,
  DEFAULT_CODE_TTL_SEC,
  DEFAULT_DELETE_LINGER_MS,
  DEFAULT_FACTS,
  DEFAULT_REFRESH_TOKEN_TTL_SEC,
  DEFAULT_WRITE_RATE_LIMIT_MS,
  MAX_FILE_BYTES,
  MAX_FILES_PER_ACCOUNT,
  type EmulatorFacts,
} from "./kakao-assumptions";

export type { EmulatorFacts } from "./kakao-assumptions";

/** Options of {@link startEmulator}. Everything is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Folder for uploaded files. Default `.data/emulator` (relative to the working directory). */
  dataDir?: string;
  /** Seed JSON (apps, users, ad accounts). Default the built-in `emulator/seed.json`. */
  seedFile?: string;
  /** Customer-file writes per ad account: one per this many ms; 0 disables. Default 5000. */
  rateLimitMs?: number;
  /** WAITING/MODIFYING → COMPLETE after this many ms. Default 3000. */
  processingDelayMs?: number;
  /** Kakao Login access-token lifetime, seconds. Default 21599. */
  accessTokenTtlSec?: number;
  /** Kakao Login refresh-token lifetime, seconds. Default 5183999 (~2 months). */
  refreshTokenTtlSec?: number;
  /**
   * Extra registered redirect URIs (exact match), added to every app of the seed — to both its
   * Kakao Login list (`redirectUris`) and its Business Authentication list (`businessRedirectUris`).
   */
  redirectUris?: string[];
  /** Authorization-code lifetime, seconds. Default 300. */
  codeTtlSec?: number;
  /** Largest accepted customer file, bytes. Default 209715200. */
  maxFileBytes?: number;
  /** Most customer files per ad account. Default 50. */
  maxFilesPerAccount?: number;
  /** Seed of the fault-injection PRNG. Default 1. */
  seed?: number;
  /** A deleted customer file stays listed (status DELETE) this many ms. Default 60000. */
  deleteLingerMs?: number;
  /**
   * Start values of the flippable Kakao facts (over the defaults of kakao-assumptions.ts); reset and
   * `DELETE /__emulator/facts` come back to these.
   */
  facts?: Partial<EmulatorFacts>;
  /** Clock in epoch ms (tests inject one to expire codes). Default Date.now. */
  now?: () => number;
  /** Log one line per request to stdout. Default false. */
  logRequests?: boolean;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  dataDir: string;
  seedFile: string;
  rateLimitMs: number;
  processingDelayMs: number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  redirectUris: string[];
  codeTtlSec: number;
  maxFileBytes: number;
  maxFilesPerAccount: number;
  seed: number;
  deleteLingerMs: number;
  /** Defaults overlaid with the `facts` option (validated). */
  facts: EmulatorFacts;
  now: () => number;
  logRequests: boolean;
}

export const DEFAULT_SEED_FILE = fileURLToPath(new URL("./seed.json", import.meta.url));

const nonNegInt = (name: string, v: number | undefined, def: number): number => {
  const value = v ?? def;
  if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    throw new Error(`Emulator option ${name} must be a non-negative integer (got ${String(v)})`);
  }
  return value;
};

export function resolveOptions(o: EmulatorOptions = {}): ResolvedOptions {
  let facts: EmulatorFacts = { ...DEFAULT_FACTS };
  if (o.facts !== undefined) {
    const r = parseFactsPatch(o.facts, facts);
    if ("error" in r) throw new Error(`Emulator option facts is invalid: ${r.error}`);
    facts = { ...facts, ...r.patch };
  }
  return {
    port: nonNegInt("port", o.port, 0),
    host: o.host ?? "127.0.0.1",
    dataDir: path.resolve(o.dataDir ?? ".data/emulator"),
    seedFile: path.resolve(o.seedFile ?? DEFAULT_SEED_FILE),
    rateLimitMs: nonNegInt("rateLimitMs", o.rateLimitMs, DEFAULT_WRITE_RATE_LIMIT_MS),
    processingDelayMs: nonNegInt("processingDelayMs", o.processingDelayMs, 3_000),
    accessTokenTtlSec: nonNegInt("accessTokenTtlSec", o.accessTokenTtlSec, DEFAULT_ACCESS_TOKEN_TTL_SEC),
    refreshTokenTtlSec: nonNegInt("refreshTokenTtlSec", o.refreshTokenTtlSec, DEFAULT_REFRESH_TOKEN_TTL_SEC),
    redirectUris: [...(o.redirectUris ?? [])],
    codeTtlSec: nonNegInt("codeTtlSec", o.codeTtlSec, DEFAULT_CODE_TTL_SEC),
    maxFileBytes: nonNegInt("maxFileBytes", o.maxFileBytes, MAX_FILE_BYTES),
    maxFilesPerAccount: nonNegInt("maxFilesPerAccount", o.maxFilesPerAccount, MAX_FILES_PER_ACCOUNT),
    seed: nonNegInt("seed", o.seed, 1),
    deleteLingerMs: nonNegInt("deleteLingerMs", o.deleteLingerMs, DEFAULT_DELETE_LINGER_MS),
    facts,
    now: o.now ?? Date.now,
    logRequests: o.logRequests ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// Seed data

const memberType = z.enum(["MASTER", "MEMBER", "VIEWER"]);

export const seedSchema = z.object({
  apps: z
    .array(
      z.object({
        appId: z.number().int().positive(),
        name: z.string().min(1).default("Kakao app"),
        clientId: z.string().min(1),
        /** Kakao Login client secret (POST /oauth/token); null: the app does not use one. */
        clientSecret: z.string().min(1).nullable(),
        /** Business Authentication client secret (POST /oauth/business/token); null: none. */
        businessClientSecret: z.string().min(1).nullable(),
        /** Kakao Login redirect URIs. */
        redirectUris: z.array(z.string().url()).default([]),
        /** Business Authentication redirect URIs (its own list; Kakao allows at most 10). */
        businessRedirectUris: z.array(z.string().url()).default([]),
        /** A redirect URI starting with one of these is also accepted (both flows; emulator convenience). */
        redirectUriPrefixes: z.array(z.string().min(1)).default([]),
        scopes: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  adAccounts: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string().min(1),
      config: z.enum(["ON", "OFF", "DEL"]).default("ON"),
    }),
  ),
  users: z.array(
    z.object({
      id: z.number().int().positive(),
      email: z.string().min(1),
      password: z.string().min(1),
      nickname: z.string().default(""),
      adAccounts: z.array(z.object({ id: z.number().int().positive(), memberType })).default([]),
    }),
  ),
});

export type Seed = z.infer<typeof seedSchema>;
export type SeedApp = Seed["apps"][number];
export type SeedUser = Seed["users"][number];
export type SeedAdAccount = Seed["adAccounts"][number];
export type MemberType = z.infer<typeof memberType>;

export async function loadSeed(file: string, extraRedirectUris: string[]): Promise<Seed> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`Cannot read emulator seed file ${file}: ${(err as Error).message}`);
  }
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid emulator seed file ${file}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const seed = parsed.data;
  const accountIds = new Set(seed.adAccounts.map((a) => a.id));
  for (const u of seed.users) {
    for (const a of u.adAccounts) {
      if (!accountIds.has(a.id)) throw new Error(`Invalid emulator seed file ${file}: user ${u.email} references unknown ad account ${a.id}`);
    }
  }
  for (const app of seed.apps) {
    for (const uri of extraRedirectUris) {
      if (!app.redirectUris.includes(uri)) app.redirectUris.push(uri);
      if (!app.businessRedirectUris.includes(uri)) app.businessRedirectUris.push(uri);
    }
  }
  return seed;
}
