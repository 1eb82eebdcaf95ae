/**
 * The engine queries run on. PostgreSQL (the warehouse database) is the only one today; a
 * distributed engine (Trino) would be chosen here from the configuration, and callers would not change.
 */
import { PostgresEngine } from "@/lib/engine/postgres";
import type { QueryEngine } from "@/lib/engine/types";

export * from "@/lib/engine/types";
export { QueryError, type QueryFailure } from "@/lib/engine/errors";

const globalForEngine = globalThis as unknown as { queryEngine?: QueryEngine };

/** The process's query engine (one per process, so cancel() finds queries it started). */
export function queryEngine(): QueryEngine {
  globalForEngine.queryEngine ??= new PostgresEngine();
  return globalForEngine.queryEngine;
}
