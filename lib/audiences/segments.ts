/**
 * Segments (rules on a parent segment's attributes) in a folder tree, their live population count
 * and generated SQL, and their activation log. Segments belong to the parent segment's owner
 * (admins may manage anyone's). Saving a segment re-compiles its activations' queries, so the next
 * run exports what the segment now says.
 */
import { db, Prisma } from "@/lib/db";
import type { JobStatus } from "@/lib/jobs/views";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { PREVIEW_TIMEOUT_MS, queryEngine, type PreviewResult } from "@/lib/engine";
import { getParentSegment, shapeOf, type ParentSegmentView } from "@/lib/audiences/parent-segments";
import { compileRules, type RuleTree } from "@/lib/audiences/rules";
import { membersSql, populationSql, type SegmentSql } from "@/lib/audiences/sql";
import { folderInputSchema, populationInputSchema, segmentInputSchema, updateSegmentSchema } from "@/lib/audiences/schemas";
import { recompileActivations } from "@/lib/audiences/activations";
import type { z } from "zod";

export const segmentView = {
  id: true,
  parentSegmentId: true,
  folderId: true,
  ownerId: true,
  name: true,
  rules: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { activations: true } },
} as const satisfies Prisma.SegmentSelect;

type SegmentRow = Prisma.SegmentGetPayload<{ select: typeof segmentView }>;
export type SegmentView = Omit<SegmentRow, "rules"> & { rules: RuleTree };

function toView(row: SegmentRow): SegmentView {
  return { ...row, rules: row.rules as unknown as RuleTree };
}

export interface FolderView {
  id: number;
  parentFolderId: number | null;
  name: string;
}

export interface SegmentTree {
  parent: ParentSegmentView;
  folders: FolderView[];
  segments: SegmentView[];
}

export async function getSegmentTree(user: SessionUser, parentSegmentId: number): Promise<SegmentTree> {
  const parent = await getParentSegment(user, parentSegmentId);
  const [folders, segments] = await Promise.all([
    db.segmentFolder.findMany({ where: { parentSegmentId }, select: { id: true, parentFolderId: true, name: true }, orderBy: { name: "asc" } }),
    db.segment.findMany({ where: { parentSegmentId }, select: segmentView, orderBy: { name: "asc" } }),
  ]);
  return { parent, folders, segments: segments.map(toView) };
}

export async function getSegment(user: SessionUser, id: number): Promise<SegmentView & { parent: ParentSegmentView }> {
  const row = await db.segment.findUnique({ where: { id }, select: segmentView });
  assertCanUse(user, row?.ownerId, "Segment");
  return { ...toView(row!), parent: await getParentSegment(user, row!.parentSegmentId) };
}

async function checkFolder(parentSegmentId: number, folderId: number | null): Promise<void> {
  if (folderId === null) return;
  const folder = await db.segmentFolder.findUnique({ where: { id: folderId }, select: { parentSegmentId: true } });
  if (!folder || folder.parentSegmentId !== parentSegmentId) throw new AppError("invalid_input", "folderId: no such folder in this parent segment", { folderId: "no such folder" });
}

export async function createFolder(user: SessionUser, input: z.input<typeof folderInputSchema>): Promise<FolderView> {
  const parsed = folderInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const { parentSegmentId, parentFolderId, name } = parsed.data;
  await getParentSegment(user, parentSegmentId);
  await checkFolder(parentSegmentId, parentFolderId);
  const siblings = await db.segmentFolder.count({ where: { parentSegmentId, parentFolderId, name } });
  if (siblings) throw new AppError("conflict", `name: a folder named "${name}" is already here`, { name: "is already used here" });
  return db.segmentFolder.create({ data: { parentSegmentId, parentFolderId, name }, select: { id: true, parentFolderId: true, name: true } });
}

/** Delete a folder and its sub-folders; their segments move to the top of the tree (nothing is lost). */
export async function deleteFolder(user: SessionUser, id: number): Promise<FolderView> {
  const folder = await db.segmentFolder.findUnique({ where: { id }, select: { id: true, parentFolderId: true, name: true, parentSegmentId: true } });
  if (!folder) throw new AppError("not_found", "Folder not found");
  await getParentSegment(user, folder.parentSegmentId);
  await db.segmentFolder.delete({ where: { id } });
  return folder;
}

function duplicate(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", `name: this parent segment already has a segment named "${name}"`, { name: "is already used in this parent segment" });
  }
  throw error;
}

