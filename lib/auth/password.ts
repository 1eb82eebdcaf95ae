import bcrypt from "bcryptjs";
import crypto from "node:crypto";

const ROUNDS = 11;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A readable random password for the first admin. */
export function generatePassword(): string {
  return crypto.randomBytes(12).toString("base64url");
}

let dummyHash: Promise<string> | undefined;
/** Spend the same time as a real check when the e-mail is unknown, so timing does not reveal accounts. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(generatePassword());
  await verifyPassword(password, await dummyHash);
  return false;
}
