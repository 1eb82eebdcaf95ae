/** Direct reads of the e2e server's databases and emulator, to check what the product did. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export function warehouseUrl(pgPort = 54410): string {
  const secrets = JSON.parse(fs.readFileSync(path.join(process.env.E2E_DATA_DIR!, "business", "secrets.json"), "utf8"));
  return `postgresql://postgres:${encodeURIComponent(secrets.embeddedPgPassword)}@127.0.0.1:${pgPort}/kakao_warehouse`;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** SHA-256 of the customer file a query should produce, by the SPEC's rules, computed independently. */
export async function expectedSha256(sql: string): Promise<{ sha256: string; lines: number }> {
  const client = new pg.Client({ connectionString: warehouseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ adid: string | null }>(sql);
    const kept = rows.map((r) => (r.adid ?? "").trim()).filter((v) => UUID.test(v) && v !== "00000000-0000-0000-0000-000000000000");
    return { sha256: crypto.createHash("sha256").update(kept.map((v) => `${v}\n`).join("")).digest("hex"), lines: kept.length };
  } finally {
    await client.end();
  }
}

export async function emulatorFiles(emulatorURL: string): Promise<{ name: string; sha256: string; lines: number; adAccountId: number }[]> {
  return (await (await fetch(`${emulatorURL}/__emulator/state`)).json()).files;
}

/** Rows of a query on the e2e server's warehouse. */
export async function warehouseRows<T extends object>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: warehouseUrl() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The lines of a customer file the emulator holds (read through its test-control endpoint). */
export async function emulatorFileLines(emulatorURL: string, name: string): Promise<string[]> {
  const files = (await (await fetch(`${emulatorURL}/__emulator/state`)).json()).files as { id: number; name: string }[];
  const file = files.find((f) => f.name === name);
  if (!file) throw new Error(`the emulator has no file named ${name}`);
  return (await (await fetch(`${emulatorURL}/__emulator/files/${file.id}/content`)).text()).split("\n").filter(Boolean);
}

/** The SPEC's rule for which values are ADIDs: trimmed, a UUID, not all zeros. */
export function validAdids(values: (string | null)[]): string[] {
  return values.map((v) => (v ?? "").trim()).filter((v) => UUID.test(v) && v !== "00000000-0000-0000-0000-000000000000");
}
