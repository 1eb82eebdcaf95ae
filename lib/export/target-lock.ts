/**
 * One export at a time per customer file: two jobs registering (or editing) the same file name in
 * the same ad account would both find the name free in their pre-flight and both upload — Kakao
 * keeps two files of one name. A PostgreSQL advisory lock on (ad account, file name), held on a
 * session of its own from the pre-flight to the last upload, makes the second wait; its pre-flight
 * then sees the first one's file (register: "name taken"; edit: the file to replace). The lock goes
 * with the session, so a worker that dies releases it; Kill (the abort signal) ends the wait.
 */
import pg from "pg";
import { env } from "@/lib/env";

export async function withCustomerFileLock<T>(adAccountId: number, fileName: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env().DATABASE_URL, application_name: "hub-export-lock" });
  client.on("error", () => {});
  await client.connect();
  const onAbort = () => void client.end().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [`kakao-customer-file:${adAccountId}:${fileName}`]);
    signal.throwIfAborted();
    return await work();
  } finally {
    signal.removeEventListener("abort", onAbort);
    await client.end().catch(() => {});
  }
}
