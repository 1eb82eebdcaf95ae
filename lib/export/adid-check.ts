/**
 * The Kakao adid check: a customer file carries only ADIDs, so a query result (or an activation's
 * output mapping) must be exactly one column named `adid` (any case) of a string type. Pure; the
 * workbench form, the export job, the API and the workflow runner all call this one function.
 */

export interface ResultColumn {
  name: string;
  /** PostgreSQL type name as `format_type` writes it (`text`, `character varying(36)`, `uuid`, `integer`, …). */
  type: string;
}

export type AdidCheck =
  | { ok: true; column: ResultColumn }
  | { ok: false; code: "no_adid_column" | "adid_not_string" | "extra_columns"; message: string; extra?: string[] };

/**
 * String types that can hold an ADID. `name` (identifiers, 63 bytes) and `citext` (case-insensitive
 * text, an extension) are strings too; arrays, json, numbers, dates and bytea are not.
 */
const STRING_TYPES = new Set(["text", "character varying", "varchar", "character", "char", "bpchar", "uuid", "name", "citext"]);

/** `character varying(36)` → `character varying`; `pg_catalog.text` → `text`; arrays keep their `[]`. */
export function baseTypeName(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\(\s*[\d\s,]*\)/g, "")
    .replace(/^pg_catalog\./, "")
    .replace(/^"(.*)"$/, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

export function isStringType(type: string): boolean {
  return STRING_TYPES.has(baseTypeName(type));
}

export function checkAdidColumns(columns: readonly ResultColumn[]): AdidCheck {
  const adid = columns.filter((column) => column.name.toLowerCase() === "adid");
  if (adid.length !== 1) {
    return {
      ok: false,
      code: "no_adid_column",
      message:
        adid.length === 0
          ? "No adid column: the result must have exactly one column named adid"
          : `${adid.length} adid columns: the result must have exactly one column named adid`,
    };
  }
  const column = adid[0]!;
  if (!isStringType(column.type)) {
    return { ok: false, code: "adid_not_string", message: `adid is ${column.type}: it must be a string type (text, varchar, char or uuid)` };
  }
  const extra = columns.filter((c) => c !== column).map((c) => c.name);
  if (extra.length > 0) {
    return { ok: false, code: "extra_columns", message: `Extra columns ${extra.join(", ")}: Kakao customer files carry only the adid column`, extra };
  }
  return { ok: true, column };
}
