"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/guard";
import { scheduleSchema } from "@/lib/schedule/schemas";
import { pauseSchedule, resumeSchedule, runNow, setSchedule } from "@/lib/schedule/schedules";

const savedQueryIdSchema = z.object({ savedQueryId: z.number().int().positive() });

const refresh = (id: number) => {
  revalidatePath("/workbench/queries");
  revalidatePath(`/workbench/queries/${id}`);
};

export const setScheduleAction = defineAction(
  { schema: z.object({ savedQueryId: z.number().int().positive(), schedule: scheduleSchema }) },
  async (input, user) => {
    await setSchedule(user, input.savedQueryId, input.schedule);
    refresh(input.savedQueryId);
    return { savedQueryId: input.savedQueryId };
  },
);

export const pauseScheduleAction = defineAction({ schema: savedQueryIdSchema }, async (input, user) => {
  await pauseSchedule(user, input.savedQueryId);
  refresh(input.savedQueryId);
  return { savedQueryId: input.savedQueryId };
});

export const resumeScheduleAction = defineAction({ schema: savedQueryIdSchema }, async (input, user) => {
  await resumeSchedule(user, input.savedQueryId);
  refresh(input.savedQueryId);
  return { savedQueryId: input.savedQueryId };
});

export const runNowAction = defineAction({ schema: savedQueryIdSchema }, async (input, user) => {
  const job = await runNow(user, input.savedQueryId);
  refresh(input.savedQueryId);
  return { jobId: job.id };
});
