/** Inputs of the workflow actions and routes (one zod schema each). */
import { z } from "zod";
import { filesSchema } from "@/lib/workflows/projects";

const id = (what: string) => z.coerce.number({ error: `must be a ${what} id` }).int().positive(`must be a ${what} id`);

export const projectIdSchema = z.object({ projectId: id("project") });
export const attemptIdSchema = z.object({ attemptId: id("attempt") });
export const startWorkflowSchema = z.object({ projectId: id("project"), workflow: z.string({ error: "is required" }).min(1, "is required").max(200) });
/** A console edit: the whole set of files becomes the next revision. */
export const saveFilesSchema = z.object({ projectId: id("project"), files: filesSchema });
