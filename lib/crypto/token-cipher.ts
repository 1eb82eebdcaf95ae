/**
 * Kakao tokens at rest: AES-256-GCM with a key from the environment. The key id is stored in
 * the sealed value (`v1.<keyId>.<iv>.<tag>.<ciphertext>`), so keys can rotate: the first key of
 * TOKEN_ENCRYPTION_KEYS seals, every listed key opens.
 */
import crypto from "node:crypto";
import { env } from "@/lib/env";

interface Keyring {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

export function parseKeyring(spec: string): Keyring {
  const entries = spec.split(",").map((pair) => {
    const [id, material] = pair.split(":");
    const key = Buffer.from(material, "base64");
    if (key.length !== 32) throw new Error(`TOKEN_ENCRYPTION_KEYS: key "${id}" is not 32 bytes`);
    return { id, key };
  });
  return { current: entries[0], byId: new Map(entries.map((e) => [e.id, e.key])) };
}

let cached: { spec: string; ring: Keyring } | undefined;
function keyring(): Keyring {
  const spec = env().TOKEN_ENCRYPTION_KEYS;
  if (!spec) throw new Error("TOKEN_ENCRYPTION_KEYS is not set: start the product with `npm start`, which provides one");
  if (cached?.spec !== spec) cached = { spec, ring: parseKeyring(spec) };
  return cached.ring;
}

export function seal(plaintext: string, ring: Keyring = keyring()): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", ring.current.key, iv);
  // The key id is authenticated too, so a value cannot be re-labelled to another key.
  cipher.setAAD(Buffer.from(ring.current.id));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ring.current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function open(sealed: string, ring: Keyring = keyring()): string {
  const [version, keyId, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !ciphertext) throw new Error("Not a sealed token value");
  const key = ring.byId.get(keyId);
  if (!key) throw new Error(`Token was sealed with key "${keyId}", which is not in TOKEN_ENCRYPTION_KEYS`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** The key id a value was sealed with (to find values that still need re-sealing after a rotation). */
export function sealedKeyId(sealed: string): string {
  return sealed.split(".")[1];
}

export function sha256(value: string): string {
  return crypto.createHash("sha256").update(value).digest("hex");
}
