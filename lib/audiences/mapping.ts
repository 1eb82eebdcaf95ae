/**
 * An activation's Output Mapping → the SELECT list of its export query. Pure: no I/O.
 *
 *  - Export All Columns: the parent segment's key and attribute columns, as they are.
 *  - + Add Columns: source column → Output Column Name (pre-filled with the source name).
 *  - String Builder: an output column concatenated from parts — String (free text), Timestamp (the
 *    export time, ISO-8601 UTC: the query's own transaction time, so every row of a run agrees),
 *    Segment Id, Segment Name, Audience Id (the parent segment's id). Text parts and names travel
 *    as bind parameters like every other user value.
 *
 * `mappedColumns` describes the output statically (names and types), so the Kakao adid check
 * (lib/export/adid-check.ts) can judge a mapping before anything runs.
 */
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { quoteIdent } from "@/lib/warehouse/names";
import type { ResultColumn } from "@/lib/export/adid-check";
import type { Attribute, Params } from "@/lib/audiences/rules";

export const STRING_PARTS = ["string", "timestamp", "segment_id", "segment_name", "audience_id"] as const;
export type StringPartKind = (typeof STRING_PARTS)[number];

const outputName = z
  .string()
  .trim()
  .min(1, "enter an output column name")
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and _ (not starting with a digit)");

export const stringPartSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("string"), value: z.string().min(1, "enter the text").max(1000, "must be at most 1,000 characters") }),
    z.object({ kind: z.literal("timestamp") }),
    z.object({ kind: z.literal("segment_id") }),
    z.object({ kind: z.literal("segment_name") }),
    z.object({ kind: z.literal("audience_id") }),
  ],
  { error: `must be one of ${STRING_PARTS.join(", ")}` },
);
export type StringPart = z.infer<typeof stringPartSchema>;

export const mappingSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("all") }),
    z.object({
      mode: z.literal("columns"),
      columns: z.array(z.object({ source: z.string().min(1, "choose a source column").max(63), output: outputName })).max(100, "at most 100 columns"),
      strings: z
        .array(z.object({ output: outputName, parts: z.array(stringPartSchema).min(1, "add at least one part to the string").max(20, "at most 20 parts") }))
        .max(20, "at most 20 strings")
        .default([]),
    }),
  ],
  { error: "must be all or columns" },
);
export type Mapping = z.infer<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

export interface MappingContext {
  keyColumn: string;
  attributes: readonly Attribute[];
  segmentId: number;
  segmentName: string;
  audienceId: number;
}

function fail(field: string, message: string): never {
  throw new AppError("invalid_input", `${field}: ${message}`, { [field]: message });
}

function sourceColumns(ctx: MappingContext): Attribute[] {
  const key = ctx.attributes.find((a) => a.name === ctx.keyColumn) ?? { name: ctx.keyColumn, type: "text" };
  return [key, ...ctx.attributes.filter((a) => a.name !== ctx.keyColumn)];
}

/** The output columns (name, type) a mapping produces, checked: sources exist, names unique, builders not empty. */
export function mappedColumns(input: MappingInput, ctx: MappingContext): ResultColumn[] {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ["mapping", ...issue.path].join(".");
    fail(field, issue.message);
  }
  const mapping = parsed.data;
  const sources = sourceColumns(ctx);
  if (mapping.mode === "all") return sources.map((s) => ({ name: s.name, type: s.type }));
  const byName = new Map(sources.map((s) => [s.name, s]));
  const out: ResultColumn[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string, field: string) => {
    const lower = name.toLowerCase();
    const other = seen.get(lower);
    if (other) fail(field, `output column "${name}" collides with ${other}; output names must be unique (ignoring case)`);
    seen.set(lower, field);
  };
  mapping.columns.forEach((c, i) => {
    const source = byName.get(c.source);
    if (!source) fail(`mapping.columns.${i}.source`, `"${c.source}" is not a column of this parent segment`);
    claim(c.output, `mapping.columns.${i}.output`);
    out.push({ name: c.output, type: source.type });
  });
  mapping.strings.forEach((s, i) => {
    claim(s.output, `mapping.strings.${i}.output`);
    out.push({ name: s.output, type: "text" });
  });
  if (out.length === 0) fail("mapping.columns", "add at least one column or string, or choose Export All Columns");
  return out;
}

/** The SELECT list for the mapping (validated by mappedColumns first). */
export function compileMapping(input: MappingInput, ctx: MappingContext, params: Params): string[] {
  mappedColumns(input, ctx);
  const mapping = mappingSchema.parse(input);
  if (mapping.mode === "all") return sourceColumns(ctx).map((s) => quoteIdent(s.name));
  const list = mapping.columns.map((c) => (c.source === c.output ? quoteIdent(c.source) : `${quoteIdent(c.source)} as ${quoteIdent(c.output)}`));
  for (const s of mapping.strings) {
    const parts = s.parts.map((part) => partSql(part, ctx, params));
    list.push(`(${parts.join(" || ")}) as ${quoteIdent(s.output)}`);
  }
  return list;
}

/** The ISO-8601 UTC form of the transaction's time: the moment of the export, the same on every row. */
export const EXPORT_TIMESTAMP_SQL = `to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

function partSql(part: StringPart, ctx: MappingContext, params: Params): string {
  switch (part.kind) {
    case "string":
      return params.add(part.value, "text");
    case "timestamp":
      return EXPORT_TIMESTAMP_SQL;
    case "segment_id":
      return params.add(String(ctx.segmentId), "text");
    case "segment_name":
      return params.add(ctx.segmentName, "text");
    case "audience_id":
      return params.add(String(ctx.audienceId), "text");
  }
}
