import { defineRoute } from "@/lib/auth/guard";
import { fromZodIssues } from "@/lib/errors";
import { QueryError } from "@/lib/engine";
import { runQuerySchema } from "@/lib/workbench/schemas";
import { runPreview } from "@/lib/workbench/queries";

/**
 * Run a query for the preview. A route handler, not a server action: Next runs a client's server
 * actions one at a time, and Cancel must reach the server while Run is still waiting.
 */
export const POST = defineRoute({}, async (request, user) => {
  const parsed = runQuerySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  try {
    return Response.json(await runPreview(user, parsed.data));
  } catch (error) {
    if (error instanceof QueryError) {
      return Response.json({ error: error.code, reason: error.reason, message: error.message, position: error.position ?? null }, { status: error.status });
    }
    throw error;
  }
});
