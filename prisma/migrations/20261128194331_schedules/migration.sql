-- AlterTable
ALTER TABLE "saved_queries" ADD COLUMN     "notify_on_success" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "schedule_config_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "schedule_cron" TEXT,
ADD COLUMN     "schedule_delay_seconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "schedule_disabled_reason" TEXT,
ADD COLUMN     "schedule_enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "schedule_next_at" TIMESTAMP(3),
ADD COLUMN     "schedule_timezone" TEXT NOT NULL DEFAULT 'UTC';

-- CreateTable
CREATE TABLE "schedule_runs" (
    "id" SERIAL NOT NULL,
    "saved_query_id" INTEGER NOT NULL,
    "scheduled_at" TIMESTAMP(3) NOT NULL,
    "run_at" TIMESTAMP(3) NOT NULL,
    "job_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMP(3),

    CONSTRAINT "schedule_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT,
    "to_address" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),
    "send_error" TEXT,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "schedule_runs_job_id_key" ON "schedule_runs"("job_id");

-- CreateIndex
CREATE INDEX "schedule_runs_settled_at_idx" ON "schedule_runs"("settled_at");

-- CreateIndex
CREATE UNIQUE INDEX "schedule_runs_saved_query_id_scheduled_at_key" ON "schedule_runs"("saved_query_id", "scheduled_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_id_idx" ON "notifications"("user_id", "id" DESC);

-- CreateIndex
CREATE INDEX "saved_queries_schedule_enabled_schedule_next_at_idx" ON "saved_queries"("schedule_enabled", "schedule_next_at");

-- AddForeignKey
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_saved_query_id_fkey" FOREIGN KEY ("saved_query_id") REFERENCES "saved_queries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

