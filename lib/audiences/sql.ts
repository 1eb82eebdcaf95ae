/**
 * The SQL of a segment, from its parent segment, its rules and (for an activation) the output
 * mapping. Pure; values are bind parameters (see rules.ts), names quoted identifiers.
 */
import type { QueryParam } from "@/lib/engine/types";
import { compileRules, Params, type Attribute, type RuleTree } from "@/lib/audiences/rules";
import { compileMapping, type MappingContext, type MappingInput } from "@/lib/audiences/mapping";
import { qualified, quoteIdent } from "@/lib/warehouse/names";

export interface ParentShape {
  id: number;
  database: string;
  table: string;
  keyColumn: string;
  attributes: Attribute[];
}

export interface SegmentSql {
  sql: string;
  params: QueryParam[];
}

/** The segment's population: how many rows of the parent segment the rules select. */
export function populationSql(parent: ParentShape, rules: RuleTree): SegmentSql {
  const { where, params } = compileRules(rules, parent.attributes);
  return { sql: `select count(*) as population\nfrom ${qualified(parent.database, parent.table)}\nwhere ${where}`, params };
}

/** The segment's rows: key and attributes (the segment editor's preview). */
export function membersSql(parent: ParentShape, rules: RuleTree): SegmentSql {
  const { where, params } = compileRules(rules, parent.attributes);
  const columns = [parent.keyColumn, ...parent.attributes.map((a) => a.name).filter((n) => n !== parent.keyColumn)].map(quoteIdent);
  return { sql: `select ${columns.join(", ")}\nfrom ${qualified(parent.database, parent.table)}\nwhere ${where}`, params };
}

/**
 * An activation's export query: the mapped columns of the segment's rows, distinct (an audience
 * is a set: a customer listed twice is still one person).
 */
export function activationSql(parent: ParentShape, segment: { id: number; name: string; rules: RuleTree }, mapping: MappingInput): SegmentSql {
  const params = new Params();
  const ctx: MappingContext = { keyColumn: parent.keyColumn, attributes: parent.attributes, segmentId: segment.id, segmentName: segment.name, audienceId: parent.id };
  const list = compileMapping(mapping, ctx, params);
  const { where } = compileRules(segment.rules, parent.attributes, params);
  return { sql: `select distinct ${list.join(", ")}\nfrom ${qualified(parent.database, parent.table)}\nwhere ${where}`, params: params.values };
}
