/** Shared set-up for export-job integration tests: emulator, a connected authentication, expected bytes. */
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { control } from "@/emulator/testing";
import { queryEngine } from "@/lib/engine";
import { stopQueue } from "@/lib/jobs/queue";
import { prepareTestWarehouse } from "@/lib/warehouse/testing";
import { completeConnection } from "@/lib/authentications/connect";
import { connectUpToContinue, startKakao } from "@/lib/authentications/test-support";
import { createUser } from "@/lib/users/users";
import { resetAppTables } from "@/test/db";
import { withWarehouseClient } from "@/lib/warehouse/connection";
import type { SessionUser } from "@/lib/auth/access";

export async function exportFixture() {
  await resetAppTables();
  const user: SessionUser = await createUser({ email: "marketer@example.com", name: null, role: "marketer", password: "password-1" });
  const authentication = await completeConnection(user, await connectUpToContinue(user), "new_kakao_auth");
  return { user, authenticationId: authentication.id };
}

export { startKakao };

export interface ExportFixture {
  kakao: Awaited<ReturnType<typeof startKakao>>;
  user: SessionUser;
  authenticationId: number;
}

/** Kakao without waits: no write spacing, 20 ms retry backoff. */
function fastKakao(): void {
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "20", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "20" });
}

/**
 * The export suites' hooks: an emulator and the test warehouse for the file; before each test a
 * clean emulator and a marketer with a connected authentication (handed to `ready`); after the file
 * the queue, the engine and the emulator closed. `environment` sets the suite's variables once the
 * emulator runs (default: fastKakao) and may return how to undo them.
 */
export function useExportFixture(ready: (fixture: ExportFixture) => void, environment: () => (() => void) | void = fastKakao): void {
  let kakao: ExportFixture["kakao"];
  let undo: (() => void) | void;
  beforeAll(async () => {
    kakao = await startKakao();
    undo = environment();
    await prepareTestWarehouse();
  });
  afterAll(async () => {
    await stopQueue();
    await queryEngine().close();
    await kakao.close();
    undo?.();
  });
  beforeEach(async () => {
    await control(kakao.url, "/__emulator/reset");
    ready({ kakao, ...(await exportFixture()) });
  });
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** What the customer file must contain for a query: the SPEC's rules applied independently of the encoder. */
export async function expectedAdidFile(sql: string): Promise<{ sha256: string; lines: number; bytes: number }> {
  const values = await withWarehouseClient(async (client) => (await client.query<{ adid: string | null }>(sql)).rows.map((r) => r.adid));
  const kept = values.map((v) => (v ?? "").trim()).filter((v) => UUID.test(v) && v !== "00000000-0000-0000-0000-000000000000");
  const body = kept.map((v) => `${v}\n`).join("");
  return { sha256: crypto.createHash("sha256").update(body).digest("hex"), lines: kept.length, bytes: Buffer.byteLength(body) };
}
