import { defineConfig } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// One throwaway data folder per run (embedded PostgreSQL, emulator uploads); workers inherit it.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-e2e-"));
  fs.chmodSync(process.env.E2E_DATA_DIR, 0o755); // PostgreSQL runs as the `postgres` user when we are root
}
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E = {
  baseURL: `http://127.0.0.1:${PORT}`,
  adminEmail: "admin@example.com",
  adminPassword: "e2e-admin-password",
  emulatorPort: Number(process.env.E2E_EMULATOR_PORT ?? 3101),
};

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: E2E.baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    // The product exactly as a user starts it (production build), on its own ports and data.
    command: "node --import tsx bin/start.ts",
    url: `${E2E.baseURL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      DATA_DIR: process.env.E2E_DATA_DIR,
      EMBEDDED_PG_PORT: String(Number(process.env.E2E_PG_PORT ?? 54410)),
      EMULATOR_PORT: String(E2E.emulatorPort),
      ADMIN_PASSWORD: E2E.adminPassword,
      PUBLIC_URL: E2E.baseURL,
    },
  },
});
