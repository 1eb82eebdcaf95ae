import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { defineRoute } from "@/lib/auth/guard";
import { AppError, fromZodIssues } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/log";
import { CsvImportError, importCsv } from "@/lib/warehouse/csv/import";
import { importRequestSchema } from "@/lib/workbench/schemas";

/**
 * CSV import: the request body is the file itself, streamed into PostgreSQL's COPY (never held
 * in memory). The browser shows upload progress; the answer is the import report.
 */
export const POST = defineRoute({}, async (request, user) => {
  const params = new URL(request.url).searchParams;
  const parsed = importRequestSchema.safeParse({ ...Object.fromEntries(params), columnTypes: params.get("columnTypes") ?? undefined });
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  if (!request.body) throw new AppError("invalid_input", "file: the file is empty (0 bytes)");
  const totalBytes = Number(request.headers.get("content-length")) || undefined;
  try {
    const report = await importCsv(Readable.fromWeb(request.body as WebReadableStream<Uint8Array>), { ...parsed.data, totalBytes, signal: request.signal });
    await writeAudit({ actorId: user.id, action: "table.import", targetType: "table", targetId: `${report.database}.${report.table}`, details: { rows: report.rowsImported, rejected: report.rowsRejected, mode: report.mode } });
    return Response.json(report);
  } catch (error) {
    if (error instanceof CsvImportError) return Response.json({ error: error.code, message: error.message, report: error.report ?? null }, { status: error.status });
    throw error;
  }
});
