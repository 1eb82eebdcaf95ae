-- AlterTable
ALTER TABLE "saved_queries" ADD COLUMN     "sql_params" JSONB;

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "activation_id" INTEGER,
ADD COLUMN     "query_params" JSONB,
ADD COLUMN     "segment_id" INTEGER;

-- CreateTable
CREATE TABLE "parent_segments" (
    "id" SERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "database" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "key_column" TEXT NOT NULL,
    "attributes" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "parent_segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segment_folders" (
    "id" SERIAL NOT NULL,
    "parent_segment_id" INTEGER NOT NULL,
    "parent_folder_id" INTEGER,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segment_folders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "id" SERIAL NOT NULL,
    "parent_segment_id" INTEGER NOT NULL,
    "folder_id" INTEGER,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activations" (
    "id" SERIAL NOT NULL,
    "segment_id" INTEGER NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "authentication_id" INTEGER NOT NULL,
    "export_settings" JSONB NOT NULL,
    "mapping" JSONB NOT NULL,
    "notify_emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notify_on_success" BOOLEAN NOT NULL DEFAULT false,
    "notify_on_failure" BOOLEAN NOT NULL DEFAULT true,
    "saved_query_id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "activations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "parent_segments_owner_id_name_key" ON "parent_segments"("owner_id", "name");

-- CreateIndex
CREATE INDEX "segment_folders_parent_segment_id_idx" ON "segment_folders"("parent_segment_id");

-- CreateIndex
CREATE UNIQUE INDEX "segments_parent_segment_id_name_key" ON "segments"("parent_segment_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "activations_saved_query_id_key" ON "activations"("saved_query_id");

-- CreateIndex
CREATE UNIQUE INDEX "activations_segment_id_name_key" ON "activations"("segment_id", "name");

-- CreateIndex
CREATE INDEX "jobs_segment_id_id_idx" ON "jobs"("segment_id", "id" DESC);

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_activation_id_fkey" FOREIGN KEY ("activation_id") REFERENCES "activations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "parent_segments" ADD CONSTRAINT "parent_segments_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_folders" ADD CONSTRAINT "segment_folders_parent_segment_id_fkey" FOREIGN KEY ("parent_segment_id") REFERENCES "parent_segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_folders" ADD CONSTRAINT "segment_folders_parent_folder_id_fkey" FOREIGN KEY ("parent_folder_id") REFERENCES "segment_folders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_parent_segment_id_fkey" FOREIGN KEY ("parent_segment_id") REFERENCES "parent_segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_folder_id_fkey" FOREIGN KEY ("folder_id") REFERENCES "segment_folders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activations" ADD CONSTRAINT "activations_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activations" ADD CONSTRAINT "activations_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activations" ADD CONSTRAINT "activations_authentication_id_fkey" FOREIGN KEY ("authentication_id") REFERENCES "authentications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activations" ADD CONSTRAINT "activations_saved_query_id_fkey" FOREIGN KEY ("saved_query_id") REFERENCES "saved_queries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

