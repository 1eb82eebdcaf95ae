/**
 * The PostgreSQL query engine. Every query gets its own connection as the warehouse's sandbox role
 * (lib/warehouse/sandbox.ts) — never the admin — and runs as:
 *
 *   BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
 *   SET LOCAL statement_timeout = …; SET LOCAL search_path = "<database>";
 *   DECLARE hub_cursor NO SCROLL CURSOR FOR <the user's statement>   -- extended protocol
 *   FETCH … / MOVE FORWARD ALL (preview's total) / COPY (<statement>) TO STDOUT (export)
 *
 * The extended protocol refuses a second statement on its own, DECLARE accepts only a query, the
 * transaction is read-only and the role can only read data schemas; the lexer (sql.ts) is there to
 * give clear messages first. A fresh connection per query means nothing one query sets (even with
 * set_config) is left for the next. Cancel is `pg_cancel_backend` from the admin connection, found
 * by the query's `application_name` so any process can cancel any query.
 */
import crypto from "node:crypto";
import { PassThrough } from "node:stream";
import pg from "pg";
import { copyOutStream } from "@/lib/engine/copy-out";
import { QueryError, toQueryError } from "@/lib/engine/errors";
import { singleReadStatement } from "@/lib/engine/sql";
import {
  PREVIEW_BYTE_LIMIT,
  PREVIEW_ROW_LIMIT,
  type ColumnInfo,
  type CopyOutOptions,
  type CopyOutResult,
  type PreviewOptions,
  type PreviewResult,
  type QueryEngine,
  type QueryOptions,
  type QueryRow,
  type StreamOptions,
} from "@/lib/engine/types";
import { isReservedSchema, nameProblem, quoteIdent } from "@/lib/warehouse/names";
import { forgetSandboxCredentials, sandboxCredentials } from "@/lib/warehouse/sandbox";
import { warehouseAdminUrl } from "@/lib/warehouse/connection";

const CURSOR = "hub_cursor";
const DECLARE_PREFIX = `declare ${CURSOR} no scroll cursor for `;
const COPY_PREFIX = "copy (\n";
const APP_NAME_PREFIX = "hub-query:";
/** Query ids travel in application_name (at most 63 bytes, with the prefix). */
const QUERY_ID = /^[A-Za-z0-9_-]{1,53}$/;
const MAX_TIMEOUT_MS = 24 * 3600_000;

/** Values as PostgreSQL writes them: no JavaScript parsing (no Dates, no lost bigint precision). */
const RAW_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

interface Running {
  client: pg.Client;
  pid: number;
  cancelled: boolean;
}

interface Session {
  client: pg.Client;
  queryId: string;
  statement: string;
  running: Running;
  ctx: { sql: string; prefixLength: number; timeoutMs: number; cancelled: boolean };
  startedAt: number;
  close(): Promise<void>;
}

export class PostgresEngine implements QueryEngine {
  readonly name = "postgresql";
  private readonly running = new Map<string, Running>();
  private readonly typeNames = new Map<string, string>();
  private adminPool: pg.Pool | undefined;

  /** `adminUrl`: the warehouse admin URL (default: WAREHOUSE_DATABASE_URL). */
  constructor(private readonly adminUrl?: string) {}

  async *stream(sql: string, opts: StreamOptions): AsyncGenerator<QueryRow> {
    const batch = Math.max(1, Math.min(opts.batchRows ?? 1000, 100_000));
    const session = await this.open(sql, opts);
    try {
      let first = true;
      for (;;) {
        this.throwIfCancelled(session);
        const result = await session.client.query({ text: `fetch ${batch} from ${CURSOR}`, rowMode: "array", types: RAW_TYPES });
        if (first) {
          opts.onColumns?.(await this.columnsOf(session, result.fields));
          first = false;
        }
        for (const row of result.rows as QueryRow[]) yield row;
        if (result.rows.length < batch) break;
      }
      this.throwIfCancelled(session);
      await session.client.query("commit");
    } catch (error) {
      throw toQueryError(error, session.ctx);
    } finally {
      await session.close();
    }
  }