export async function createSegment(user: SessionUser, input: z.input<typeof segmentInputSchema>): Promise<SegmentView> {
  const parsed = segmentInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const data = parsed.data;
  const parent = await getParentSegment(user, data.parentSegmentId);
  compileRules(data.rules, parent.attributes); // names the bad condition; nothing saved
  await checkFolder(parent.id, data.folderId);
  try {
    const row = await db.segment.create({
      data: { parentSegmentId: parent.id, folderId: data.folderId, ownerId: parent.ownerId, name: data.name, rules: data.rules as unknown as Prisma.InputJsonValue },
      select: segmentView,
    });
    return toView(row);
  } catch (error) {
    return duplicate(error, data.name);
  }
}

export async function updateSegment(user: SessionUser, input: z.input<typeof updateSegmentSchema>): Promise<SegmentView> {
  const parsed = updateSegmentSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const data = parsed.data;
  const current = await getSegment(user, data.id);
  compileRules(data.rules, current.parent.attributes);
  await checkFolder(current.parentSegmentId, data.folderId);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.segment.update({ where: { id: current.id }, data: { name: data.name, folderId: data.folderId, rules: data.rules as unknown as Prisma.InputJsonValue }, select: segmentView });
      await recompileActivations(tx, current.id);
      return toView(row);
    });
  } catch (error) {
    return duplicate(error, data.name);
  }
}

export async function deleteSegment(user: SessionUser, id: number): Promise<SegmentView> {
  const current = await getSegment(user, id);
  await db.$transaction(async (tx) => {
    const carriers = await tx.activation.findMany({ where: { segmentId: id }, select: { savedQueryId: true } });
    await tx.savedQuery.deleteMany({ where: { id: { in: carriers.map((c) => c.savedQueryId) } } });
    await tx.segment.delete({ where: { id } });
  });
  return current;
}

export interface Population {
  population: number;
  /** The generated SQL (read-only in the editor) and its bind parameters. */
  sql: string;
  params: SegmentSql["params"];
  elapsedMs: number;
}

/** The live count for rules being edited (not saved), through the sandboxed engine. */
export async function segmentPopulation(user: SessionUser, input: z.input<typeof populationInputSchema>): Promise<Population> {
  const parsed = populationInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const parent = await getParentSegment(user, parsed.data.parentSegmentId);
  const shape = shapeOf(parent);
  const count = populationSql(shape, parsed.data.rules);
  const result = await queryEngine().preview(count.sql, { database: parent.database, timeoutMs: PREVIEW_TIMEOUT_MS, params: count.params, limitRows: 1 });
  const members = membersSql(shape, parsed.data.rules);
  return { population: Number(result.rows[0]?.[0] ?? 0), sql: members.sql, params: members.params, elapsedMs: result.elapsedMs };
}

/** The first rows of a saved segment (the segment page's preview). */
export async function segmentMembers(user: SessionUser, id: number, limitRows = 20): Promise<PreviewResult> {
  const segment = await getSegment(user, id);
  const members = membersSql(shapeOf(segment.parent), segment.rules);
  return queryEngine().preview(members.sql, { database: segment.parent.database, timeoutMs: PREVIEW_TIMEOUT_MS, params: members.params, limitRows, countTotal: false });
}

export interface ActivationRun {
  jobId: number;
  activationId: number | null;
  activationName: string | null;
  status: JobStatus;
  createdAt: Date;
  finishedAt: Date | null;
  scheduledAt: Date | null;
  rowsExported: bigint;
  filesDone: number;
  errorMessage: string | null;
}

/** The activation log: the segment's runs, newest first. */
export async function activationLog(user: SessionUser, segmentId: number, limit = 50): Promise<ActivationRun[]> {
  await getSegment(user, segmentId);
  const jobs = await db.job.findMany({
    where: { segmentId },
    select: { id: true, activationId: true, activation: { select: { name: true } }, status: true, createdAt: true, finishedAt: true, scheduledAt: true, rowsExported: true, filesDone: true, errorMessage: true },
    orderBy: { id: "desc" },
    take: limit,
  });
  return jobs.map((j) => ({
    jobId: j.id,
    activationId: j.activationId,
    activationName: j.activation?.name ?? null,
    status: j.status,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    scheduledAt: j.scheduledAt,
    rowsExported: j.rowsExported,
    filesDone: j.filesDone,
    errorMessage: j.errorMessage,
  }));
}
