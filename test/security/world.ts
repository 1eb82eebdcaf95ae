/**
 * Shared set-up of the security suites (authorization matrix, bad input, load): the Kakao
 * emulator, the warehouse, marketers A and B and an admin — each with a connected authentication
 * and an API key — and factories that create real rows of every kind of object for an owner,
 * through the product's own lib functions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { control } from "@/emulator/testing";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { queryEngine } from "@/lib/engine";
import { stopQueue } from "@/lib/jobs/queue";
import { issueJob } from "@/lib/jobs/jobs";
import { createApiKey } from "@/lib/api-keys/keys";
import { createUser } from "@/lib/users/users";
import { completeConnection } from "@/lib/authentications/connect";
import { connectUpToContinue, startKakao } from "@/lib/authentications/test-support";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { saveQuery } from "@/lib/workbench/queries";
import { setSchedule } from "@/lib/schedule/schedules";
import { createParentSegment } from "@/lib/audiences/parent-segments";
import { createFolder, createSegment } from "@/lib/audiences/segments";
import { createActivation } from "@/lib/audiences/activations";
import { saveProject } from "@/lib/workflows/projects";
import { startWorkflow } from "@/lib/workflows/runner";
import type { SessionUser } from "@/lib/auth/access";
import { resetAppTables } from "@/test/db";

export type Who = "A" | "B" | "admin";

export interface World {
  users: Record<Who, SessionUser>;
  /** Each user's connected Kakao authentication (named `kakao_<who>`). */
  authentications: Record<Who, number>;
  keys: Record<Who, string>;
  kakaoUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

let counter = 0;
/** A name no other object of this run has. */
export const unique = (prefix: string) => `${prefix}_${process.pid}_${++counter}`;

export const exportSettings = (file_name = "audience") => ({ type: "kakao_moment" as const, data_source: "customer_file" as const, ad_account_id: 27429, mode: "register" as const, file_name });

/** Emulator, warehouse, empty app tables, three users with an authentication and an API key each. */
export async function startWorld(): Promise<World> {
  const kakao = await startKakao();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-security-"));
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "20", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "20", DATA_DIR: dataDir, API_RATE_LIMIT: "10000000" });
  resetEnvCache();
  await prepareTestWarehouse();
  await control(kakao.url, "/__emulator/reset");
  await resetAppTables();
  const users = {
    A: await createUser({ email: "a@example.com", name: "Marketer A", role: "marketer", password: "password-a" }),
    B: await createUser({ email: "b@example.com", name: "Marketer B", role: "marketer", password: "password-b" }),
    admin: await createUser({ email: "admin@example.com", name: "Admin", role: "admin", password: "password-admin" }),
  } as Record<Who, SessionUser>;
  const authentications = {} as Record<Who, number>;
  const keys = {} as Record<Who, string>;
  for (const who of ["A", "B", "admin"] as const) {
    authentications[who] = (await completeConnection(users[who], await connectUpToContinue(users[who]), `kakao_${who}`)).id;
    keys[who] = (await createApiKey(users[who], { name: `key_${who}` })).key;
  }
  return {
    users,
    authentications,
    keys,
    kakaoUrl: kakao.url,
    dataDir,
    async close() {
      await db.workflowSchedule.deleteMany({});
      await db.savedQuery.updateMany({ data: { scheduleCron: null, scheduleNextAt: null } }); // nothing due for a later suite's worker
      await stopQueue();
      await queryEngine().close();
      await kakao.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Which of the world's users `user` is. */
export function whoIs(world: World, user: SessionUser): Who {
  return (Object.keys(world.users) as Who[]).find((w) => world.users[w].id === user.id)!;
}

/** Factories: each creates a fresh object owned by `owner`, through the product's lib functions. */
export function factories(world: World) {
  const authOf = (owner: SessionUser) => world.authentications[whoIs(world, owner)];
  const rules = { combinator: "and" as const, conditions: [{ column: "gender", op: "eq" as const, value: "female" }] };

  const f = {
    async job(owner: SessionUser, status: "queued" | "running" | "success" | "error" | "killed" = "queued") {
      const job = await issueJob(owner, { database: "kakao_db", query: "select 1 as x" });
      if (status !== "queued") await db.job.update({ where: { id: job.id }, data: { status, finishedAt: status === "running" ? null : new Date(), errorMessage: status === "error" ? "failed for the test" : null } });
      return job.id;
    },
    async savedQuery(owner: SessionUser, options: { schedule?: boolean; name?: string } = {}) {
      const saved = await saveQuery(owner, {
        name: options.name ?? unique("query"),
        database: "kakao_db",
        sql: "select adid from customers",
        exportAuthenticationId: authOf(owner),
        exportSettings: exportSettings(),
      });
      if (options.schedule) await setSchedule(owner, saved.id, { cron: "0 3 * * *", timezone: "UTC", delaySeconds: 0 });
      return { id: saved.id, name: saved.name };
    },
    async parentSegment(owner: SessionUser) {
      const parent = await createParentSegment(owner, { name: unique("parent"), database: "kakao_db", table: "customers", keyColumn: "adid", attributes: ["gender", "age"] });
      return parent.id;
    },
    async folder(owner: SessionUser) {
      const parentSegmentId = await f.parentSegment(owner);
      const folder = await createFolder(owner, { parentSegmentId, name: unique("folder") });
      return { id: folder.id, parentSegmentId };
    },
    async segment(owner: SessionUser) {
      const parentSegmentId = await f.parentSegment(owner);
      const segment = await createSegment(owner, { parentSegmentId, name: unique("segment"), rules });
      return { id: segment.id, parentSegmentId };
    },
    async activation(owner: SessionUser) {
      const segment = await f.segment(owner);
      const activation = await createActivation(owner, {
        segmentId: segment.id,
        name: unique("activation"),
        authenticationId: authOf(owner),
        exportSettings: exportSettings(),
        mapping: { mode: "columns", columns: [{ source: "adid", output: "adid" }] },
      });
      return { id: activation.id, segmentId: segment.id };
    },
    async apiKey(owner: SessionUser) {
      return (await createApiKey(owner, { name: unique("key") })).apiKey.id;
    },
    /** A fresh authentication (the base ones stay for exports). */
    async authentication(owner: SessionUser) {
      return (await completeConnection(owner, await connectUpToContinue(owner), unique("auth"))).id;
    },
    /** A consented connection waiting for Continue (optionally a reconnect of `reconnectId`). */
    async pending(owner: SessionUser, reconnectId?: number) {
      return connectUpToContinue(owner, reconnectId === undefined ? {} : { reconnectId });
    },
    async project(owner: SessionUser) {
      const saved = await saveProject(owner, { name: unique("project"), files: { "w.dig": WORKFLOW } });
      return { id: saved.id, name: saved.name };
    },
    async attempt(owner: SessionUser, status: "running" | "error" = "running") {
      const project = await f.project(owner);
      const { attemptId } = await startWorkflow(owner, { projectId: project.id, workflow: "w" }, { wake: false });
      if (status !== "running") await db.workflowAttempt.update({ where: { id: attemptId }, data: { status, finishedAt: new Date(), errorMessage: "failed for the test" } });
      return attemptId;
    },
    authOf,
    rules,
  };
  return f;
}

/** A one-task workflow (query only: no authentication needed). */
export const WORKFLOW = "_export:\n  td:\n    database: kakao_db\n\n+count:\n  td>:\n  query: select count(*) as n from customers\n";
