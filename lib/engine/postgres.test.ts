import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresEngine } from "@/lib/engine/postgres";
import { QueryError } from "@/lib/engine/errors";
import { queryEngine } from "@/lib/engine";
import type { ColumnInfo, QueryRow } from "@/lib/engine/types";
import { checkAdidColumns } from "@/lib/export/adid-check";
import { closeWarehousePool } from "@/lib/warehouse/connection";
import { SAMPLE_CUSTOMERS } from "@/lib/warehouse/seed";
import { adminQuery, prepareTestWarehouse } from "@/lib/warehouse/testing";

const engine = new PostgresEngine();
const opts = { database: "kakao_db", timeoutMs: 60_000 };

beforeAll(async () => {
  await prepareTestWarehouse();
});

afterAll(async () => {
  await engine.close();
  await closeWarehousePool();
});

async function sandboxSessions(): Promise<number> {
  const { rows } = await adminQuery<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name like 'hub-query:%'");
  return rows[0]!.n;
}

describe("preview", () => {
  it("select adid from customers: 1,000 rows, the total of 100,000, column types", async () => {
    const result = await engine.preview("select adid from customers", opts);
    expect(result.columns).toEqual([{ name: "adid", type: "text" }]);
    expect(result.rows).toHaveLength(1000);
    expect(result.totalRows).toBe(SAMPLE_CUSTOMERS.rows);
    expect(result.truncated).toBe(true);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(checkAdidColumns(result.columns).ok).toBe(true);
  });

  it("built-in functions and casts work (a million generated ADIDs)", async () => {
    const result = await engine.preview("select md5(i::text)::uuid::text as adid from generate_series(1, 1000000) i", opts);
    expect(result.totalRows).toBe(1_000_000);
    expect(result.rows[0]).toEqual(["c4ca4238-a0b9-2382-0dcc-509a6f75849b"]);
  });

  it("column types as PostgreSQL names them; values as PostgreSQL writes them", async () => {
    const result = await engine.preview(
      "select 1 as i, 9007199254740993::bigint as big, 'x'::varchar(5) as v, 1.5::numeric(4,2) as n, true as b, null::text as z, timestamptz '2025-01-02 03:04:05+00' as t, '6F1C2A4E-0D4B-4C7E-9A51-3B1F2E8D9C01'::uuid as u, '{1,2}'::int[] as a",
      opts,
    );
    expect(result.columns).toEqual([
      { name: "i", type: "integer" },
      { name: "big", type: "bigint" },
      { name: "v", type: "character varying(5)" },
      { name: "n", type: "numeric(4,2)" },
      { name: "b", type: "boolean" },
      { name: "z", type: "text" },
      { name: "t", type: "timestamp with time zone" },
      { name: "u", type: "uuid" },
      { name: "a", type: "integer[]" },
    ]);
    expect(result.rows).toEqual([["1", "9007199254740993", "x", "1.50", "t", null, "2025-01-02 03:04:05+00", "6f1c2a4e-0d4b-4c7e-9a51-3b1f2e8d9c01", "{1,2}"]]);
    expect(result).toMatchObject({ totalRows: 1, truncated: false });
  });

  it("joins, CTEs, window functions, and the alias example", async () => {
    const result = await engine.preview(
      `with d as (select column_a as adid, platform from devices)
       select d.platform, count(*) as n, row_number() over (order by d.platform) as rank
         from d left join customers c on c.adid = d.adid
        group by d.platform order by d.platform`,
      opts,
    );
    expect(result.rows.map((r) => r[0])).toEqual(["android", "ios"]);
    const alias = await engine.preview("select column_a as adid from devices", opts);
    expect(checkAdidColumns(alias.columns)).toMatchObject({ ok: true });
    expect(alias.totalRows).toBe(10_000);
  });

  it("an empty result still has its columns", async () => {
    const result = await engine.preview("select adid, age from customers where false", opts);
    expect(result).toMatchObject({ columns: [{ name: "adid", type: "text" }, { name: "age", type: "integer" }], rows: [], totalRows: 0, truncated: false });
  });

  it("row and byte caps", async () => {
    const few = await engine.preview("select adid from customers", { ...opts, limitRows: 10 });
    expect(few.rows).toHaveLength(10);
    expect(few.totalRows).toBe(100_000);
    expect(await engine.preview("select adid from customers", { ...opts, limitRows: 10, countTotal: false })).toMatchObject({ totalRows: null, truncated: true });
    const big = await engine.preview("select repeat('x', 100000) as blob from generate_series(1, 2000)", { ...opts, limitBytes: 1_000_000 });
    expect(big.rows.length).toBeLessThan(300);
    expect(big).toMatchObject({ totalRows: 2000, truncated: true });
  });

  it("when counting the rest outlives the time limit, the rows still come back (total unknown)", async () => {
    const started = Date.now();
    const result = await engine.preview("select i, case when i > 1000 then pg_sleep(0.01) end as slow from generate_series(1, 100000) i", { ...opts, timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.rows).toHaveLength(1000);
    expect(result).toMatchObject({ totalRows: null, truncated: true });
  });

  it("errors say where in the SQL", async () => {
    const missing = await engine.preview("select adid\nfrom customerz", opts).catch((e) => e);
    expect(missing).toBeInstanceOf(QueryError);
    expect(missing.message).toBe('Relation "customerz" does not exist (line 2, column 6).');
    expect(missing.position).toEqual({ offset: 17, line: 2, column: 6 });

    const syntax = await engine.preview("select * form customers", opts).catch((e) => e);
    expect(syntax.reason).toBe("syntax");
    expect(syntax.message).toBe('Syntax error at or near "form" (line 1, column 10).');

    const typo = await engine.preview("selec adid from customers", opts).catch((e) => e);
    expect(typo.message).toBe('Syntax error at or near "selec" (line 1, column 1).');

    const column = await engine.preview("select '한글', adidd from customers", opts).catch((e) => e);
    expect(column.message).toMatch(/^Column "adidd" does not exist \(line 1, column 14\)\. Hint: Perhaps you meant to reference the column "customers.adid"/);

    const runtime = await engine.preview("select 1 / (age - age) from customers", opts).catch((e) => e);
    expect(runtime.message).toBe("Division by zero.");
  });

  it("an unknown or reserved database", async () => {
    for (const database of ["nope", "public", "pg_catalog", "Bad-Name"]) {
      const error = await engine.preview("select 1", { ...opts, database }).catch((e) => e);
      expect(error).toBeInstanceOf(QueryError);
      expect(error.reason).toBe("database_not_found");
      expect(error.code).toBe("not_found");
    }
  });

  it("leaves no session behind", async () => {
    await engine.preview("select 1", opts);
    await engine.preview("select nope", opts).catch(() => {});
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("the process engine is the PostgreSQL one", () => {
    expect(queryEngine().name).toBe("postgresql");
    expect(queryEngine()).toBe(queryEngine());
  });
});

describe("stream", () => {
  it("yields every row, columns first", async () => {
    const events: string[] = [];
    let columns: ColumnInfo[] = [];
    let n = 0;
    let widths = 0;
    for await (const row of engine.stream("select adid, age from customers order by adid nulls first", {
      ...opts,
      batchRows: 5000,
      onColumns: (c) => {
        columns = c;
        events.push("columns");
      },
    })) {
      if (n === 0) events.push("row");
      widths += row.length;
      n++;
    }
    expect(widths).toBe(2 * n);
    expect(events).toEqual(["columns", "row"]);
    expect(columns).toEqual([{ name: "adid", type: "text" }, { name: "age", type: "integer" }]);
    expect(n).toBe(SAMPLE_CUSTOMERS.rows);
  });

  it("an early break closes the session", async () => {
    const rows: QueryRow[] = [];
    for await (const row of engine.stream("select adid from customers", opts)) {
      rows.push(row);
      if (rows.length === 3) break;
    }
    expect(rows).toHaveLength(3);
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("binds parameters apart from the SQL text: a value is only ever a value", async () => {
    const evil = "x' or '1'='1";
    const rows: QueryRow[] = [];
    for await (const row of engine.stream("select $1::text as v, count(*)::int as n from customers where adid = $1 or age > $2", { ...opts, params: [evil, 200] })) rows.push(row);
    expect(rows).toEqual([[evil, "0"]]);
    const preview = await engine.preview("select count(*)::int as n from customers where age between $1 and $2", { ...opts, params: [20, 39] });
    expect(Number(preview.rows[0]![0])).toBeGreaterThan(0);
    await expect(engine.copyOut("select $1::text", { ...opts, params: ["a"] })).rejects.toThrow(/cannot bind parameters/);
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("errors are QueryErrors", async () => {
    const consume = async (sql: string, timeoutMs = 60_000) => {
      for await (const _ of engine.stream(sql, { ...opts, timeoutMs })) void _;
    };
    await expect(consume("insert into customers values (1)")).rejects.toMatchObject({ reason: "not_read_only" });
    await expect(consume("select pg_sleep(3)", 300)).rejects.toMatchObject({ reason: "timeout" });
  });

  it("cancel between fetches (a slow consumer) still stops the stream", async () => {
    const iterator = engine.stream("select adid from customers", { ...opts, queryId: "slow-reader", batchRows: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    await engine.cancel("slow-reader");
    let error: unknown;
    try {
      for (;;) if ((await iterator.next()).done) break;
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ reason: "cancelled" });
  });
});

describe("copyOut", () => {
  it("raw COPY text of the result, with the columns first", async () => {
    const { columns, stream } = await engine.copyOut!("select adid from customers where adid is not null -- comment at the end", opts);
    expect(columns).toEqual([{ name: "adid", type: "text" }]);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of stream) {
      bytes += chunk.length;
      for (const b of chunk as Buffer) if (b === 10) lines++;
    }
    expect(lines).toBe(SAMPLE_CUSTOMERS.rows - SAMPLE_CUSTOMERS.nullAdid);
    expect(bytes).toBeGreaterThan(3_000_000);
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("NULL and escapes in PostgreSQL's text format", async () => {
    const { stream } = await engine.copyOut!("select * from (values ('a\tb'), (null), ('x')) v(adid)", opts);
    const text = Buffer.concat(await stream.toArray()).toString();
    expect(text).toBe("a\\tb\n\\N\nx\n");
  });

  it("framed: the same text inside CopyData messages, one row each", async () => {
    const sql = "select adid from customers order by adid nulls first";
    const plain = await engine.copyOut!(sql, opts);
    expect(plain.framed).toBe(false);
    const text = Buffer.concat(await plain.stream.toArray());
    const framed = await engine.copyOut!(sql, { ...opts, framed: true });
    expect(framed.framed).toBe(true);
    const bytes = Buffer.concat(await framed.stream.toArray());
    const payloads: Buffer[] = [];
    for (let p = 0; p < bytes.length; ) {
      expect(bytes[p]).toBe(0x64); // 'd': nothing but CopyData passes
      const end = p + 1 + bytes.readUInt32BE(p + 1);
      const row = bytes.subarray(p + 5, end);
      expect(row.indexOf(10)).toBe(row.length - 1); // one row per message
      payloads.push(row);
      p = end;
    }
    expect(payloads.length).toBe(SAMPLE_CUSTOMERS.rows);
    expect(Buffer.concat(payloads).equals(text)).toBe(true);
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("the same sandbox rules: one read statement, the time limit", async () => {
    await expect(engine.copyOut!("select 1) to stdout; drop table customers; copy (select 1", opts)).rejects.toMatchObject({ reason: "multiple_statements" });
    await expect(engine.copyOut!("delete from customers", opts)).rejects.toMatchObject({ reason: "not_read_only" });
    await expect(engine.copyOut!("select nope from customers", opts)).rejects.toMatchObject({ reason: "invalid_query" });
    const { stream } = await engine.copyOut!("select pg_sleep(3)::text as adid", { ...opts, timeoutMs: 300 });
    await expect(stream.toArray()).rejects.toMatchObject({ reason: "timeout" });
    const framed = await engine.copyOut!("select pg_sleep(3)::text as adid", { ...opts, timeoutMs: 300, framed: true });
    await expect(framed.stream.toArray()).rejects.toMatchObject({ reason: "timeout" });
    // The session closes as the error is delivered, not before it: wait for it to go.
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("a reader that gives up stops the server side", async () => {
    // Ten billion rows that stream as they are produced (a function scan would materialise first).
    const { stream } = await engine.copyOut!("select a.adid from customers a cross join customers b", { ...opts, queryId: "early-stop" });
    const started = Date.now();
    for await (const _ of stream) break;
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 30 s sleep / endless result: it was stopped
    for (let i = 0; i < 50 && (await sandboxSessions()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await expect.poll(() => sandboxSessions(), { timeout: 10_000 }).toBe(0);
  });
});
