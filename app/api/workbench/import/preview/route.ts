import { defineRoute } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { SAMPLE_BYTES, previewCsv } from "@/lib/warehouse/csv/import";
import { importTargetSchema } from "@/lib/workbench/schemas";
import { fromZodIssues } from "@/lib/errors";

/** The start of a CSV file (≤ 1 MiB, sliced by the browser) → columns and inferred types. */
export const POST = defineRoute({}, async (request) => {
  const target = importTargetSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!target.success) throw fromZodIssues(target.error.issues);
  const sample = new Uint8Array(await request.arrayBuffer());
  if (sample.length === 0) throw new AppError("invalid_input", "file: the file is empty (0 bytes)");
  if (sample.length > SAMPLE_BYTES) throw new AppError("invalid_input", `file: send at most the first ${SAMPLE_BYTES} bytes for the check`);
  return Response.json(await previewCsv(sample, { ...target.data, sampleBytes: SAMPLE_BYTES }));
});
