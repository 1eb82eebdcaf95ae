import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { open, parseKeyring, seal, sealedKeyId } from "@/lib/crypto/token-cipher";

const key = () => crypto.randomBytes(32).toString("base64");

describe("token cipher (AES-256-GCM with key ids)", () => {
  const old = `old:${key()}`;
  const fresh = `new:${key()}`;

  it("round-trips and never contains the token", () => {
    const ring = parseKeyring(old);
    const sealed = seal("kakao-access-token-123", ring);
    expect(sealed).not.toContain("kakao-access-token-123");
    expect(sealed.startsWith("v1.old.")).toBe(true);
    expect(open(sealed, ring)).toBe("kakao-access-token-123");
  });

  it("uses a fresh IV each time", () => {
    const ring = parseKeyring(old);
    expect(seal("same", ring)).not.toBe(seal("same", ring));
  });

  it("rotates: the first key seals, older keys still open", () => {
    const before = seal("t", parseKeyring(old));
    const rotated = parseKeyring(`${fresh},${old}`);
    expect(open(before, rotated)).toBe("t");
    expect(sealedKeyId(seal("t", rotated))).toBe("new");
  });

  it("refuses a value whose key is gone, or that was tampered with or re-labelled", () => {
    const sealed = seal("t", parseKeyring(old));
    expect(() => open(sealed, parseKeyring(fresh))).toThrow(/key "old"/);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("x").toString("base64url");
    expect(() => open(parts.join("."), parseKeyring(old))).toThrow();
    const relabelled = sealed.replace("v1.old.", "v1.other.");
    expect(() => open(relabelled, parseKeyring(`other:${old.split(":")[1]}`))).toThrow();
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => parseKeyring(`k:${Buffer.alloc(16).toString("base64")}`)).toThrow(/not 32 bytes/);
  });
});
