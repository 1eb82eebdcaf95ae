import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";

describe("migrations", () => {
  it("cover the current schema (run `npm run db:migration -- <name>` after editing prisma/schema.prisma)", () => {
    const dir = path.resolve(import.meta.dirname);
    expect(fs.readFileSync(path.join(dir, "migrations/schema-at-last-migration.prisma"), "utf8")).toBe(fs.readFileSync(path.join(dir, "schema.prisma"), "utf8"));
  });
});
