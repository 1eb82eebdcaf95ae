/**
 * Running workflow attempts: a step-wise state machine over WorkflowTask rows.
 *
 * Why step-wise: a td> task issues a job (issueJob — the same pipeline and pages as any export) and
 * waits for it, which can take many minutes. Holding a pg-boss worker slot for that would starve
 * the exports themselves, so nothing here blocks: `advanceAttempt()` looks at the attempt once —
 * starts what can start, records what finished, decides retries and _error blocks — and returns
 * when it should look again. `wake()` runs one advance and queues the next on pg-boss
 * (QUEUES.advanceWorkflow, startAfter = that time, at most WAKE_MAX_MS ahead).
 *
 * Safety: one process advances an attempt at a time (a short lease on the row); each queued wake
 * carries a token and only the latest token continues, so duplicate messages die out instead of
 * multiplying; the scheduler's tickWorkflows() wakes attempts whose next check is long overdue (a
 * lost message, a dead worker). A td> task's job has a domain key per (task, try), so a crash
 * between issuing the job and recording it cannot issue a second one.
 *
 * Semantics (digdag's): +tasks run in order; a failed task fails its group; a group's or task's
 * `_retry` runs it again (groups re-run all their tasks) after interval (constant/exponential);
 * when retries are used up the group's `_error` tasks run, then the failure goes up. Retrying an
 * attempt makes a new attempt of the session that reuses every task that succeeded. Killing stops
 * the running jobs (killJob) and cancels the rest.
 */
import crypto from "node:crypto";
import os from "node:os";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import { issueJob, killJob } from "@/lib/jobs/jobs";
import { QUEUES, queue } from "@/lib/jobs/queue";
import { checkProject, formatProblem, resolveTd, retryDelaySeconds, type Problem, type RetrySpec, type TaskDef, type WorkflowDef } from "@/lib/workflows/parser";
import { connectionProblems, ownerOf, problemsError } from "@/lib/workflows/projects";

/** How often a running td> task's job is looked at. */
export const POLL_MS = 2_000;
/** A queued wake is never further ahead than this (a kill is seen within it even if its wake was lost). */
export const WAKE_MAX_MS = 10_000;
const LEASE_MS = 60_000;
const owner = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

type TaskStatus = "blocked" | "running" | "retry_waiting" | "success" | "error" | "killed" | "canceled";
const FINISHED_TASK = new Set(["success", "error", "killed", "canceled"]);

/** What a task row stores of its definition (the parsed node without its subtree). */
interface StoredDef {
  name: string;
  fullName: string;
  file: string;
  line: number;
  kind: "group" | "td";
  scope: Record<string, unknown>;
  retry: RetrySpec | null;
  td: TaskDef["td"];
  /** "error" for the ^error block of its parent. */
  role: "task" | "error";
}

type TaskRow = Prisma.WorkflowTaskGetPayload<{ select: typeof taskRowSelect }>;
const taskRowSelect = {
  id: true,
  seq: true,
  parentSeq: true,
  fullName: true,
  kind: true,
  definition: true,
  status: true,
  retryCount: true,
  retryAt: true,
  startedAt: true,
  jobId: true,
  jobIds: true,
} as const satisfies Prisma.WorkflowTaskSelect;

interface Node {
  row: TaskRow;
  def: StoredDef;
  children: Node[];
  error: Node | null;
}

/** Depth-first rows of a workflow's task tree (what an attempt runs). */
export function flattenTasks(root: TaskDef): { seq: number; parentSeq: number | null; fullName: string; kind: string; isError: boolean; definition: StoredDef }[] {
  const rows: ReturnType<typeof flattenTasks> = [];
  const visit = (task: TaskDef, parentSeq: number | null, role: "task" | "error", inError: boolean) => {
    const seq = rows.length;
    const { children, error, ...rest } = task;
    rows.push({ seq, parentSeq, fullName: task.fullName, kind: task.kind, isError: inError || role === "error", definition: { ...rest, role } });
    for (const child of children) visit(child, seq, "task", inError || role === "error");
    if (error) visit(error, seq, "error", true);
  };
  visit(root, null, "task", false);
  return rows;
}

