/** Job statistics for the Jobs page chart: successful exports per day. */
import { db, Prisma } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";

export interface ExportDay {
  /** YYYY-MM-DD, UTC (the console's time zone). */
  day: string;
  jobs: number;
  rowsExported: number;
  files: number;
}

const DAY_MS = 86_400_000;

/**
 * One row per day for the last `days` days (today included, oldest first, empty days as zeros),
 * counting successful jobs by the day they finished. Marketers count their own jobs; admins
 * everyone's, or one user's with `ownerId` (the Jobs page's user filter).
 */
export async function exportsPerDay(user: SessionUser, days = 30, options: { ownerId?: string; now?: Date } = {}): Promise<ExportDay[]> {
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const end = new Date(today + DAY_MS).toISOString().slice(0, 10);
  const ownerId = user.role === "admin" ? options.ownerId : user.id;
  // export_days is kept by a trigger on jobs (migration export_days): ~one row per owner and day,
  // so the chart costs the same with a thousand jobs or a million.
  const rows = await db.$queryRaw<{ day: string; jobs: number; rows_exported: string; files: number }[]>`
    select to_char(day, 'YYYY-MM-DD') as day,
           sum(jobs)::int as jobs,
           coalesce(sum(rows_exported), 0)::text as rows_exported,
           coalesce(sum(files), 0)::int as files
      from export_days
     where day >= ${first}::date
       and day < ${end}::date
       ${ownerId ? Prisma.sql`and owner_id = ${ownerId}` : Prisma.empty}
     group by 1
     order by 1`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, jobs: row?.jobs ?? 0, rowsExported: row ? Number(row.rows_exported) : 0, files: row?.files ?? 0 };
  });
}

/**
 * Count a job that just succeeded in export_days (what the chart reads), in the transaction that
 * marks it successful. Every path to "success" goes through finishSuccessfully below.
 */
export async function finishSuccessfully(jobId: number, data: Prisma.JobUpdateInput): Promise<void> {
  await db.$transaction(async (tx) => {
    const job = await tx.job.update({ where: { id: jobId }, data: { ...data, status: "success" }, select: { ownerId: true, finishedAt: true, rowsExported: true, filesDone: true } });
    const day = (job.finishedAt ?? new Date()).toISOString().slice(0, 10);
    await tx.$executeRaw`
      insert into export_days (owner_id, day, jobs, rows_exported, files)
      values (${job.ownerId}, ${day}::date, 1, ${job.rowsExported}, ${job.filesDone})
      on conflict (owner_id, day) do update
        set jobs = export_days.jobs + 1,
            rows_exported = export_days.rows_exported + excluded.rows_exported,
            files = export_days.files + excluded.files`;
  });
}
