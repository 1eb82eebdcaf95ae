-- CreateTable
CREATE TABLE "export_days" (
    "owner_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "jobs" INTEGER NOT NULL DEFAULT 0,
    "rows_exported" BIGINT NOT NULL DEFAULT 0,
    "files" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "export_days_pkey" PRIMARY KEY ("owner_id","day")
);

-- CreateIndex
CREATE INDEX "export_days_day_idx" ON "export_days"("day");

-- AddForeignKey
ALTER TABLE "export_days" ADD CONSTRAINT "export_days_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Jobs that succeeded before this migration.
INSERT INTO export_days (owner_id, day, jobs, rows_exported, files)
SELECT owner_id, finished_at::date, count(*), coalesce(sum(rows_exported), 0), coalesce(sum(files_done), 0)
  FROM jobs WHERE status = 'success' AND finished_at IS NOT NULL
 GROUP BY 1, 2;
