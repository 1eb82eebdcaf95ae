import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTextLine, exportRows } from "@/lib/engine/copy-text";
import { PostgresEngine } from "@/lib/engine/postgres";
import { closeWarehousePool } from "@/lib/warehouse/connection";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";

const engine = new PostgresEngine();
const opts = { database: "kakao_db", timeoutMs: 60_000 };

beforeAll(async () => {
  await prepareTestWarehouse();
});

afterAll(async () => {
  await engine.close();
  await closeWarehousePool();
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

describe("COPY text for parameterised queries", () => {
  it("escapes like PostgreSQL's COPY text format", () => {
    expect(copyTextLine(["a\tb", null, "c\\d\ne\rf", ""])).toBe("a\\tb\t\\N\tc\\\\d\\ne\\rf\t\n");
  });

  it("a parameterised query streams the same bytes COPY writes for the same rows", async () => {
    const sql = "select adid, age from customers where age between $1 and $2 order by adid nulls first, age";
    const streamed = await exportRows(engine, sql, { ...opts, params: [20, 39] });
    const copied = await engine.copyOut("select adid, age from customers where age between 20 and 39 order by adid nulls first, age", opts);
    expect(streamed.columns).toEqual(copied.columns);
    const [a, b] = await Promise.all([text(streamed.stream), text(copied.stream)]);
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toBe(b);
  });

  it("special characters round-trip as COPY writes them, and an empty result is empty", async () => {
    const sql = "select $1::text as a, null::text as b";
    const [got, want] = await Promise.all([
      exportRows(engine, sql, { ...opts, params: ["x\ty\\z\nw"] }),
      engine.copyOut("select E'x\\ty\\\\z\\nw'::text as a, null::text as b", opts),
    ]);
    expect(await text(got.stream)).toBe(await text(want.stream));
    const empty = await exportRows(engine, "select adid from customers where age > $1", { ...opts, params: [1000] });
    expect(empty.columns).toEqual([{ name: "adid", type: "text" }]);
    expect(await text(empty.stream)).toBe("");
  });
});
