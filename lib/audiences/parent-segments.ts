/**
 * Parent segments: a warehouse table of customers, its key column and the attribute columns offered
 * to segments. The owner (or an admin) manages one; column types are read from the warehouse when
 * it is saved, never taken from the browser. Its id is the "Audience Id".
 */
import { db, Prisma } from "@/lib/db";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { getTable } from "@/lib/warehouse/databases";
import type { Attribute } from "@/lib/audiences/rules";
import { columnsUsed, type RuleTree } from "@/lib/audiences/rules";
import { parentSegmentInputSchema, type ParentSegmentInput } from "@/lib/audiences/schemas";
import type { ParentShape } from "@/lib/audiences/sql";
import { recompileActivations } from "@/lib/audiences/activations";

export const parentSegmentView = {
  id: true,
  ownerId: true,
  owner: { select: { email: true } },
  name: true,
  database: true,
  table: true,
  keyColumn: true,
  attributes: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { segments: true } },
} as const satisfies Prisma.ParentSegmentSelect;

export type ParentSegmentRow = Prisma.ParentSegmentGetPayload<{ select: typeof parentSegmentView }>;
export type ParentSegmentView = Omit<ParentSegmentRow, "attributes"> & { attributes: Attribute[] };

function toView(row: ParentSegmentRow): ParentSegmentView {
  return { ...row, attributes: row.attributes as unknown as Attribute[] };
}

export function shapeOf(parent: Pick<ParentSegmentView, "id" | "database" | "table" | "keyColumn" | "attributes">): ParentShape {
  return { id: parent.id, database: parent.database, table: parent.table, keyColumn: parent.keyColumn, attributes: parent.attributes };
}

export async function listParentSegments(user: SessionUser): Promise<ParentSegmentView[]> {
  const rows = await db.parentSegment.findMany({ where: user.role === "admin" ? {} : { ownerId: user.id }, select: parentSegmentView, orderBy: { name: "asc" } });
  return rows.map(toView);
}

export async function getParentSegment(user: SessionUser, id: number): Promise<ParentSegmentView> {
  const row = await db.parentSegment.findUnique({ where: { id }, select: parentSegmentView });
  assertCanUse(user, row?.ownerId, "Parent segment");
  return toView(row!);
}

/** Resolve the input against the warehouse: the table exists, the key and attributes are its columns. */
async function resolve(input: ParentSegmentInput) {
  const parsed = parentSegmentInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const data = parsed.data;
  let table;
  try {
    table = await getTable(data.database, data.table);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("invalid_input", `table: ${data.database}.${data.table} does not exist`, { table: "does not exist" });
    throw error;
  }
  const columns = new Map(table.columns.map((c) => [c.name, c.type]));
  if (!columns.has(data.keyColumn)) throw new AppError("invalid_input", `keyColumn: ${data.table} has no column "${data.keyColumn}"`, { keyColumn: "is not a column of the table" });
  const names = [...new Set([data.keyColumn, ...data.attributes])];
  const missing = names.filter((n) => !columns.has(n));
  if (missing.length) throw new AppError("invalid_input", `attributes: ${data.table} has no column ${missing.map((m) => `"${m}"`).join(", ")}`, { attributes: "names a column the table does not have" });
  const attributes: Attribute[] = names.map((name) => ({ name, type: columns.get(name)! }));
  return { name: data.name, database: data.database, table: data.table, keyColumn: data.keyColumn, attributes };
}

function duplicate(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", `name: you already have a parent segment named "${name}"`, { name: "is already used by another of your parent segments" });
  }
  throw error;
}

export async function createParentSegment(user: SessionUser, input: ParentSegmentInput): Promise<ParentSegmentView> {
  const data = await resolve(input);
  try {
    return toView(await db.parentSegment.create({ data: { ...data, attributes: data.attributes as unknown as Prisma.InputJsonValue, ownerId: user.id }, select: parentSegmentView }));
  } catch (error) {
    return duplicate(error, data.name);
  }
}

/**
 * Change the table or columns. Refused when a segment's rules use an attribute that would go away
 * (its message names the segments), so saved segments never silently change meaning.
 */
export async function updateParentSegment(user: SessionUser, id: number, input: ParentSegmentInput): Promise<ParentSegmentView> {
  const current = await getParentSegment(user, id);
  const data = await resolve(input);
  const kept = new Set(data.attributes.map((a) => a.name));
  const segments = await db.segment.findMany({ where: { parentSegmentId: id }, select: { name: true, rules: true } });
  const broken = segments.filter((s) => columnsUsed(s.rules as unknown as RuleTree).some((c) => !kept.has(c)));
  if (broken.length) {
    throw new AppError("conflict", `attributes: segment${broken.length > 1 ? "s" : ""} ${broken.map((s) => `"${s.name}"`).join(", ")} use${broken.length > 1 ? "" : "s"} an attribute this change removes; change ${broken.length > 1 ? "them" : "it"} first`, {
      attributes: "still used by a segment",
    });
  }
  try {
    return await db.$transaction(async (tx) => {
      const updated = await tx.parentSegment.update({ where: { id: current.id }, data: { ...data, attributes: data.attributes as unknown as Prisma.InputJsonValue }, select: parentSegmentView });
      for (const segment of await tx.segment.findMany({ where: { parentSegmentId: id }, select: { id: true } })) await recompileActivations(tx, segment.id);
      return toView(updated);
    });
  } catch (error) {
    return duplicate(error, data.name);
  }
}

/** Delete with its folders, segments and activations (and the activations' hidden queries). */
export async function deleteParentSegment(user: SessionUser, id: number): Promise<ParentSegmentView> {
  const current = await getParentSegment(user, id);
  await db.$transaction(async (tx) => {
    const carriers = await tx.activation.findMany({ where: { segment: { parentSegmentId: id } }, select: { savedQueryId: true } });
    await tx.savedQuery.deleteMany({ where: { id: { in: carriers.map((c) => c.savedQueryId) } } });
    await tx.parentSegment.delete({ where: { id } });
  });
  return current;
}
