"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { attemptIdSchema, projectIdSchema, saveFilesSchema, startWorkflowSchema } from "@/lib/workflows/schemas";
import { deleteProject, saveProject } from "@/lib/workflows/projects";
import { killAttempt, retryAttempt, startWorkflow } from "@/lib/workflows/runner";

/** Run a workflow now: a new session and its first attempt (checked before anything runs). */
export const startWorkflowAction = defineAction(
  { schema: startWorkflowSchema },
  async (input, user) => {
    const started = await startWorkflow(user, input);
    revalidatePath(`/workflows/${input.projectId}`);
    return started;
  },
  (input, result) => ({ action: "workflow.run", targetType: "workflow_project", targetId: String(input.projectId), details: { workflow: input.workflow, attemptId: result.attemptId } }),
);

/** Retry the failed tasks of an attempt (a new attempt of the same session). */
export const retryAttemptAction = defineAction(
  { schema: attemptIdSchema },
  async (input, user) => retryAttempt(user, input.attemptId),
  (input, result) => ({ action: "workflow.retry", targetType: "workflow_attempt", targetId: String(input.attemptId), details: { newAttemptId: result.attemptId } }),
);

export const killAttemptAction = defineAction(
  { schema: attemptIdSchema },
  async (input, user) => {
    await killAttempt(user, input.attemptId);
    return { attemptId: input.attemptId };
  },
  (input) => ({ action: "workflow.kill", targetType: "workflow_attempt", targetId: String(input.attemptId) }),
);

/** Save the console editor's files as the project's next revision. */
export const saveProjectFilesAction = defineAction(
  { schema: saveFilesSchema },
  async (input, user) => {
    const saved = await saveProject(user, { projectId: input.projectId, files: input.files });
    revalidatePath(`/workflows/${saved.id}`);
    return saved;
  },
  (_input, saved) => ({ action: "workflow.update", targetType: "workflow_project", targetId: String(saved.id), details: { name: saved.name, revision: saved.revision } }),
);

export const deleteProjectAction = defineAction(
  { schema: projectIdSchema },
  async (input, user) => {
    const deleted = await deleteProject(user, input.projectId);
    revalidatePath("/workflows");
    return deleted;
  },
  (_input, deleted) => ({ action: "workflow.delete", targetType: "workflow_project", targetId: String(deleted.id), details: { name: deleted.name } }),
);
