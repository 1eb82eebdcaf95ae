import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "emulator/**/*.test.ts", "bin/**/*.test.ts", "components/**/*.test.ts", "prisma/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    alias: { "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts") },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
