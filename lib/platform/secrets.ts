/**
 * Secrets the zero-setup mode generates once and keeps under DATA_DIR (git-ignored), so a
 * restart reuses them. Values given in the environment always win.
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

export interface LocalSecrets {
  authSecret: string;
  embeddedPgPassword: string;
  /** `id:base64key` for TOKEN_ENCRYPTION_KEYS when the environment gives none. */
  tokenEncryptionKey: string;
}

export function loadLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  let stored: Partial<LocalSecrets> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8"));
  const secrets: LocalSecrets = {
    authSecret: stored.authSecret ?? crypto.randomBytes(32).toString("base64url"),
    embeddedPgPassword: stored.embeddedPgPassword ?? crypto.randomBytes(18).toString("base64url"),
    tokenEncryptionKey: stored.tokenEncryptionKey ?? `k${Date.now().toString(36)}:${crypto.randomBytes(32).toString("base64")}`,
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
