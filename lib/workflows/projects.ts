/**
 * Workflow projects: saving (upload or console edit → a new revision, every one kept), listing,
 * reading. A revision is stored only when every file passes checkProject() and every
 * result_connection names one of the owner's authentications; otherwise nothing is stored and
 * the error lists each problem with its file, line and key.
 */
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { checkProject, formatProblem, type Problem, type WorkflowDef } from "@/lib/workflows/parser";
import { nextSlot } from "@/lib/workflows/schedule";

export const projectNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9_.\-]+$/, "may hold letters, digits, _ . and - only");

export const filesSchema = z.record(z.string().min(1).max(300), z.string().max(1_000_000), { error: "must be the project's files" });

/** Problems → one error value: the message lists them (file:line: key: message), one a line. */
export function problemsError(problems: Problem[]): AppError {
  const shown = problems.slice(0, 20).map(formatProblem);
  const more = problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : "";
  const fieldErrors: Record<string, string> = {};
  for (const p of problems) fieldErrors[`${p.file}:${p.line}`] ??= formatProblem(p);
  return new AppError("invalid_input", `The project has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${shown.join("\n")}${more}`, fieldErrors);
}

export async function ownerOf(ownerId: string): Promise<SessionUser> {
  const user = await db.user.findUniqueOrThrow({ where: { id: ownerId }, select: { id: true, email: true, name: true, role: true } });
  return user;
}

/**
 * result_connection names must be authentications of the project's owner. Another user's
 * authentication of that name is "not found" exactly like a missing one (no existence leak).
 */
export async function connectionProblems(ownerId: string, connections: { name: string; file: string; line: number; key: string }[]): Promise<Problem[]> {
  if (connections.length === 0) return [];
  const found = new Set(
    (await db.authentication.findMany({ where: { ownerId, name: { in: [...new Set(connections.map((c) => c.name))] } }, select: { name: true } })).map((a) => a.name),
  );
  return connections
    .filter((c) => !found.has(c.name))
    .map((c) => ({ file: c.file, line: c.line, key: c.key, message: `no authentication named "${c.name}" (connect one in Integrations Hub, or use the name of one of yours)` }));
}

async function validate(ownerId: string, files: Record<string, string>): Promise<WorkflowDef[]> {
  const checked = checkProject(files);
  if (checked.problems.length) throw problemsError(checked.problems);
  const missing = await connectionProblems(ownerId, checked.connections);
  if (missing.length) throw problemsError(missing);
  return checked.workflows;
}

export interface SaveProjectInput {
  /** An existing project to add a revision to; absent = a new project named `name`. */
  projectId?: number;
  name?: string;
  files: Record<string, string>;
}

