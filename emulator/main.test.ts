import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { optionsFromEnv } from "./env";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts"], {
    cwd: root,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("EMULATOR_"))), ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe("environment", () => {
  it("maps EMULATOR_* variables to options and names a bad one", () => {
    expect(optionsFromEnv({ EMULATOR_RATE_LIMIT_MS: "0", EMULATOR_REDIRECT_URIS: "http://a.test/cb, http://b.test/cb" })).toMatchObject({
      port: 3001,
      host: "127.0.0.1",
      rateLimitMs: 0,
      redirectUris: ["http://a.test/cb", "http://b.test/cb"],
    });
    expect(optionsFromEnv({ EMULATOR_PORT: "70000" })).toEqual({ error: expect.stringContaining("EMULATOR_PORT") });
    expect(optionsFromEnv({ EMULATOR_REDIRECT_URIS: "not a url" })).toEqual({ error: expect.stringContaining("EMULATOR_REDIRECT_URIS") });
  });
});

describe("emulator/main.ts", () => {
  it("exits 1 with one line naming a bad variable", async () => {
    const p = run({ EMULATOR_PROCESSING_DELAY_MS: "soon" });
    expect(await p.exited).toBe(1);
    const lines = p.err().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("EMULATOR_PROCESSING_DELAY_MS");
  });

  it("prints where it listens, serves, and stops on SIGTERM", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "emu-main-"));
    const p = run({ EMULATOR_PORT: "0", EMULATOR_DATA_DIR: dir });
    try {
      const deadline = Date.now() + 20_000;
      while (!p.out().includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const line = p.out().trim();
      expect(line).toMatch(/^Kakao emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.split(" ").pop()!;
      expect((await fetch(`${url}/__emulator/health`)).status).toBe(200);
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
