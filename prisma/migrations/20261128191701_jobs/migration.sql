-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('queued', 'running', 'success', 'error', 'killed');

-- AlterTable
ALTER TABLE "saved_queries" ADD COLUMN     "export_authentication_id" INTEGER,
ADD COLUMN     "export_settings" JSONB;

-- CreateTable
CREATE TABLE "jobs" (
    "id" SERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'presto',
    "database" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "saved_query_id" INTEGER,
    "authentication_id" INTEGER,
    "export_settings" JSONB,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "retry_limit" INTEGER NOT NULL DEFAULT 0,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "error_kind" TEXT,
    "error_message" TEXT,
    "scheduled_at" TIMESTAMP(3),
    "domain_key" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "heartbeat_at" TIMESTAMP(3),
    "worker_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "kill_requested" BOOLEAN NOT NULL DEFAULT false,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "result_columns" JSONB,
    "rows_read" BIGINT NOT NULL DEFAULT 0,
    "rows_exported" BIGINT NOT NULL DEFAULT 0,
    "rows_skipped_empty" BIGINT NOT NULL DEFAULT 0,
    "rows_skipped_malformed" BIGINT NOT NULL DEFAULT 0,
    "rows_skipped_opted_out" BIGINT NOT NULL DEFAULT 0,
    "rows_left_out" BIGINT NOT NULL DEFAULT 0,
    "bytes_read" BIGINT NOT NULL DEFAULT 0,
    "bytes_exported" BIGINT NOT NULL DEFAULT 0,
    "files_done" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_files" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kakao_id" BIGINT,
    "bytes" BIGINT NOT NULL,
    "lines" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "kakao_status" TEXT,
    "population_score" BIGINT,
    "last_polled_at" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "uploaded_at" TIMESTAMP(3),

    CONSTRAINT "job_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_logs" (
    "id" BIGSERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,

    CONSTRAINT "job_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_domain_key_key" ON "jobs"("domain_key");

-- CreateIndex
CREATE INDEX "jobs_owner_id_id_idx" ON "jobs"("owner_id", "id" DESC);

-- CreateIndex
CREATE INDEX "jobs_status_id_idx" ON "jobs"("status", "id" DESC);

-- CreateIndex
CREATE INDEX "jobs_created_at_idx" ON "jobs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_files_job_id_index_key" ON "job_files"("job_id", "index");

-- CreateIndex
CREATE INDEX "job_logs_job_id_id_idx" ON "job_logs"("job_id", "id");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_saved_query_id_fkey" FOREIGN KEY ("saved_query_id") REFERENCES "saved_queries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_authentication_id_fkey" FOREIGN KEY ("authentication_id") REFERENCES "authentications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_files" ADD CONSTRAINT "job_files_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_logs" ADD CONSTRAINT "job_logs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

