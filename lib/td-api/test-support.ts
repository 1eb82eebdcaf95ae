/** Shared set-up for the v3 API suites: emulator, warehouse, a marketer with an authentication and an API key, the server. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { control } from "@/emulator/testing";
import { queryEngine } from "@/lib/engine";
import { resetEnvCache } from "@/lib/env";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { createApiKey } from "@/lib/api-keys/keys";
import { exportFixture, startKakao } from "@/lib/jobs/test-support";
import { startV3Server, type V3Server } from "@/lib/td-api/test-server";
import type { SessionUser } from "@/lib/auth/access";

export interface V3World {
  server: V3Server;
  kakaoUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Emulator + warehouse + the v3 server with a worker; call once per file. */
export async function startV3World(): Promise<V3World> {
  const kakao = await startKakao();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-v3-"));
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "20", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "20", DATA_DIR: dataDir });
  resetEnvCache();
  await prepareTestWarehouse();
  const server = await startV3Server({ worker: true });
  return {
    server,
    kakaoUrl: kakao.url,
    dataDir,
    async close() {
      await server.close();
      await queryEngine().close();
      await kakao.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface V3Caller {
  user: SessionUser;
  authenticationId: number;
  key: string;
}

/** Fresh tables, a marketer with a Kakao authentication ("new_kakao_auth") and an API key. */
export async function v3Caller(world: V3World): Promise<V3Caller> {
  await control(world.kakaoUrl, "/__emulator/reset");
  const { user, authenticationId } = await exportFixture();
  const { key } = await createApiKey(user, { name: "tests" });
  return { user, authenticationId, key };
}

/** The public npm client `td` (td-client-node), promisified, pointed at `url`. */
export function tdClient(url: string, key: string) {
  const { TDClient } = createRequire(import.meta.url)("td") as { TDClient: new (key: string, options: object) => Record<string, (...args: unknown[]) => void> };
  const { host, protocol } = new URL(url);
  const client = new TDClient(key, { host, protocol: protocol.replace(":", "") });
  return new Proxy({} as Record<string, (...args: unknown[]) => Promise<any>>, {
    get: (_t, method: string) =>
      (...args: unknown[]) =>
        new Promise((resolve, reject) => client[method]!(...args, (error: Error | null, body: unknown) => (error ? reject(Object.assign(error, { body })) : resolve(body)))),
  });
}

/** fetch with the TD1 header. */
export function v3Fetch(url: string, key: string | null) {
  return (pathname: string, init: RequestInit = {}) =>
    fetch(new URL(pathname, url), { ...init, headers: { ...(key === null ? {} : { authorization: `TD1 ${key}` }), ...(init.headers as Record<string, string> | undefined) } });
}

export const registerSettings = (file_name: string) => ({ type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name });

/** Poll until the job is finished (success, error or killed). */
export async function waitForJob(get: () => Promise<{ status: string }>, tries = 600): Promise<{ status: string } & Record<string, unknown>> {
  for (let i = 0; i < tries; i++) {
    const job = await get();
    if (["success", "error", "killed"].includes(job.status)) return job as never;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("job did not finish");
}
