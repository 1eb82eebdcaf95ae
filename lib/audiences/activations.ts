/**
 * Activations: a segment exported to Kakao Moment as a customer file. Details are the Export
 * Results settings (one schema), the Output Mapping must pass the Kakao adid check before anything
 * is saved, and the Schedule is the Schedules issue's scheduler.
 *
 * Each activation runs through a hidden saved query (`activation.savedQueryId`), the scheduler's
 * unit: its SQL is the segment's compiled rules with the mapping (values as bind parameters), kept
 * current whenever the segment, its parent or the activation changes. So a run — Run now or
 * scheduled — is an ordinary job on the ordinary pipeline, with the activation and segment recorded
 * on it; schedules, catch-up, auto-disable and notifications are shared, not re-implemented.
 */
import { db, Prisma } from "@/lib/db";
import { AppError, fromZodIssues } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { PREVIEW_TIMEOUT_MS, queryEngine, type ColumnInfo, type QueryRow } from "@/lib/engine";
import { checkAdidColumns, type AdidCheck } from "@/lib/export/adid-check";
import type { ExportSettings } from "@/lib/export/settings";
import { getAuthenticationFor } from "@/lib/authentications/authentications";
import { getSchedule, loadOwner, runNow, setSchedule, type ScheduleView } from "@/lib/schedule/schedules";
import type { JobDetail } from "@/lib/jobs/jobs";
import { mappedColumns, type Mapping, type MappingInput } from "@/lib/audiences/mapping";
import type { RuleTree } from "@/lib/audiences/rules";
import { activationSql } from "@/lib/audiences/sql";
import { shapeOf } from "@/lib/audiences/parent-segments";
import { getSegment } from "@/lib/audiences/segments";
import { activationInputSchema, mappingPreviewSchema, updateActivationSchema, type ActivationInput } from "@/lib/audiences/schemas";
import type { z } from "zod";

const activationSelect = {
  id: true,
  segmentId: true,
  ownerId: true,
  name: true,
  authenticationId: true,
  authentication: { select: { name: true } },
  exportSettings: true,
  mapping: true,
  notifyEmails: true,
  notifyOnSuccess: true,
  notifyOnFailure: true,
  savedQueryId: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.ActivationSelect;

type ActivationRow = Prisma.ActivationGetPayload<{ select: typeof activationSelect }>;
export type ActivationView = Omit<ActivationRow, "exportSettings" | "mapping"> & { exportSettings: ExportSettings; mapping: Mapping; schedule: ScheduleView };

async function toView(user: SessionUser, row: ActivationRow): Promise<ActivationView> {
  return { ...row, exportSettings: row.exportSettings as unknown as ExportSettings, mapping: row.mapping as unknown as Mapping, schedule: await getSchedule(user, row.savedQueryId) };
}

export async function listActivations(user: SessionUser, segmentId: number): Promise<ActivationView[]> {
  await getSegment(user, segmentId);
  const rows = await db.activation.findMany({ where: { segmentId }, select: activationSelect, orderBy: { name: "asc" } });
  return Promise.all(rows.map((row) => toView(user, row)));
}

export async function getActivation(user: SessionUser, id: number): Promise<ActivationView> {
  const row = await db.activation.findUnique({ where: { id }, select: activationSelect });
  assertCanUse(user, row?.ownerId, "Activation");
  return toView(user, row!);
}

type Segment = Awaited<ReturnType<typeof getSegment>>;

/** The mapping must produce exactly one string column named adid: Kakao customer files carry nothing else. */
function checkMapping(segment: Segment, mapping: MappingInput): void {
  const columns = mappedColumns(mapping, { keyColumn: segment.parent.keyColumn, attributes: segment.parent.attributes, segmentId: segment.id, segmentName: segment.name, audienceId: segment.parent.id });
  const check = checkAdidColumns(columns);
  if (!check.ok) throw new AppError("invalid_input", `mapping: ${check.message}`, { mapping: check.message });
}

function compiled(segment: Segment, mapping: MappingInput) {
  return activationSql(shapeOf(segment.parent), { id: segment.id, name: segment.name, rules: segment.rules }, mapping);
}

function carrierName(segmentId: number, name: string): string {
  return `activation ${segmentId}/${name}`;
}

function duplicate(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", `name: this segment already has an activation named "${name}"`, { name: "is already used by another activation of this segment" });
  }
  throw error;
}

