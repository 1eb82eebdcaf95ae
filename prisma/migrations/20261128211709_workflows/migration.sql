-- CreateTable
CREATE TABLE "workflow_projects" (
    "id" SERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "latest_revision" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "workflow_projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_revisions" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "files" JSONB NOT NULL,
    "workflows" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "connections" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "author_email" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workflow_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_schedules" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "workflow_name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "label" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "next_at" TIMESTAMP(3),

    CONSTRAINT "workflow_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_sessions" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "workflow_name" TEXT NOT NULL,
    "session_time" TIMESTAMP(3) NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workflow_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_attempts" (
    "id" SERIAL NOT NULL,
    "session_id" INTEGER NOT NULL,
    "project_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "index" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'running',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "kill_requested" BOOLEAN NOT NULL DEFAULT false,
    "error_message" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "lease_owner" TEXT,
    "lease_until" TIMESTAMP(3),
    "wake_token" TEXT,
    "next_check_at" TIMESTAMP(3),

    CONSTRAINT "workflow_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_tasks" (
    "id" SERIAL NOT NULL,
    "attempt_id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "parent_seq" INTEGER,
    "full_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "is_error" BOOLEAN NOT NULL DEFAULT false,
    "definition" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'blocked',
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "retry_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "variables" JSONB,
    "params" JSONB,
    "error_message" TEXT,
    "job_id" INTEGER,
    "job_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "reused_from_id" INTEGER,

    CONSTRAINT "workflow_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workflow_projects_owner_id_name_key" ON "workflow_projects"("owner_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_revisions_project_id_revision_key" ON "workflow_revisions"("project_id", "revision");

-- CreateIndex
CREATE INDEX "workflow_schedules_next_at_idx" ON "workflow_schedules"("next_at");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_schedules_project_id_workflow_name_key" ON "workflow_schedules"("project_id", "workflow_name");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_sessions_project_id_workflow_name_session_time_key" ON "workflow_sessions"("project_id", "workflow_name", "session_time");

-- CreateIndex
CREATE INDEX "workflow_attempts_project_id_id_idx" ON "workflow_attempts"("project_id", "id" DESC);

-- CreateIndex
CREATE INDEX "workflow_attempts_status_next_check_at_idx" ON "workflow_attempts"("status", "next_check_at");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_attempts_session_id_index_key" ON "workflow_attempts"("session_id", "index");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_tasks_attempt_id_seq_key" ON "workflow_tasks"("attempt_id", "seq");

-- AddForeignKey
ALTER TABLE "workflow_projects" ADD CONSTRAINT "workflow_projects_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_revisions" ADD CONSTRAINT "workflow_revisions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "workflow_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_schedules" ADD CONSTRAINT "workflow_schedules_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "workflow_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_sessions" ADD CONSTRAINT "workflow_sessions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "workflow_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_attempts" ADD CONSTRAINT "workflow_attempts_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "workflow_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_attempts" ADD CONSTRAINT "workflow_attempts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "workflow_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_attempts" ADD CONSTRAINT "workflow_attempts_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "workflow_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_tasks" ADD CONSTRAINT "workflow_tasks_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "workflow_attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_tasks" ADD CONSTRAINT "workflow_tasks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

