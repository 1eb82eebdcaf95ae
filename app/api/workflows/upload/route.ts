import { defineRoute } from "@/lib/auth/guard";
import { writeAudit } from "@/lib/audit/log";
import { uploadProject } from "@/lib/workflows/upload";

/** Upload a workflow project (several files, or a .zip / .tar / .tar.gz): a new project or a new revision. */
export const POST = defineRoute({}, async (request, user) => {
  const saved = await uploadProject(user, request);
  await writeAudit({ actorId: user.id, action: saved.revision === 1 ? "workflow.create" : "workflow.update", targetType: "workflow_project", targetId: String(saved.id), details: { name: saved.name, revision: saved.revision } });
  return Response.json(saved);
});
