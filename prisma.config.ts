import path from "node:path";
import { defineConfig } from "prisma/config";
import { migrationAdapter } from "./prisma/engine-workarounds";

// Prisma CLI configuration: the JS/WebAssembly engines through the pg driver adapter,
// so nothing is downloaded at install or run time (see prisma/engine-workarounds.ts).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: migrationAdapter,
});