  async preview(sql: string, opts: PreviewOptions): Promise<PreviewResult> {
    const limitRows = Math.max(0, Math.min(opts.limitRows ?? PREVIEW_ROW_LIMIT, 100_000));
    const limitBytes = opts.limitBytes ?? PREVIEW_BYTE_LIMIT;
    const session = await this.open(sql, opts);
    try {
      const rows: QueryRow[] = [];
      let columns: ColumnInfo[] | undefined;
      let bytes = 0;
      let exhausted = false;
      // Small batches so the byte cap can stop a result of huge values early.
      while (!exhausted && rows.length < limitRows && bytes < limitBytes) {
        this.throwIfCancelled(session);
        const want = Math.min(250, limitRows - rows.length);
        const result = await session.client.query({ text: `fetch ${want} from ${CURSOR}`, rowMode: "array", types: RAW_TYPES });
        columns ??= await this.columnsOf(session, result.fields);
        for (const row of result.rows as QueryRow[]) {
          rows.push(row);
          for (const value of row) bytes += value === null ? 1 : value.length;
        }
        if (result.rows.length < want) exhausted = true;
      }
      if (!columns) {
        const result = await session.client.query({ text: `fetch 0 from ${CURSOR}`, rowMode: "array", types: RAW_TYPES });
        columns = await this.columnsOf(session, result.fields);
      }
      let totalRows: number | null = rows.length;
      if (!exhausted && opts.countTotal === false) totalRows = null;
      else if (!exhausted) {
        // Count the rest on the server, in the same snapshot, within what is left of the time limit.
        const left = Math.max(1000, opts.timeoutMs - (Date.now() - session.startedAt));
        totalRows = null;
        try {
          await session.client.query(`set local statement_timeout = ${Math.round(left)}`);
          const moved = await session.client.query(`move forward all in ${CURSOR}`);
          totalRows = rows.length + (moved.rowCount ?? 0);
        } catch (error) {
          const mapped = toQueryError(error, session.ctx);
          if (!(mapped instanceof QueryError && mapped.reason === "timeout")) throw mapped;
        }
      }
      this.throwIfCancelled(session);
      return { columns, rows, totalRows, truncated: totalRows === null || totalRows > rows.length, elapsedMs: Date.now() - session.startedAt };
    } catch (error) {
      throw toQueryError(error, session.ctx);
    } finally {
      await session.close();
    }
  }

  async copyOut(sql: string, opts: CopyOutOptions): Promise<CopyOutResult> {
    if (opts.params?.length) throw new QueryError("invalid_query", "COPY cannot bind parameters: stream a parameterised query instead.");
    const session = await this.open(sql, opts);
    let columns: ColumnInfo[];
    try {
      // The cursor has proven the text is one read query; describe it without running it.
      const described = await session.client.query({ text: `fetch 0 from ${CURSOR}`, rowMode: "array", types: RAW_TYPES });
      columns = await this.columnsOf(session, described.fields);
      await session.client.query(`close ${CURSOR}`);
    } catch (error) {
      await session.close();
      throw toQueryError(error, session.ctx);
    }
    session.ctx.prefixLength = COPY_PREFIX.length;
    // A newline before the closing parenthesis: the statement may end in a -- comment.
    const framed = opts.framed === true;
    const copy = session.client.query(copyOutStream(`${COPY_PREFIX}${session.statement}\n) to stdout`, { framed }));
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    let finished = false;
    copy.on("error", (error) => {
      finished = true;
      out.destroy(toQueryError(error, session.ctx));
      void session.close();
    });
    copy.on("end", () => {
      finished = true;
      session.client
        .query("commit")
        .then(() => out.end(), (error) => out.destroy(toQueryError(error, session.ctx)))
        .finally(() => void session.close());
    });
    out.on("close", () => {
      // The reader gave up early: stop the server side too.
      if (!finished) {
        finished = true;
        void this.cancelRunning(session.running).finally(() => void session.close());
      }
    });
    copy.pipe(out, { end: false });
    return { columns, stream: out, framed };
  }

  async cancel(queryId: string): Promise<void> {
    if (!QUERY_ID.test(queryId)) return;
    const local = this.running.get(queryId);
    if (local) {
      await this.cancelRunning(local);
      return;
    }
    // Another process runs it: find its session by application_name.
    const { role } = await sandboxCredentials(this.url());
    const { rows } = await this.admin().query<{ pid: number; state: string }>(
      "select pid, state from pg_stat_activity where application_name = $1 and usename = $2",
      [APP_NAME_PREFIX + queryId, role],
    );
    for (const { pid, state } of rows) {
      // Between fetches nothing is running, so a cancel would be lost: end the session instead.
      const fn = state === "active" ? "pg_cancel_backend" : "pg_terminate_backend";
      await this.admin().query(`select ${fn}($1)`, [pid]);
    }
  }

  async close(): Promise<void> {
    const pool = this.adminPool;
    this.adminPool = undefined;
    await pool?.end();
  }

  // -------------------------------------------------------------------------------------------

  private url(): string {
    return this.adminUrl ?? warehouseAdminUrl();
  }

  private admin(): pg.Pool {
    if (!this.adminPool) {
      this.adminPool = new pg.Pool({ connectionString: this.url(), max: 2, idleTimeoutMillis: 5000, allowExitOnIdle: true, application_name: "kakao-hub-engine" });
      this.adminPool.on("error", () => {});
    }
    return this.adminPool;
  }