function buildTree(rows: TaskRow[]): Node {
  const nodes = new Map<number, Node>();
  for (const row of rows) nodes.set(row.seq, { row, def: row.definition as unknown as StoredDef, children: [], error: null });
  let root: Node | undefined;
  for (const node of nodes.values()) {
    if (node.row.parentSeq === null) root = node;
    else {
      const parent = nodes.get(node.row.parentSeq)!;
      if (node.def.role === "error") parent.error = node;
      else parent.children.push(node);
    }
  }
  for (const node of nodes.values()) node.children.sort((a, b) => a.row.seq - b.row.seq);
  return root!;
}

// ─── Starting attempts ───────────────────────────────────────────────────────────────────────────

interface Prepared {
  workflow: WorkflowDef;
  files: Record<string, string>;
  revisionId: number;
  owner: SessionUser;
}

/**
 * Everything checked before an attempt exists ("nothing half-run"): the workflow parses, every
 * td> task resolves with this session's values, and its result_connection is one of the owner's.
 */
async function prepare(projectId: number, revisionId: number, workflowName: string, sessionTime: Date): Promise<Prepared> {
  const revision = await db.workflowRevision.findUniqueOrThrow({ where: { id: revisionId }, select: { id: true, files: true, project: { select: { ownerId: true } } } });
  const files = revision.files as Record<string, string>;
  const checked = checkProject(files);
  if (checked.problems.length) throw problemsError(checked.problems);
  const workflow = checked.workflows.find((w) => w.name === workflowName);
  if (!workflow) throw new AppError("not_found", `workflow: the project has no workflow named "${workflowName}"`, { workflow: "not found" });
  const problems: Problem[] = [];
  const connections: { name: string; file: string; line: number; key: string }[] = [];
  const visit = (task: TaskDef) => {
    if (task.kind === "td") {
      const { td, problems: found } = resolveTd(task, files, { sessionTime, timezone: workflow.timezone, attemptId: 0 });
      problems.push(...found);
      if (td?.resultConnection) connections.push({ name: td.resultConnection, file: task.file, line: task.td!.lines.result_connection ?? task.line, key: `${task.name}.result_connection` });
    }
    task.children.forEach(visit);
    if (task.error) visit(task.error);
  };
  visit(workflow.root);
  problems.push(...(await connectionProblems(revision.project.ownerId, connections)));
  if (problems.length) throw problemsError(problems);
  return { workflow, files, revisionId, owner: await ownerOf(revision.project.ownerId) };
}

async function createAttempt(sessionId: number, projectId: number, prepared: Prepared, createdBy: string | null, reuse?: Map<string, TaskRow & { variables?: unknown; params?: unknown }>): Promise<number> {
  const rows = flattenTasks(prepared.workflow.root);
  return db.$transaction(async (tx) => {
    const last = await tx.workflowAttempt.findFirst({ where: { sessionId }, orderBy: { index: "desc" }, select: { index: true } });
    const attempt = await tx.workflowAttempt.create({
      data: { sessionId, projectId, revisionId: prepared.revisionId, index: (last?.index ?? 0) + 1, timezone: prepared.workflow.timezone, createdBy, nextCheckAt: new Date() },
      select: { id: true },
    });
    await tx.workflowTask.createMany({
      data: rows.map((r) => {
        const previous = reuse?.get(r.fullName);
        // _error tasks start fresh: they run only if this attempt fails too.
        const reused = previous && previous.status === "success" && !r.isError;
        return {
          attemptId: attempt.id,
          seq: r.seq,
          parentSeq: r.parentSeq,
          fullName: r.fullName,
          kind: r.kind,
          isError: r.isError,
          definition: r.definition as unknown as Prisma.InputJsonValue,
          ...(reused
            ? {
                status: "success",
                reusedFromId: previous.id,
                jobId: previous.jobId,
                jobIds: previous.jobIds,
                variables: (previous.variables ?? undefined) as Prisma.InputJsonValue | undefined,
                params: (previous.params ?? undefined) as Prisma.InputJsonValue | undefined,
              }
            : {}),
        };
      }),
    });
    return attempt.id;
  });
}

