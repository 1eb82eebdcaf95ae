/**
 * Test support for the authentication suites: an in-process Kakao emulator, the environment
 * pointing at it, two marketers, and a browser-like walk through Kakao's login and consent.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { startEmulator } from "@/emulator/server";
import { EMU, followAuthorize } from "@/emulator/testing";
import { resetEnvCache } from "@/lib/env";
import { CALLBACK_PATH } from "@/lib/kakao/config";
import { createUser } from "@/lib/users/users";
import { resetAppTables } from "@/test/db";
import type { SessionUser } from "@/lib/auth/access";
import { handleCallback, startConnection } from "@/lib/authentications/connect";

export const PUBLIC_URL = "http://127.0.0.1:3999";

/** The emulator in-process, and the environment pointing the product at it (Business Authentication). */
export async function startKakao(options: Parameters<typeof startEmulator>[0] = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-auth-emu-"));
  const emulator = await startEmulator({ port: 0, dataDir, rateLimitMs: 0, processingDelayMs: 50, redirectUris: [`${PUBLIC_URL}${CALLBACK_PATH}`], ...options });
  Object.assign(process.env, {
    KAKAO_AUTH_URL: emulator.url,
    KAKAO_API_URL: emulator.url,
    KAKAO_MOMENT_URL: emulator.url,
    KAKAO_BUSINESS_CLIENT_SECRET: EMU.businessClientSecret,
    PUBLIC_URL,
    TOKEN_ENCRYPTION_KEYS: `test:${crypto.randomBytes(32).toString("base64")}`,
  });
  resetEnvCache();
  return {
    url: emulator.url,
    async close() {
      await emulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function twoMarketers(): Promise<{ a: SessionUser; b: SessionUser }> {
  await resetAppTables();
  const a = await createUser({ email: "a@example.com", name: "A", role: "marketer", password: "password-a" });
  const b = await createUser({ email: "b@example.com", name: "B", role: "marketer", password: "password-b" });
  return { a: { ...a }, b: { ...b } };
}

/** Click here → Kakao login → consent; returns what Kakao sends back to the callback. */
export async function kakaoRoundTrip(user: SessionUser, options: { decision?: "agree" | "cancel"; email?: string; reconnectId?: number } = {}) {
  const { url, browserValue } = await startConnection(user, options.reconnectId);
  const back = await followAuthorize(url, { decision: options.decision, email: options.email });
  const q = back.searchParams;
  const params = { code: q.get("code"), state: q.get("state"), error: q.get("error"), error_description: q.get("error_description"), error_code: q.get("error_code") };
  return { params, browserValue, back };
}

/** The whole round trip up to the Continue step. */
export async function connectUpToContinue(user: SessionUser, options: { email?: string; reconnectId?: number } = {}) {
  const { params, browserValue } = await kakaoRoundTrip(user, options);
  return handleCallback(user, params, browserValue);
}
