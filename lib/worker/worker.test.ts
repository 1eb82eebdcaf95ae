import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { QUEUES, queue, stopQueue } from "@/lib/jobs/queue";

const root = path.resolve(import.meta.dirname, "../..");

describe("worker process (real pg-boss queue on PostgreSQL)", () => {
  afterAll(stopQueue);

  it("runs a queued job in a separate worker process and stops cleanly on SIGTERM", async () => {
    const worker = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/worker/main.ts"], {
      cwd: root,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout.on("data", (d) => (output += d));
    worker.stderr.on("data", (d) => (output += d));
    try {
      const boss = await queue();
      const id = await boss.send(QUEUES.ping, { nonce: "n-42" });
      expect(id).toBeTruthy();
      let job = await boss.getJobById(QUEUES.ping, id!);
      for (let i = 0; i < 120 && job?.state !== "completed"; i++) {
        await new Promise((r) => setTimeout(r, 250));
        job = await boss.getJobById(QUEUES.ping, id!);
      }
      expect(job?.state).toBe("completed");
      expect(job?.output).toEqual({ pong: "n-42", pid: worker.pid });
      for (let i = 0; i < 100 && !output.includes("ready"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain("ready");
    } finally {
      const exited = new Promise<number | null>((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
    expect(output).toContain("SIGTERM: finishing running jobs");
  });
});
