/** What the workflow pages read: attempts of a project, and one attempt with its tasks and their jobs. */
import { db } from "@/lib/db";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";

export async function listAttempts(user: SessionUser, projectId: number, limit = 50) {
  const project = await db.workflowProject.findUnique({ where: { id: projectId }, select: { ownerId: true } });
  assertCanUse(user, project?.ownerId, "Project");
  return db.workflowAttempt.findMany({
    where: { projectId },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      id: true,
      index: true,
      status: true,
      createdAt: true,
      finishedAt: true,
      errorMessage: true,
      createdBy: true,
      revision: { select: { revision: true } },
      session: { select: { id: true, workflowName: true, sessionTime: true, trigger: true } },
    },
  });
}

export async function getAttempt(user: SessionUser, attemptId: number) {
  const attempt = await db.workflowAttempt.findUnique({
    where: { id: attemptId },
    select: {
      id: true,
      index: true,
      status: true,
      timezone: true,
      killRequested: true,
      createdAt: true,
      finishedAt: true,
      errorMessage: true,
      createdBy: true,
      project: { select: { id: true, name: true, ownerId: true } },
      revision: { select: { revision: true } },
      session: { select: { id: true, workflowName: true, sessionTime: true, trigger: true, attempts: { select: { id: true, index: true, status: true }, orderBy: { index: "asc" } } } },
      tasks: {
        orderBy: { seq: "asc" },
        select: {
          id: true,
          seq: true,
          parentSeq: true,
          fullName: true,
          kind: true,
          isError: true,
          status: true,
          retryCount: true,
          retryAt: true,
          startedAt: true,
          finishedAt: true,
          variables: true,
          params: true,
          errorMessage: true,
          jobIds: true,
          reusedFromId: true,
          job: { select: { id: true, status: true } },
        },
      },
    },
  });
  assertCanUse(user, attempt?.project.ownerId, "Attempt");
  const depth = new Map<number, number>();
  const tasks = attempt!.tasks.map((task) => {
    const level = task.parentSeq === null ? 0 : (depth.get(task.parentSeq) ?? 0) + 1;
    depth.set(task.seq, level);
    return { ...task, depth: level };
  });
  return { ...attempt!, tasks };
}

export type AttemptView = Awaited<ReturnType<typeof getAttempt>>;