/** Validate everything before writing anything: input, segment, the owner's authentication, mapping. */
async function prepare(user: SessionUser, input: z.output<typeof activationInputSchema>) {
  const segment = await getSegment(user, input.segmentId);
  const owner = segment.ownerId === user.id ? user : await loadOwner(segment.ownerId);
  try {
    await getAuthenticationFor(owner, input.authenticationId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("invalid_input", "authenticationId: choose one of the segment owner's authentications", { authenticationId: "not found" });
    throw error;
  }
  checkMapping(segment, input.mapping);
  return { segment, query: compiled(segment, input.mapping) };
}

/** The activation's own columns, the same for create and update. */
function activationFields(data: z.output<typeof activationInputSchema>) {
  return {
    name: data.name,
    authenticationId: data.authenticationId,
    exportSettings: data.exportSettings as unknown as Prisma.InputJsonValue,
    mapping: data.mapping as unknown as Prisma.InputJsonValue,
    notifyEmails: data.notifications.emails,
    notifyOnSuccess: data.notifications.onSuccess,
    notifyOnFailure: data.notifications.onFailure,
  };
}

export async function createActivation(user: SessionUser, input: ActivationInput): Promise<ActivationView> {
  const parsed = activationInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const data = parsed.data;
  const { segment, query } = await prepare(user, data);
  let created: ActivationRow;
  try {
    created = await db.$transaction(async (tx) => {
      const carrier = await tx.savedQuery.create({
        data: {
          ownerId: segment.ownerId,
          name: carrierName(segment.id, data.name),
          database: segment.parent.database,
          sql: query.sql,
          sqlParams: query.params as Prisma.InputJsonValue,
          exportAuthenticationId: data.authenticationId,
          exportSettings: data.exportSettings as unknown as Prisma.InputJsonValue,
          notifyOnSuccess: data.notifications.onSuccess,
        },
        select: { id: true },
      });
      return tx.activation.create({
        data: { segmentId: segment.id, ownerId: segment.ownerId, savedQueryId: carrier.id, ...activationFields(data) },
        select: activationSelect,
      });
    });
  } catch (error) {
    return duplicate(error, data.name);
  }
  if (data.schedule.cron) await setSchedule(user, created.savedQueryId, { ...data.schedule, notifyOnSuccess: data.notifications.onSuccess });
  return toView(user, created);
}

export async function updateActivation(user: SessionUser, input: z.input<typeof updateActivationSchema>): Promise<ActivationView> {
  const parsed = updateActivationSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const data = parsed.data;
  const current = await getActivation(user, data.id);
  if (current.segmentId !== data.segmentId) throw new AppError("invalid_input", "segmentId: an activation cannot move to another segment", { segmentId: "cannot change" });
  const { segment, query } = await prepare(user, data);
  let updated: ActivationRow;
  try {
    updated = await db.$transaction(async (tx) => {
      await tx.savedQuery.update({
        where: { id: current.savedQueryId },
        data: {
          name: carrierName(segment.id, data.name),
          sql: query.sql,
          sqlParams: query.params as Prisma.InputJsonValue,
          exportAuthenticationId: data.authenticationId,
          exportSettings: data.exportSettings as unknown as Prisma.InputJsonValue,
        },
      });
      return tx.activation.update({
        where: { id: current.id },
        data: activationFields(data),
        select: activationSelect,
      });
    });
  } catch (error) {
    return duplicate(error, data.name);
  }
  await setSchedule(user, updated.savedQueryId, { ...data.schedule, notifyOnSuccess: data.notifications.onSuccess });
  return toView(user, updated);
}

export async function deleteActivation(user: SessionUser, id: number): Promise<ActivationView> {
  const current = await getActivation(user, id);
  // The carrier query goes, and the activation with it (cascade); past jobs stay in the log.
  await db.savedQuery.delete({ where: { id: current.savedQueryId } });
  return current;
}

/** Run now: an ordinary job of the activation's query (see the header). */
export async function runActivation(user: SessionUser, id: number): Promise<JobDetail> {
  const current = await getActivation(user, id);
  return runNow(user, current.savedQueryId);
}

export interface MappingPreview {
  columns: ColumnInfo[];
  rows: QueryRow[];
  adidCheck: AdidCheck;
  sql: string;
  totalRows: null;
  truncated: boolean;
  elapsedMs: number;
}

/** The first rows of the mapped output and the Kakao adid check, before Create. */
export async function previewMapping(user: SessionUser, input: z.input<typeof mappingPreviewSchema>): Promise<MappingPreview> {
  const parsed = mappingPreviewSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const segment = await getSegment(user, parsed.data.segmentId);
  const query = compiled(segment, parsed.data.mapping);
  const result = await queryEngine().preview(query.sql, { database: segment.parent.database, timeoutMs: PREVIEW_TIMEOUT_MS, params: query.params, limitRows: 10, countTotal: false });
  return { columns: result.columns, rows: result.rows, adidCheck: checkAdidColumns(result.columns), sql: query.sql, totalRows: null, truncated: result.truncated, elapsedMs: result.elapsedMs };
}

/**
 * Re-compile the queries of a segment's activations (after the segment or its parent changed), in
 * the caller's transaction. A mapping that no longer compiles refuses the change, naming the activation.
 */
export async function recompileActivations(tx: Prisma.TransactionClient, segmentId: number): Promise<void> {
  const segment = await tx.segment.findUniqueOrThrow({
    where: { id: segmentId },
    select: { id: true, name: true, rules: true, parentSegment: { select: { id: true, database: true, table: true, keyColumn: true, attributes: true } } },
  });
  const activations = await tx.activation.findMany({ where: { segmentId }, select: { name: true, mapping: true, savedQueryId: true } });
  const parent = segment.parentSegment as unknown as Segment["parent"];
  for (const activation of activations) {
    let query;
    try {
      query = activationSql(shapeOf(parent), { id: segment.id, name: segment.name, rules: segment.rules as unknown as RuleTree }, activation.mapping as unknown as MappingInput);
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, `activation "${activation.name}": ${error.message}`, error.fieldErrors);
      throw error;
    }
    await tx.savedQuery.update({ where: { id: activation.savedQueryId }, data: { database: parent.database, sql: query.sql, sqlParams: query.params as Prisma.InputJsonValue } });
  }
}
