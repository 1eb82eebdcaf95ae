/**
 * Names in the warehouse: databases (PostgreSQL schemas), tables and columns. One rule each, as
 * zod schemas for forms and actions and as plain checks that throw an AppError naming the problem.
 * Names are plain lower-case identifiers so users can write them in SQL without quotes.
 */
import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * PostgreSQL's reserved key words (pg_get_keywords() catcode R and T, PostgreSQL 18): as a name
 * they would have to be double-quoted in every query (`select user from t` returns current_user).
 */
const RESERVED_WORDS = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column " +
    "concurrently constraint create cross current_catalog current_date current_role current_schema current_time " +
    "current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze " +
    "from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit " +
    "localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references " +
    "returning right select session_user similar some symmetric system_user table tablesample then to trailing true union " +
    "unique user using variadic verbose when where window with"
  ).split(" "),
);

/** Schemas that are PostgreSQL's or the hub's own, never a user's database. */
export function isReservedSchema(name: string): boolean {
  return name === "public" || name === "information_schema" || name.startsWith("pg_") || name.startsWith("_");
}

const MAX_IDENTIFIER_BYTES = 63;

export type NameKind = "database" | "table" | "column";

/** Why `name` cannot be a database/table/column name, or null when it can. */
export function nameProblem(kind: NameKind, name: string): string | null {
  const label = kind === "database" ? "Database" : kind === "table" ? "Table" : "Column";
  if (name === "") return `${label} name is empty`;
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) return `${label} name ${shown} is longer than ${MAX_IDENTIFIER_BYTES} characters`;
  const pattern = kind === "column" ? /^[a-z_][a-z0-9_]*$/ : /^[a-z][a-z0-9_]*$/;
  if (!pattern.test(name)) {
    return `${label} name ${shown} is not valid: use lower-case letters, digits and underscores, starting with a letter${kind === "column" ? " or underscore" : ""}`;
  }
  if (RESERVED_WORDS.has(name)) return `${label} name ${shown} is a reserved SQL word; choose another name`;
  if (kind !== "column" && (name === "public" || name === "information_schema" || name.startsWith("pg_"))) {
    return `${label} name ${shown} is reserved by PostgreSQL; choose another name`;
  }
  return null;
}

export function assertName(kind: NameKind, name: string): string {
  const problem = nameProblem(kind, name);
  if (problem) throw new AppError("invalid_input", problem, { [kind]: problem });
  return name;
}

const nameSchema = (kind: NameKind) =>
  z.string().superRefine((value, ctx) => {
    const problem = nameProblem(kind, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const databaseNameSchema = nameSchema("database");
export const tableNameSchema = nameSchema("table");
export const columnNameSchema = nameSchema("column");

/** A double-quoted identifier (names are validated before they reach SQL; this is the second belt). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"database"."table"`. */
export function qualified(database: string, table: string): string {
  return `${quoteIdent(database)}.${quoteIdent(table)}`;
}

/**
 * A header cell → a column name: trimmed and lower-cased (so `ADID` and ` adid ` work), otherwise
 * as written; what is still not a valid name is an error that suggests one.
 */
export function columnNameFromHeader(raw: string): string {
  return raw.trim().toLowerCase();
}

/** A valid column name close to `raw`, for error messages (`Last Purchase` → `last_purchase`). */
export function suggestColumnName(raw: string): string {
  let name = raw
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!name) name = "column";
  if (/^[0-9]/.test(name)) name = `c_${name}`;
  if (RESERVED_WORDS.has(name)) name = `${name}_`;
  return name.slice(0, MAX_IDENTIFIER_BYTES);
}
