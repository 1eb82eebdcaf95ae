/**
 * Fault: the disk fills up while a chunk is spooled. The spool's files are opened through
 * node:fs/promises `open`; here writes under DATA_DIR/spool fail with ENOSPC once a quota is used
 * up, as on a small filesystem. The job ends in a clean error naming the full disk, the spool
 * folder is gone, and anything uploaded before is recorded and named in the log.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { emulatorState } from "@/emulator/testing";
import { getJob, issueJob } from "@/lib/jobs/jobs";
import { runJob } from "@/lib/jobs/runner";
import { spoolDirFor } from "@/lib/export/run-export";
import type { SessionUser } from "@/lib/auth/access";
import { useExportFixture, type ExportFixture } from "@/lib/jobs/test-support";
import { SQL, expectedFiles, faultEnv, jobLogText } from "@/lib/jobs/fault-support";

/** Bytes the spool may still write before ENOSPC (Infinity: no limit), and under which folder. */
const disk = vi.hoisted(() => ({ left: Infinity, under: "/nonexistent", failures: 0, openHandles: 0 }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof real.open = async (file, flags, mode) => {
    const handle = await real.open(file, flags, mode);
    if (!String(file).startsWith(disk.under)) return handle;
    const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<{ bytesWritten: number }>;
    disk.openHandles++;
    let closed = false;
    return new Proxy(handle, {
      get(target, property) {
        if (property === "close") {
          return async () => {
            if (!closed) disk.openHandles--;
            closed = true;
            return target.close();
          };
        }
        if (property !== "write") {
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        }
        return async (data: Buffer, offset: number, length: number, position: number) => {
          if (length > disk.left) {
            disk.failures++;
            throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC", errno: -28, syscall: "write" });
          }
          disk.left -= length;
          return write(data, offset, length, position);
        };
      },
    });
  };
  return { ...real, default: { ...real, open }, open };
});

let kakao: ExportFixture["kakao"];
let env: ReturnType<typeof faultEnv>;
let user: SessionUser;
let authenticationId: number;

useExportFixture((fixture) => ({ kakao, user, authenticationId } = fixture), () => {
  env = faultEnv();
  disk.under = path.join(env.dataDir, "spool");
  return env.cleanup;
});
beforeEach(() => {
  disk.failures = 0;
  disk.openHandles = 0;
});

async function exportWithDiskRoom(bytes: number, name: string) {
  disk.left = bytes;
  const job = await issueJob(user, { database: "kakao_db", query: SQL, authenticationId, exportSettings: { ad_account_id: 27429, mode: "register", file_name: name } });
  await runJob(job.id);
  disk.left = Infinity;
  // Every spool file opened was closed again (a failed write must not leak its file handle).
  expect(disk.openHandles).toBe(0);
  return getJob(user, job.id);
}

function spoolFiles(jobId: number): string[] {
  const dir = spoolDirFor(jobId);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe("disk full while spooling", { timeout: 120_000 }, () => {
  it("in the first chunk: a clean error naming the full disk, no spool file left, nothing uploaded", async () => {
    const job = await exportWithDiskRoom(500_000, "full_first");
    expect(disk.failures).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: "error" });
    expect(job.errorMessage).toMatch(/^Not enough disk space to spool the export: writing .*chunk-0001\.csv failed \(ENOSPC\)/);
    expect(spoolFiles(job.id)).toEqual([]);
    expect((await emulatorState(kakao.url)).files).toEqual([]);
    expect(job.files).toEqual([]);
  });

  it("in the second chunk: the same clean error; the first file, if it was sent, is whole, recorded and named in the log", async () => {
    const job = await exportWithDiskRoom(3_000_000, "full_second");
    expect(disk.failures).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: "error" });
    expect(job.errorMessage).toMatch(/^Not enough disk space to spool the export: writing .*chunk-0002\.csv failed \(ENOSPC\)/);
    expect(spoolFiles(job.id)).toEqual([]);
    const onKakao = (await emulatorState(kakao.url)).files;
    expect(onKakao.length).toBeLessThanOrEqual(1);
    expect(job.files.map((f) => [f.name, Number(f.kakaoId), f.sha256])).toEqual(onKakao.map((f) => [f.name, f.id, f.sha256]));
    if (onKakao.length) {
      expect(onKakao[0]).toMatchObject({ name: "full_second", sha256: expectedFiles()[0]!.sha256 });
      expect(await jobLogText(job.id)).toContain(`1 of this job's customer files is on Kakao: "full_second" (id ${onKakao[0]!.id})`);
    }
  });

  it("with room again, the same export succeeds (the failure left nothing behind that gets in the way)", async () => {
    const job = await exportWithDiskRoom(Infinity, "after_full");
    expect(job.status).toBe("success");
    expect((await emulatorState(kakao.url)).files.map((f) => [f.name, f.sha256])).toEqual(expectedFiles().map((e, i) => [["after_full", "after_full_2", "after_full_3"][i], e.sha256]));
    expect(spoolFiles(job.id)).toEqual([]);
  });
});
