"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { jobIdSchema } from "@/lib/jobs/schemas";
import { killJob, retryJob } from "@/lib/jobs/jobs";

const refresh = (id: number) => {
  revalidatePath("/jobs");
  revalidatePath(`/jobs/${id}`);
};

/** Kill a queued or running job (owners and admins; killJob checks who may see it). */
export const killJobAction = defineAction(
  { schema: jobIdSchema },
  async (input, user) => {
    const { formerStatus } = await killJob(user, input.id);
    refresh(input.id);
    return { id: input.id, formerStatus };
  },
  (input, result) => ({ action: "job.kill", targetType: "job", targetId: String(input.id), details: { formerStatus: result.formerStatus } }),
);

/** Retry a failed or killed job: the same job is queued again. */
export const retryJobAction = defineAction(
  { schema: jobIdSchema },
  async (input, user) => {
    const job = await retryJob(user, input.id);
    refresh(input.id);
    return { id: job.id, status: job.status, retries: job.retries };
  },
  (input, result) => ({ action: "job.retry", targetType: "job", targetId: String(input.id), details: { retries: result.retries } }),
);
