/** Helpers for integration tests that use the app database prepared by test/global-setup.ts. */
import { db } from "@/lib/db";

/** Empty the app's tables between tests (keeps the schema and migrations). */
export async function resetAppTables(): Promise<void> {
  await db.$executeRawUnsafe(`truncate table audit_logs, sign_in_attempts, users restart identity cascade`);
}
