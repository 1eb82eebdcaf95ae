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
  // finished_at is a UTC timestamp without time zone; comparing it with ::date keeps the bounds in
  // UTC whatever the session time zone. Sums are cast so pg returns no bigint/numeric surprises.
  const rows = await db.$queryRaw<{ day: string; jobs: number; rows_exported: string; files: number }[]>`
    select to_char(date_trunc('day', finished_at), 'YYYY-MM-DD') as day,
           count(*)::int as jobs,
           coalesce(sum(rows_exported), 0)::text as rows_exported,
           coalesce(sum(files_done), 0)::int as files
      from jobs
     where status = 'success'
       and finished_at >= ${first}::date
       and finished_at < ${end}::date
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