/** Session times are whole seconds (digdag's). */
function toSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Run a workflow of a project now (console "Run"): checks first, then a new session and attempt. */
export async function startWorkflow(user: SessionUser, input: { projectId: number; workflow: string; sessionTime?: Date }, options: { wake?: boolean } = {}): Promise<{ attemptId: number; sessionId: number }> {
  const project = await db.workflowProject.findUnique({ where: { id: input.projectId }, select: { id: true, ownerId: true, latestRevision: true } });
  assertCanUse(user, project?.ownerId, "Project");
  const revision = await db.workflowRevision.findUniqueOrThrow({ where: { projectId_revision: { projectId: project!.id, revision: project!.latestRevision } }, select: { id: true } });
  const sessionTime = toSecond(input.sessionTime ?? new Date());
  const prepared = await prepare(project!.id, revision.id, input.workflow, sessionTime);
  const session = await db.workflowSession.upsert({
    where: { projectId_workflowName_sessionTime: { projectId: project!.id, workflowName: input.workflow, sessionTime } },
    create: { projectId: project!.id, workflowName: input.workflow, sessionTime, trigger: "manual" },
    update: {},
    select: { id: true },
  });
  const attemptId = await createAttempt(session.id, project!.id, prepared, user.email);
  if (options.wake !== false) await wake(attemptId);
  return { attemptId, sessionId: session.id };
}

/**
 * A scheduled session: created once per (workflow, session time) — the unique key decides which
 * worker starts it. A run that fails its checks is recorded as a failed attempt without tasks.
 */
