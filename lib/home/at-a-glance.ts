import "server-only";
/**
 * The home page's "at a glance" for one user: what needs them (authentications to reconnect,
 * schedules failing or disabled), what is moving (running jobs, Kakao still processing customer
 * files), and what happened (exports per day, from lib/jobs/stats.ts). Always the user's own
 * objects, admins included: the Jobs page is where admins see everyone's.
 */
import { db } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { exportsPerDay, type ExportDay } from "@/lib/jobs/stats";

export interface AtAGlance {
  reconnect: { id: number; name: string; reason: string | null }[];
  schedules: { id: number; name: string; cron: string; timezone: string; enabled: boolean; failures: number; disabledReason: string | null; lastJob: { id: number; status: string } | null }[];
  running: { id: number; status: "queued" | "running"; fileName: string | null; rowsRead: number; rowsExported: number; bytesExported: number; filesDone: number; startedAt: string | null; killRequested: boolean }[];
  waiting: { jobId: number; name: string; kakaoStatus: string; uploadedAt: string | null }[];
  days: ExportDay[];
  counts: { authentications: number; queries: number; jobs: number };
}

const LIMIT = 10;

export async function atAGlance(user: SessionUser, now = new Date()): Promise<AtAGlance> {
  const own = { ownerId: user.id };
  const [reconnect, scheduled, running, waiting, days, authentications, queries, jobs] = await Promise.all([
    db.authentication.findMany({ where: { ...own, status: "reconnect_needed" }, select: { id: true, name: true, statusReason: true }, orderBy: { name: "asc" }, take: LIMIT }),
    db.savedQuery.findMany({
      where: { ...own, scheduleCron: { not: null }, NOT: { scheduleCron: "" }, OR: [{ scheduleEnabled: false, scheduleDisabledReason: { not: null } }, { scheduleConfigFailures: { gt: 0 } }, { jobs: { some: { scheduledAt: { not: null }, status: "error" } } }] },
      select: {
        id: true,
        name: true,
        scheduleCron: true,
        scheduleTimezone: true,
        scheduleEnabled: true,
        scheduleConfigFailures: true,
        scheduleDisabledReason: true,
        jobs: { where: { scheduledAt: { not: null } }, orderBy: { id: "desc" }, take: 1, select: { id: true, status: true } },
      },
      orderBy: { updatedAt: "desc" },
      take: 50,
    }),
    db.job.findMany({
      where: { ...own, status: { in: ["queued", "running"] } },
      select: { id: true, status: true, exportSettings: true, rowsRead: true, rowsExported: true, bytesExported: true, filesDone: true, startedAt: true, killRequested: true },
      orderBy: { id: "desc" },
      take: LIMIT,
    }),
    db.jobFile.findMany({
      where: { job: own, status: "uploaded", kakaoStatus: { in: ["WAITING", "MODIFYING"] } },
      select: { jobId: true, name: true, kakaoStatus: true, uploadedAt: true },
      orderBy: { id: "desc" },
      take: LIMIT,
    }),
    exportsPerDay(user, 30, { ownerId: user.id, now }),
    db.authentication.count({ where: own }),
    db.savedQuery.count({ where: { ...own, activation: null } }),
    db.job.count({ where: own }),
  ]);
  // "Failing": disabled, or its latest scheduled run failed (a later success clears it).
  const schedules = scheduled
    .map((q) => ({ id: q.id, name: q.name, cron: q.scheduleCron ?? "", timezone: q.scheduleTimezone, enabled: q.scheduleEnabled, failures: q.scheduleConfigFailures, disabledReason: q.scheduleDisabledReason, lastJob: q.jobs[0] ?? null }))
    .filter((q) => !q.enabled || q.failures > 0 || q.lastJob?.status === "error")
    .slice(0, LIMIT);
  return {
    reconnect: reconnect.map((a) => ({ id: a.id, name: a.name, reason: a.statusReason })),
    schedules,
    running: running.map((job) => ({
      id: job.id,
      status: job.status as "queued" | "running",
      fileName: (job.exportSettings as { file_name?: string } | null)?.file_name ?? null,
      rowsRead: Number(job.rowsRead),
      rowsExported: Number(job.rowsExported),
      bytesExported: Number(job.bytesExported),
      filesDone: job.filesDone,
      startedAt: job.startedAt?.toISOString() ?? null,
      killRequested: job.killRequested,
    })),
    waiting: waiting.map((f) => ({ jobId: f.jobId, name: f.name, kakaoStatus: f.kakaoStatus ?? "WAITING", uploadedAt: f.uploadedAt?.toISOString() ?? null })),
    days,
    counts: { authentications, queries, jobs },
  };
}
