/**
 * Data Workbench queries: saved queries (owned; admins see all) and running a query for the
 * result preview through the engine's sandbox, with Cancel.
 */
import crypto from "node:crypto";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { PREVIEW_TIMEOUT_MS, queryEngine, type PreviewResult } from "@/lib/engine";
import { checkAdidColumns, type AdidCheck } from "@/lib/export/adid-check";
import type { z } from "zod";
import { getAuthenticationFor } from "@/lib/authentications/authentications";
import type { saveQuerySchema } from "@/lib/workbench/schemas";
import { scheduleRowSelect } from "@/lib/schedule/schedules";

/** The saved query as the workbench shows it: the scheduler's row plus owner and run history. */
export const savedQueryView = {
  ...scheduleRowSelect,
  owner: { select: { email: true } },
  createdAt: true,
  updatedAt: true,
  lastRunAt: true,
  lastRunRows: true,
  lastError: true,
} as const satisfies Prisma.SavedQuerySelect;

export type SavedQueryView = Prisma.SavedQueryGetPayload<{ select: typeof savedQueryView }>;

/** The workbench's queries: not the hidden carriers of Audience Studio activations (their SQL is generated). */
const typedQueries = { activation: { is: null } } satisfies Prisma.SavedQueryWhereInput;

export function listSavedQueries(user: SessionUser): Promise<SavedQueryView[]> {
  return db.savedQuery.findMany({ where: { ...typedQueries, ...(user.role === "admin" ? {} : { ownerId: user.id }) }, select: savedQueryView, orderBy: { updatedAt: "desc" } });
}

export async function getSavedQuery(user: SessionUser, id: number): Promise<SavedQueryView> {
  const found = await db.savedQuery.findFirst({ where: { id, ...typedQueries }, select: savedQueryView });
  assertCanUse(user, found?.ownerId, "Query");
  return found!;
}

function duplicateName(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", `name: you already have a query named "${name}"`, { name: "is already used by another of your queries" });
  }
  throw error;
}

export async function saveQuery(user: SessionUser, input: z.infer<typeof saveQuerySchema>): Promise<SavedQueryView> {
  if (input.exportAuthenticationId) await getAuthenticationFor(user, input.exportAuthenticationId);
  const data = {
    name: input.name,
    database: input.database,
    sql: input.sql,
    ...(input.exportSettings !== undefined
      ? { exportAuthenticationId: input.exportSettings ? (input.exportAuthenticationId ?? null) : null, exportSettings: input.exportSettings ?? Prisma.DbNull }
      : {}),
  };
  try {
    if (input.id === undefined) return await db.savedQuery.create({ data: { ...data, ownerId: user.id }, select: savedQueryView });
    const current = await getSavedQuery(user, input.id);
    if (input.exportSettings === null && current.scheduleCron) {
      throw new AppError("conflict", "exportSettings: this query's schedule runs its export; set the schedule to None before removing Export Results");
    }
    return await db.savedQuery.update({ where: { id: current.id }, data, select: savedQueryView });
  } catch (error) {
    return duplicateName(error, input.name);
  }
}

export async function deleteSavedQuery(user: SessionUser, id: number): Promise<SavedQueryView> {
  const current = await getSavedQuery(user, id);
  await db.savedQuery.delete({ where: { id: current.id } });
  return current;
}

/** A run's engine query id is tied to its user, so nobody can cancel another user's query. */
export function engineQueryId(user: SessionUser, runId: string): string {
  return `${crypto.createHash("sha256").update(user.id).digest("hex").slice(0, 8)}-${runId}`;
}

export interface RunPreview extends PreviewResult {
  adidCheck: AdidCheck;
}

export async function runPreview(user: SessionUser, input: { sql: string; database: string; runId: string; savedQueryId?: number }): Promise<RunPreview> {
  if (input.savedQueryId !== undefined) await getSavedQuery(user, input.savedQueryId);
  try {
    const result = await queryEngine().preview(input.sql, { database: input.database, timeoutMs: PREVIEW_TIMEOUT_MS, queryId: engineQueryId(user, input.runId) });
    if (input.savedQueryId !== undefined) {
      await db.savedQuery.update({ where: { id: input.savedQueryId }, data: { lastRunAt: new Date(), lastRunRows: result.totalRows === null ? null : BigInt(result.totalRows), lastError: null } });
    }
    return { ...result, adidCheck: checkAdidColumns(result.columns) };
  } catch (error) {
    if (input.savedQueryId !== undefined && error instanceof AppError) {
      await db.savedQuery.update({ where: { id: input.savedQueryId }, data: { lastRunAt: new Date(), lastError: error.message.slice(0, 1000) } });
    }
    throw error;
  }
}

export async function cancelRun(user: SessionUser, runId: string): Promise<void> {
  await queryEngine().cancel(engineQueryId(user, runId));
}
