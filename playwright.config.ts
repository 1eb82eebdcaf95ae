import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// One throwaway data folder per run (embedded PostgreSQL, emulator uploads); workers inherit it.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-e2e-"));
  fs.chmodSync(process.env.E2E_DATA_DIR, 0o755); // PostgreSQL runs as the `postgres` user when we are root
}

/**
 * The product exactly as a user starts it (production build, its own ports and data), with the
 * Kakao emulator in strict mode. (Kakao Login was removed: Kakao Moment refuses its tokens.)
 */
export const E2E = {
  adminEmail: "admin@example.com",
  adminPassword: "e2e-admin-password",
  business: { baseURL: "http://127.0.0.1:3100", emulatorURL: "http://127.0.0.1:3101" },
};

function server(port: number, emulatorPort: number, pgPort: number) {
  return {
    command: "node --import tsx bin/start.ts",
    url: `http://127.0.0.1:${port}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    env: {
      PORT: String(port),
      DATA_DIR: path.join(process.env.E2E_DATA_DIR!, "business"),
      EMBEDDED_PG_PORT: String(pgPort),
      EMULATOR_PORT: String(emulatorPort),
      ADMIN_PASSWORD: E2E.adminPassword,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      EGRESS_IPS: JSON.stringify({ "Seoul (ap-northeast-2)": ["203.0.113.10", "203.0.113.11"], "Tokyo (ap-northeast-1)": ["198.51.100.20"] }),
    },
  };
}

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: E2E.business.baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: [server(3100, 3101, 54410)],
});
