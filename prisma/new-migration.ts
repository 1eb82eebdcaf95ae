/**
 * `npm run db:migration -- <name>`: write a new migration from the schema change since the last
 * one. `prisma migrate dev` needs a shadow database, which the 6.19 wasm engine through the pg
 * adapter cannot reliably drive ("RuntimeError: unreachable"); diffing two datamodels needs no
 * database (the CLI still connects through the adapter, so a throwaway embedded PostgreSQL is
 * started for it). The schema as of the last migration is kept beside the migrations.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/platform/postgres";

const root = path.resolve(import.meta.dirname, "..");
const schema = path.join(root, "prisma/schema.prisma");
export const SNAPSHOT = path.join(root, "prisma/migrations/schema-at-last-migration.prisma");

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: npm run db:migration -- <name_in_snake_case>");
    process.exit(2);
  }
  const from = fs.existsSync(SNAPSHOT) ? ["--from-schema-datamodel", SNAPSHOT] : ["--from-empty"];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-migration-"));
  fs.chmodSync(scratch, 0o755);
  const server = await startEmbeddedPostgres({ dir: path.join(scratch, "pg"), port: 54000 + Math.floor(Math.random() * 900), password: "scratch" });
  let sql: string;
  try {
    sql = execFileSync(
      process.execPath,
      [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"],
      { cwd: root, env: { ...process.env, DATABASE_URL: server.urlFor("postgres") }, encoding: "utf8" },
    );
  } finally {
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (!sql.trim() || sql.includes("-- This is an empty migration.")) {
    console.log("No schema change since the last migration.");
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(root, "prisma/migrations", `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  fs.copyFileSync(schema, SNAPSHOT);
  console.log(`Wrote ${path.relative(root, dir)}/migration.sql`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
