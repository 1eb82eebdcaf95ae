-- CreateIndex
CREATE INDEX "jobs_owner_id_status_id_idx" ON "jobs"("owner_id", "status", "id" DESC);

