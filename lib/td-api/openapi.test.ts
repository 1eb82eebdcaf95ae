/**
 * /v3/openapi.json describes exactly the route handlers under app/v3 (paths and methods, both ways),
 * and the responses of every implemented route, success and error, match its schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/td-api/openapi";
import { v3RouteFiles } from "@/lib/td-api/test-server";
import { registerSettings, startV3World, v3Caller, v3Fetch, waitForJob, type V3World } from "@/lib/td-api/test-support";

type Schema = Record<string, any>;
const doc = openApiDocument() as { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
const METHODS = ["get", "post", "put", "patch", "delete"];

/** The subset of JSON Schema the document uses: type (with null), enum, pattern, properties, required, items, $ref. */
function violations(schema: Schema, value: unknown, at = "$"): string[] {
  if (schema.$ref) return violations(doc.components.schemas[String(schema.$ref).split("/").pop()!]!, value, at);
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  const actual = value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (types.length && !types.includes(actual) && !(actual === "integer" && types.includes("number"))) return [`${at}: ${actual} is not ${types.join("|")}`];
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.pattern && typeof value === "string" && !new RegExp(schema.pattern).test(value)) out.push(`${at}: "${value}" does not match ${schema.pattern}`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) out.push(`${at}.${name}: missing`);
    for (const [name, sub] of Object.entries(schema.properties ?? {})) if (name in object && object[name] !== undefined) out.push(...violations(sub as Schema, object[name], `${at}.${name}`));
  }
  if (actual === "array" && schema.items) (value as unknown[]).forEach((item, i) => out.push(...violations(schema.items, item, `${at}[${i}]`)));
  return out;
}

/** `GET /v3/job/show/{id}`… for every handler exported by app/v3/**\/route.ts. */
async function implementedRoutes(): Promise<string[]> {
  const implemented: string[] = [];
  for (const route of v3RouteFiles()) {
    const module = (await import(route.file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof module[method.toUpperCase()] === "function") implemented.push(`${method.toUpperCase()} ${route.pattern}`);
  }
  return implemented.sort();
}

describe("OpenAPI document vs route handlers", () => {
  it("lists exactly the implemented routes and methods", async () => {
    const implemented = await implementedRoutes();
    const described = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(implemented.sort()).toEqual(described.sort());
    expect(implemented.length).toBe(15);
  });

  it("declares path parameters matching each path's placeholders", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const operation of Object.values(item)) {
        const declared = (operation.parameters ?? []).filter((p: Schema) => p.in === "path").map((p: Schema) => p.name).sort();
        expect(declared, path).toEqual(placeholders);
      }
    }
  });
});

describe("real responses match the document", () => {
  let world: V3World;
  beforeAll(async () => {
    world = await startV3World();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("every route's success and error responses", async () => {
    const me = await v3Caller(world);
    const call = v3Fetch(world.server.url, me.key);
    const checked = new Set<string>();
    async function check(method: "get" | "post", template: string, url: string, init: RequestInit = {}) {
      const response = await call(url, { method: method.toUpperCase(), ...init });
      const operation = doc.paths[template]![method]!;
      const declared = operation.responses[String(response.status)];
      expect(declared, `${method} ${url} → ${response.status} is not declared`).toBeDefined();
      const type = (response.headers.get("content-type") ?? "").split(";")[0]!;
      const content = declared.content?.[type];
      expect(content, `${method} ${url}: ${type} is not declared for ${response.status}`).toBeDefined();
      const body = type === "application/json" ? await response.json() : await response.text();
      expect(violations(content.schema, body), `${method} ${url}`).toEqual([]);
      checked.add(`${method.toUpperCase()} ${template}`);
      return body;
    }
    const form = (fields: Record<string, string | number>) => ({ headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString() });

    const issued = await check("post", "/v3/job/issue/{type}/{db}", "/v3/job/issue/presto/kakao_db", form({ query: "select adid from customers limit 5" }));
    await check("post", "/v3/job/issue/{type}/{db}", "/v3/job/issue/presto/kakao_db", form({ query: "select 1", priority: 9 }));
    await waitForJob(async () => (await call(`/v3/job/status/${issued.job_id}`)).json());
    await check("get", "/v3/job/show/{id}", `/v3/job/show/${issued.job_id}`);
    await check("get", "/v3/job/show/{id}", "/v3/job/show/424242");
    await check("get", "/v3/job/status/{id}", `/v3/job/status/${issued.job_id}`);
    await check("get", "/v3/job/list", "/v3/job/list?from=0&to=4");
    await check("get", "/v3/job/result/{id}", `/v3/job/result/${issued.job_id}?format=json`);
    await check("get", "/v3/job/result/{id}", `/v3/job/result/${issued.job_id}?format=csv`);
    await check("post", "/v3/job/kill/{id}", `/v3/job/kill/${issued.job_id}`);
    const slow = await (await call("/v3/job/issue/presto/kakao_db", { method: "POST", ...form({ query: "select pg_sleep(20)" }) })).json();
    await check("post", "/v3/job/kill/{id}", `/v3/job/kill/${slow.job_id}`);
    await check("get", "/v3/connections/lookup", "/v3/connections/lookup?name=new_kakao_auth");
    const exportFields = { result_connection_id: me.authenticationId, result_connection_settings: JSON.stringify(registerSettings("doc")) };
    await check("post", "/v3/schedule/create/{name}", "/v3/schedule/create/doc", form({ cron: "@daily", query: "select adid from customers", database: "kakao_db", ...exportFields }));
    await check("post", "/v3/schedule/create/{name}", "/v3/schedule/create/plain", form({ query: "select 1", database: "kakao_db" }));
    await check("get", "/v3/schedule/list", "/v3/schedule/list");
    await check("post", "/v3/schedule/update/{name}", "/v3/schedule/update/doc", form({ delay: 10 }));
    const run = await check("post", "/v3/schedule/run/{name}/{time}", "/v3/schedule/run/doc/1704067200");
    await waitForJob(async () => (await call(`/v3/job/status/${run.jobs[0].job_id}`)).json());
    await check("get", "/v3/schedule/history/{name}", "/v3/schedule/history/doc");
    await check("post", "/v3/schedule/delete/{name}", "/v3/schedule/delete/doc");
    await check("post", "/v3/schedule/delete/{name}", "/v3/schedule/delete/doc");
    const doctor = await check("post", "/v3/kakao/doctor", "/v3/kakao/doctor", form({ authentication: "new_kakao_auth" }));
    expect(doctor).toMatchObject({ authentication: "new_kakao_auth", ok: true });
    await check("post", "/v3/kakao/doctor", "/v3/kakao/doctor", form({ authentication: "nobody" }));
    await check("post", "/v3/kakao/doctor", "/v3/kakao/doctor", form({ authentication: "new_kakao_auth", write: "true" }));
    await check("get", "/v3/openapi.json", "/v3/openapi.json");
    expect([...checked].sort()).toEqual(await implementedRoutes());
  });
});