/** Store a new revision (and the project, when new); schedules follow the new revision. */
export async function saveProject(user: SessionUser, input: SaveProjectInput, options: { now?: Date } = {}): Promise<{ id: number; name: string; revision: number }> {
  const now = options.now ?? new Date();
  const files = filesSchema.parse(input.files);
  let project: { id: number; name: string; ownerId: string } | null = null;
  if (input.projectId) {
    project = await db.workflowProject.findUnique({ where: { id: input.projectId }, select: { id: true, name: true, ownerId: true } });
    assertCanUse(user, project?.ownerId, "Project");
  }
  const ownerId = project?.ownerId ?? user.id;
  const name = project ? project.name : projectNameSchema.safeParse(input.name);
  if (typeof name !== "string" && !name.success) throw new AppError("invalid_input", `name: ${name.error.issues[0]!.message}`, { name: name.error.issues[0]!.message });
  const projectName = typeof name === "string" ? name : name.data;
  const workflows = await validate(ownerId, files);
  const connections = [...new Set(checkProject(files).connections.map((c) => c.name))];

  try {
    return await db.$transaction(async (tx) => {
      const row = project
        ? await tx.workflowProject.update({ where: { id: project.id }, data: { latestRevision: { increment: 1 } }, select: { id: true, name: true, latestRevision: true } })
        : await tx.workflowProject.create({ data: { ownerId, name: projectName, latestRevision: 1 }, select: { id: true, name: true, latestRevision: true } });
      await tx.workflowRevision.create({
        data: { projectId: row.id, revision: row.latestRevision, files, workflows: workflows.map((w) => w.name), connections, authorEmail: user.email },
      });
      const scheduled = workflows.filter((w) => w.schedule);
      await tx.workflowSchedule.deleteMany({ where: { projectId: row.id, workflowName: { notIn: scheduled.map((w) => w.name) } } });
      for (const w of scheduled) {
        const s = w.schedule!;
        const data = { spec: s.spec as unknown as Prisma.InputJsonValue, label: s.label, timezone: w.timezone, nextAt: nextSlot(s.spec, now, w.timezone).runAt };
        await tx.workflowSchedule.upsert({ where: { projectId_workflowName: { projectId: row.id, workflowName: w.name } }, create: { projectId: row.id, workflowName: w.name, ...data }, update: data });
      }
      return { id: row.id, name: row.name, revision: row.latestRevision };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", `name: you already have a project named "${projectName}"`, { name: "is already used by another of your projects" });
    }
    throw error;
  }
}

export async function getProject(user: SessionUser, id: number) {
  const project = await db.workflowProject.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      ownerId: true,
      owner: { select: { email: true } },
      latestRevision: true,
      createdAt: true,
      updatedAt: true,
      schedules: { select: { workflowName: true, label: true, timezone: true, nextAt: true }, orderBy: { workflowName: "asc" } },
      revisions: { select: { revision: true, createdAt: true, authorEmail: true, workflows: true }, orderBy: { revision: "desc" } },
    },
  });
  assertCanUse(user, project?.ownerId, "Project");
  return project!;
}

/** A revision's files (the latest when `revision` is absent). */
export async function getRevision(user: SessionUser, projectId: number, revision?: number) {
  const project = await db.workflowProject.findUnique({ where: { id: projectId }, select: { ownerId: true, latestRevision: true } });
  assertCanUse(user, project?.ownerId, "Project");
  const row = await db.workflowRevision.findUnique({ where: { projectId_revision: { projectId, revision: revision ?? project!.latestRevision } } });
  if (!row) throw new AppError("not_found", "Revision not found");
  return { ...row, files: row.files as Record<string, string> };
}

/** Projects with their workflows, schedules and last run; marketers see their own, admins all. */
export async function listProjects(user: SessionUser) {
  const projects = await db.workflowProject.findMany({
    where: user.role === "admin" ? {} : { ownerId: user.id },
    orderBy: { updatedAt: "desc" },
    select: {
      id: true,
      name: true,
      latestRevision: true,
      updatedAt: true,
      owner: { select: { email: true } },
      schedules: { select: { workflowName: true, label: true, timezone: true, nextAt: true }, orderBy: { workflowName: "asc" } },
      revisions: { select: { workflows: true }, orderBy: { revision: "desc" }, take: 1 },
      attempts: { select: { id: true, status: true, createdAt: true, finishedAt: true, session: { select: { workflowName: true } } }, orderBy: { id: "desc" }, take: 1 },
    },
  });
  return projects.map(({ revisions, attempts, ...p }) => ({ ...p, workflows: revisions[0]?.workflows ?? [], lastAttempt: attempts[0] ?? null }));
}

export async function deleteProject(user: SessionUser, id: number): Promise<{ id: number; name: string }> {
  const project = await db.workflowProject.findUnique({ where: { id }, select: { id: true, name: true, ownerId: true } });
  assertCanUse(user, project?.ownerId, "Project");
  const running = await db.workflowAttempt.count({ where: { projectId: id, status: "running" } });
  if (running) throw new AppError("conflict", `"${project!.name}" has ${running} running attempt(s); kill them first`);
  await db.workflowProject.delete({ where: { id } });
  return { id, name: project!.name };
}

/** Projects whose latest revision exports through this authentication (by name), for findUsages. */
export async function projectsUsingAuthentication(ownerId: string, name: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    select p.name from workflow_projects p
    join workflow_revisions r on r.project_id = p.id and r.revision = p.latest_revision
    where p.owner_id = ${ownerId} and ${name} = any(r.connections)
    order by p.name`;
  return rows.map((r) => r.name);
}