export async function startScheduledSession(projectId: number, workflowName: string, sessionTime: Date, options: { wake?: boolean } = {}): Promise<{ attemptId: number } | null> {
  const project = await db.workflowProject.findUnique({ where: { id: projectId }, select: { id: true, latestRevision: true } });
  if (!project) return null;
  const revision = await db.workflowRevision.findUniqueOrThrow({ where: { projectId_revision: { projectId, revision: project.latestRevision } }, select: { id: true } });
  let session: { id: number };
  try {
    session = await db.workflowSession.create({ data: { projectId, workflowName, sessionTime, trigger: "schedule" }, select: { id: true } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return null; // another worker has it
    throw error;
  }
  try {
    const prepared = await prepare(projectId, revision.id, workflowName, sessionTime);
    const attemptId = await createAttempt(session.id, projectId, prepared, null);
    if (options.wake !== false) await wake(attemptId);
    return { attemptId };
  } catch (error) {
    const message = error instanceof AppError ? error.message : "the workflow could not start (see the worker log)";
    if (!(error instanceof AppError)) console.error(`[workflows] scheduled session ${session.id}:`, error);
    const attempt = await db.workflowAttempt.create({
      data: { sessionId: session.id, projectId, revisionId: revision.id, status: "error", errorMessage: `Not started: ${message}`.slice(0, 4000), finishedAt: new Date() },
      select: { id: true },
    });
    return { attemptId: attempt.id };
  }
}

/** Retry an attempt that failed or was killed: a new attempt of its session, re-running only what did not succeed. */
export async function retryAttempt(user: SessionUser, attemptId: number, options: { wake?: boolean } = {}): Promise<{ attemptId: number }> {
  const attempt = await db.workflowAttempt.findUnique({
    where: { id: attemptId },
    select: { id: true, status: true, sessionId: true, projectId: true, revisionId: true, session: { select: { workflowName: true, sessionTime: true } }, project: { select: { ownerId: true } } },
  });
  assertCanUse(user, attempt?.project.ownerId, "Attempt");
  if (attempt!.status !== "error" && attempt!.status !== "killed") throw new AppError("conflict", `Only failed or killed attempts can be retried (attempt ${attemptId} is ${attempt!.status})`);
  const newer = await db.workflowAttempt.findFirst({ where: { sessionId: attempt!.sessionId, id: { gt: attemptId } }, select: { id: true } });
  if (newer) throw new AppError("conflict", `Attempt ${attemptId} was already retried (attempt ${newer.id})`);
  const prepared = await prepare(attempt!.projectId, attempt!.revisionId, attempt!.session.workflowName, attempt!.session.sessionTime);
  const previous = await db.workflowTask.findMany({ where: { attemptId }, select: { ...taskRowSelect, variables: true, params: true } });
  const id = await createAttempt(attempt!.sessionId, attempt!.projectId, prepared, user.email, new Map(previous.map((t) => [t.fullName, t])));
  if (options.wake !== false) await wake(id);
  return { attemptId: id };
}

/** Kill: running jobs are killed, nothing new starts, the rest is canceled. */
export async function killAttempt(user: SessionUser, attemptId: number, options: { wake?: boolean } = {}): Promise<void> {
  const attempt = await db.workflowAttempt.findUnique({ where: { id: attemptId }, select: { status: true, project: { select: { ownerId: true } } } });
  assertCanUse(user, attempt?.project.ownerId, "Attempt");
  if (attempt!.status !== "running") throw new AppError("conflict", `Attempt ${attemptId} has already finished (${attempt!.status})`);
  await db.workflowAttempt.update({ where: { id: attemptId }, data: { killRequested: true } });
  if (options.wake !== false) await wake(attemptId);
}

// ─── Advancing ───────────────────────────────────────────────────────────────────────────────────

interface Step {
  now: Date;
  attempt: { id: number; timezone: string; sessionTime: Date };
  owner: SessionUser;
  files: () => Promise<Record<string, string>>;
  waits: Date[];
}

export interface AdvanceResult {
  /** Another process holds the attempt right now (it will continue it). */
  busy: boolean;
  done: boolean;
  status: string;
  /** When to look again (a job to poll, a retry interval). */
  nextCheckAt: Date | null;
}

/** Look at an attempt once; see the header. `now` is injectable for retry intervals in tests. */
export async function advanceAttempt(attemptId: number, options: { now?: Date } = {}): Promise<AdvanceResult> {
  const now = options.now ?? new Date();
  const leased = await db.workflowAttempt.updateMany({
    where: { id: attemptId, status: "running", OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date() } }] },
    data: { leaseOwner: owner, leaseUntil: new Date(Date.now() + LEASE_MS) },
  });
  if (!leased.count) {
    const current = await db.workflowAttempt.findUnique({ where: { id: attemptId }, select: { status: true } });
    const done = !current || current.status !== "running";
    return { busy: !done, done, status: current?.status ?? "missing", nextCheckAt: null };
  }
  try {
    const attempt = await db.workflowAttempt.findUniqueOrThrow({
      where: { id: attemptId },
      select: { id: true, timezone: true, killRequested: true, revisionId: true, session: { select: { sessionTime: true } }, project: { select: { ownerId: true } } },
    });
    const rows = await db.workflowTask.findMany({ where: { attemptId }, select: taskRowSelect, orderBy: { seq: "asc" } });
    let files: Record<string, string> | undefined;
    const step: Step = {
      now,
      attempt: { id: attempt.id, timezone: attempt.timezone, sessionTime: attempt.session.sessionTime },
      owner: await ownerOf(attempt.project.ownerId),
      files: async () => (files ??= (await db.workflowRevision.findUniqueOrThrow({ where: { id: attempt.revisionId }, select: { files: true } })).files as Record<string, string>),
      waits: [],
    };
    if (attempt.killRequested) return await killStep(attemptId, rows, step);
    if (rows.length === 0) return await finish(attemptId, "error", "The attempt has no tasks");
    const outcome = await drive(buildTree(rows), step);
    if (outcome === "running") {
      const soonest = step.waits.length ? new Date(Math.min(...step.waits.map((d) => d.getTime()))) : new Date(now.getTime() + POLL_MS);
      return { busy: false, done: false, status: "running", nextCheckAt: soonest };
    }
    if (outcome === "success") return await finish(attemptId, "success", null);
    const failed = await db.workflowTask.findFirst({ where: { attemptId, status: "error", kind: "td", isError: false }, orderBy: { seq: "asc" }, select: { fullName: true, errorMessage: true } });
    return await finish(attemptId, "error", failed ? `${failed.fullName} failed: ${failed.errorMessage ?? "error"}` : "The workflow failed");
  } finally {
    await db.workflowAttempt.updateMany({ where: { id: attemptId, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
  }
}

async function finish(attemptId: number, status: "success" | "error" | "killed", message: string | null): Promise<AdvanceResult> {
  // Tasks that never ran (after a failure) are shown as canceled; a retry of the attempt runs them.
  if (status === "error") await db.workflowTask.updateMany({ where: { attemptId, status: { in: ["blocked", "retry_waiting", "running"] } }, data: { status: "canceled" } });
  await db.workflowAttempt.update({ where: { id: attemptId }, data: { status, errorMessage: message?.slice(0, 4000) ?? null, finishedAt: new Date(), nextCheckAt: null, wakeToken: null } });
  return { busy: false, done: true, status, nextCheckAt: null };
}

async function setTask(node: Node, data: Prisma.WorkflowTaskUncheckedUpdateInput): Promise<void> {
  const updated = await db.workflowTask.update({ where: { id: node.row.id }, data, select: taskRowSelect });
  node.row = updated;
}

type Outcome = "running" | "success" | "error";

async function drive(node: Node, step: Step): Promise<Outcome> {
  const status = node.row.status as TaskStatus;
  if (status === "success") return "success";
  if (status === "error" || status === "killed" || status === "canceled") return "error";
  if (node.def.kind === "td") return driveTd(node, step);

  if (status === "retry_waiting") {
    if (node.row.retryAt && node.row.retryAt > step.now) {
      step.waits.push(node.row.retryAt);
      return "running";
    }
    await resetSubtree(node);
    await setTask(node, { status: "running", retryAt: null });
  } else if (status === "blocked") {
    await setTask(node, { status: "running", startedAt: step.now, variables: { ...node.def.scope } as Prisma.InputJsonValue });
  }

  let failed: Node | null = null;
  for (const child of node.children) {
    const outcome = await drive(child, step);
    if (outcome === "running") return "running";
    if (outcome === "error") {
      failed = child;
      break;
    }
  }
  if (!failed) {
    await setTask(node, { status: "success", finishedAt: step.now });
    return "success";
  }
  if (node.def.retry && node.row.retryCount < node.def.retry.limit) {
    const retryAt = new Date(step.now.getTime() + retryDelaySeconds(node.def.retry, node.row.retryCount + 1) * 1000);
    await setTask(node, { status: "retry_waiting", retryCount: { increment: 1 }, retryAt, errorMessage: `${failed.row.fullName} failed; retrying` });
    step.waits.push(retryAt);
    return "running";
  }
  if (node.error) {
    const outcome = await drive(node.error, step);
    if (outcome === "running") return "running";
  }
  await setTask(node, { status: "error", finishedAt: step.now, errorMessage: `${failed.row.fullName} failed` });
  return "error";
}

/** Everything under a group back to blocked, for the group's next try. */
async function resetSubtree(node: Node): Promise<void> {
  const all: Node[] = [];
  const collect = (n: Node) => {
    for (const child of n.children) {
      all.push(child);
      collect(child);
    }
    if (n.error) {
      all.push(n.error);
      collect(n.error);
    }
  };
  collect(node);
  for (const n of all) await setTask(n, { status: "blocked", retryCount: 0, retryAt: null, startedAt: null, finishedAt: null, jobId: null, errorMessage: null });
}

async function driveTd(node: Node, step: Step): Promise<Outcome> {
  const status = node.row.status as TaskStatus;
  if (status === "blocked") return startTd(node, step);
  if (status === "retry_waiting") {
    if (node.row.retryAt && node.row.retryAt > step.now) {
      step.waits.push(node.row.retryAt);
      return "running";
    }
    return startTd(node, step);
  }
  // running: look at its job
  const job = node.row.jobId ? await db.job.findUnique({ where: { id: node.row.jobId }, select: { status: true, errorMessage: true } }) : null;
  if (!job) return failTry(node, step, "its job was deleted");
  if (job.status === "queued" || job.status === "running") {
    step.waits.push(new Date(step.now.getTime() + POLL_MS));
    return "running";
  }
  if (job.status === "success") {
    await setTask(node, { status: "success", finishedAt: step.now, errorMessage: null });
    return "success";
  }
  return failTry(node, step, job.status === "killed" ? `job ${node.row.jobId} was killed` : `job ${node.row.jobId} failed: ${job.errorMessage ?? "error"}`);
}

async function failTry(node: Node, step: Step, message: string): Promise<Outcome> {
  const retry = node.def.retry;
  if (retry && node.row.retryCount < retry.limit) {
    const retryAt = new Date(step.now.getTime() + retryDelaySeconds(retry, node.row.retryCount + 1) * 1000);
    await setTask(node, { status: "retry_waiting", retryCount: { increment: 1 }, retryAt, errorMessage: message.slice(0, 4000) });
    step.waits.push(retryAt);
    return "running";
  }
  await setTask(node, { status: "error", finishedAt: step.now, errorMessage: message.slice(0, 4000) });
  return "error";
}

async function startTd(node: Node, step: Step): Promise<Outcome> {
  const files = await step.files();
  const def = { ...node.def, children: [], error: null } as TaskDef;
  const { td, problems } = resolveTd(def, files, { sessionTime: step.attempt.sessionTime, timezone: step.attempt.timezone, attemptId: step.attempt.id });
  const started = node.row.startedAt ? {} : { startedAt: step.now };
  if (!td) {
    await setTask(node, started);
    return failTry(node, step, problems.map(formatProblem).join("; "));
  }
  const record = { variables: td.variables as Prisma.InputJsonValue, params: td.params as Prisma.InputJsonValue };
  let authenticationId: number | undefined;
  if (td.resultConnection) {
    const authentication = await db.authentication.findUnique({ where: { ownerId_name: { ownerId: step.owner.id, name: td.resultConnection } }, select: { id: true } });
    if (!authentication) {
      await setTask(node, { ...started, ...record });
      return failTry(node, step, `result_connection: no authentication named "${td.resultConnection}"`);
    }
    authenticationId = authentication.id;
  }
  // One job per (task, try) — tries counted by the jobs recorded so far — so a crash after issueJob
  // and before the task row is updated finds the job by its domain key instead of issuing another.
  const domainKey = `workflow-task:${node.row.id}:${node.row.jobIds.length}`;
  let jobId = (await db.job.findUnique({ where: { domainKey }, select: { id: true } }))?.id;
  if (!jobId) {
    try {
      const job = await issueJob(step.owner, {
        database: td.database,
        query: td.query,
        type: td.engine,
        priority: td.priority,
        retryLimit: td.jobRetry,
        authenticationId,
        exportSettings: td.resultSettings ?? undefined,
        domainKey,
      });
      jobId = job.id;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await setTask(node, { ...started, ...record });
      return failTry(node, step, error.message);
    }
  }
  await setTask(node, { ...started, ...record, status: "running", jobId, jobIds: { push: jobId }, retryAt: null });
  step.waits.push(new Date(step.now.getTime() + POLL_MS));
  return "running";
}

async function killStep(attemptId: number, rows: TaskRow[], step: Step): Promise<AdvanceResult> {
  let waiting = false;
  for (const row of rows) {
    if (row.status !== "running" || row.kind !== "td" || !row.jobId) continue;
    const job = await db.job.findUnique({ where: { id: row.jobId }, select: { status: true, killRequested: true } });
    if (job && (job.status === "queued" || job.status === "running")) {
      if (!job.killRequested) await killJob(step.owner, row.jobId).catch((error) => (error instanceof AppError ? undefined : Promise.reject(error)));
      const after = await db.job.findUnique({ where: { id: row.jobId }, select: { status: true } });
      if (after && (after.status === "queued" || after.status === "running")) waiting = true;
    }
  }
  if (waiting) return { busy: false, done: false, status: "running", nextCheckAt: new Date(step.now.getTime() + POLL_MS) };
  for (const row of rows) {
    if (FINISHED_TASK.has(row.status)) continue;
    await db.workflowTask.update({ where: { id: row.id }, data: { status: row.status === "running" ? "killed" : "canceled", finishedAt: step.now } });
  }
  return finish(attemptId, "killed", "Killed on request");
}

// ─── Waking ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Advance an attempt and queue its next look. `token` comes from a queued wake: a wake whose
 * token is no longer the attempt's (a newer wake was queued since) does nothing.
 */
export async function wake(attemptId: number, token?: string): Promise<AdvanceResult | null> {
  if (token) {
    const current = await db.workflowAttempt.findUnique({ where: { id: attemptId }, select: { wakeToken: true } });
    if (current?.wakeToken !== token) return null;
  }
  const result = await advanceAttempt(attemptId);
  if (result.busy || result.done) return result;
  const next = new Date(Math.min(result.nextCheckAt!.getTime(), Date.now() + WAKE_MAX_MS));
  const nextToken = crypto.randomUUID();
  await db.workflowAttempt.updateMany({ where: { id: attemptId, status: "running" }, data: { wakeToken: nextToken, nextCheckAt: next } });
  const boss = await queue();
  await boss.send(QUEUES.advanceWorkflow, { attemptId, token: nextToken }, { startAfter: next, retryLimit: 2, expireInMinutes: 15 });
  return result;
}