  private async cancelRunning(running: Running): Promise<void> {
    running.cancelled = true;
    await this.admin()
      .query("select pg_cancel_backend($1)", [running.pid])
      .catch(() => {});
  }

  private throwIfCancelled(session: Session): void {
    if (session.running.cancelled) throw new QueryError("cancelled", "The query was cancelled.");
  }

  /** Validate, connect as the sandbox, open the read-only transaction and declare the cursor. */
  private async open(sql: string, opts: QueryOptions): Promise<Session> {
    const statement = singleReadStatement(sql);
    if (!statement.ok) throw new QueryError(statement.reason, statement.message);
    const database = opts.database;
    if (typeof database !== "string" || isReservedSchema(database) || nameProblem("database", database)) {
      throw new QueryError("database_not_found", `Database ${JSON.stringify(String(database))} does not exist: choose one of the warehouse's databases.`);
    }
    if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1 || opts.timeoutMs > MAX_TIMEOUT_MS) {
      throw new QueryError("invalid_query", `The time limit must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`);
    }
    const queryId = opts.queryId ?? crypto.randomUUID();
    if (!QUERY_ID.test(queryId)) throw new QueryError("invalid_query", "The query id must be 1–53 letters, digits, - or _.");
    if (this.running.has(queryId)) throw new QueryError("invalid_query", `A query with id ${queryId} is already running.`);
    if (opts.signal?.aborted) throw new QueryError("cancelled", "The query was cancelled.");

    const ctx = { sql, prefixLength: DECLARE_PREFIX.length, timeoutMs: opts.timeoutMs, cancelled: false };
    const client = await this.connect(queryId).catch((error) => {
      throw toQueryError(error, ctx);
    });
    const running: Running = { client, pid: (client as unknown as { processID: number }).processID, cancelled: false };
    this.running.set(queryId, running);
    const onAbort = () => void this.cancelRunning(running);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let closed = false;
    const session: Session = {
      client,
      queryId,
      statement: statement.text,
      running,
      ctx,
      startedAt: Date.now(),
      close: async () => {
        if (closed) return;
        closed = true;
        opts.signal?.removeEventListener("abort", onAbort);
        this.running.delete(queryId);
        await client.end().catch(() => {});
      },
    };
    Object.defineProperty(ctx, "cancelled", { get: () => running.cancelled });
    try {
      await client.query(
        `begin isolation level repeatable read, read only; ` +
          `set local statement_timeout = ${opts.timeoutMs}; set local search_path = ${quoteIdent(database)}; set local standard_conforming_strings = on`,
      );
      const schema = await client.query<{ usable: boolean }>("select has_schema_privilege(oid, 'USAGE') as usable from pg_namespace where nspname = $1", [database]);
      if (!schema.rowCount) throw new QueryError("database_not_found", `Database ${database} does not exist.`);
      if (!schema.rows[0]!.usable) throw new QueryError("permission", `Not allowed in the workbench: database ${database} is not readable by queries.`);
      this.throwIfCancelled(session);
      await client.query({ text: DECLARE_PREFIX + statement.text, values: opts.params ?? [], queryMode: "extended" } as pg.QueryConfig);
      return session;
    } catch (error) {
      await session.close();
      throw toQueryError(error, ctx);
    }
  }

  /** A new session as the sandbox role (credentials re-read once if the password changed under us). */
  private async connect(queryId: string): Promise<pg.Client> {
    for (let attempt = 1; ; attempt++) {
      const { url } = await sandboxCredentials(this.url()).catch((error) => {
        throw new QueryError("unavailable", `The warehouse is not ready: ${(error as Error).message}`);
      });
      const client = new pg.Client({ connectionString: url, application_name: APP_NAME_PREFIX + queryId, connectionTimeoutMillis: 10_000 });
      // A server that goes away mid-query surfaces as the query's error, not as an unhandled event.
      client.on("error", () => {});
      try {
        await client.connect();
        return client;
      } catch (error) {
        await client.end().catch(() => {});
        if ((error as { code?: string }).code === "28P01" && attempt === 1) {
          forgetSandboxCredentials();
          continue;
        }
        throw error;
      }
    }
  }

  /** Column names and `format_type` names (cached per type and modifier). */
  private async columnsOf(session: Session, fields: pg.FieldDef[]): Promise<ColumnInfo[]> {
    const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = fields.filter((f) => !this.typeNames.has(key(f)));
    if (missing.length) {
      const { rows } = await session.client.query<{ name: string }>(
        "select format_type(t, nullif(m, -1)) as name from unnest($1::oid[], $2::int[]) with ordinality as u(t, m, n) order by n",
        [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      );
      if (this.typeNames.size > 5000) this.typeNames.clear();
      missing.forEach((f, i) => this.typeNames.set(key(f), rows[i]!.name));
    }
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(key(f))! }));
  }
}
