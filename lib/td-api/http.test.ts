import { describe, expect, it } from "vitest";
import { MalformedRequest, readParams, tdTime } from "@/lib/td-api/http";
import { tdTimeInput } from "@/lib/td-api/fields";

const url = "http://127.0.0.1/v3/job/issue/presto/db?priority=1&query=from-query";

describe("v3 parameters", () => {
  it("reads form, multipart and JSON bodies over the query string", async () => {
    const form = await readParams(new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=select+1&retry_limit=2" }));
    expect(form).toEqual({ priority: "1", query: "select 1", retry_limit: "2" });
    const data = new FormData();
    data.append("query", "select 'ü'");
    data.append("result_connection_settings", new Blob(['{"mode":"register"}']), "settings.json");
    expect(await readParams(new Request(url, { method: "POST", body: data }))).toEqual({ priority: "1", query: "select 'ü'", result_connection_settings: '{"mode":"register"}' });
    const json = await readParams(new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "select 2", result_connection_settings: { mode: "edit" } }) }));
    expect(json).toEqual({ priority: "1", query: "select 2", result_connection_settings: { mode: "edit" } });
    expect(await readParams(new Request(url))).toEqual({ priority: "1", query: "from-query" });
  });

  it("refuses what it cannot read", async () => {
    const post = (body: string, type: string) => readParams(new Request(url, { method: "POST", headers: { "content-type": type }, body }));
    await expect(post("{", "application/json")).rejects.toBeInstanceOf(MalformedRequest);
    await expect(post("x".repeat(1024 * 1024 + 1), "application/x-www-form-urlencoded")).rejects.toThrow(/larger than/);
    await expect(post("<x/>", "application/xml")).rejects.toThrow(/Unsupported content type/);
  });

  it("writes and reads Treasure Data times", () => {
    expect(tdTime(new Date("2020-12-31T11:22:33.456Z"))).toBe("2020-12-31 11:22:33 UTC");
    expect(tdTime(null)).toBeNull();
    for (const input of ["1609413753", 1609413753, "2020-12-31 11:22:33 UTC", "2020-12-31T11:22:33Z", "2020-12-31 11:22:33"]) {
      expect(tdTimeInput.parse(input).toISOString()).toBe("2020-12-31T11:22:33.000Z");
    }
    expect(tdTimeInput.safeParse("soon").success).toBe(false);
  });
});
