/** Helpers for integration tests that use the app database prepared by test/global-setup.ts. */
import { db } from "@/lib/db";

/** Empty every app table between tests (keeps the schema and the migration history). */
export async function resetAppTables(): Promise<void> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`select tablename::text as tablename from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations'`;
  await db.$executeRawUnsafe(`truncate table ${tables.map((t) => `"${t.tablename}"`).join(", ")} restart identity cascade`);
}
