import { defineRoute } from "@/lib/auth/guard";
import { fromZodIssues } from "@/lib/errors";
import { cancelQuerySchema } from "@/lib/workbench/schemas";
import { cancelRun } from "@/lib/workbench/queries";

/** Cancel a running preview: stops the backend (pg_cancel_backend), not just the browser's wait. */
export const POST = defineRoute({}, async (request, user) => {
  const parsed = cancelQuerySchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  await cancelRun(user, parsed.data.runId);
  return Response.json({ cancelled: true });
});
