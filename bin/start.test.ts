import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

function start(extraEnv: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "bin/start.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe("npm start refuses bad configuration in one line", () => {
  it("real Kakao hosts without the app's credentials", () => {
    const { code, stderr } = start({ KAKAO_MOMENT_URL: "https://apis.moment.kakao.com", KAKAO_CLIENT_SECRET: "" });
    expect(code).not.toBe(0);
    expect(stderr).toBe(
      "Invalid configuration: real Kakao hosts are set (KAKAO_*_URL), so KAKAO_CLIENT_ID (the app's REST API key) and KAKAO_BUSINESS_CLIENT_SECRET (the REST API key's Business Authentication client secret) must be set too (README: Against real Kakao)",
    );
  });

  it("KAKAO_AUTH_FLOW=login, saying why it is gone", () => {
    const { code, stderr } = start({ KAKAO_AUTH_FLOW: "login" });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^Invalid configuration: KAKAO_AUTH_FLOW must be "business" or unset: Kakao Moment refuses Kakao Login tokens .*\(got "login"\)$/);
  });

  it("PORT=abc", () => {
    const { code, stderr } = start({ PORT: "abc" });
    expect(code).not.toBe(0);
    expect(stderr).toBe('Invalid configuration: PORT must be a port number (got "abc")');
  });

  it("a DATABASE_URL that is not a PostgreSQL URL", () => {
    const { code, stderr } = start({ DATABASE_URL: "not a url" });
    expect(code).not.toBe(0);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Invalid configuration: DATABASE_URL must be a URL like postgresql:/);
  });

  it("a DATABASE_URL nobody answers at, with the password hidden", () => {
    const { code, stderr } = start({ DATABASE_URL: "postgresql://app:s3cret@127.0.0.1:9/app" });
    expect(code).not.toBe(0);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^Invalid configuration: DATABASE_URL cannot connect to postgresql:\/\/app:\*\*\*@127\.0\.0\.1:9\/app: /);
    expect(stderr).not.toContain("s3cret");
  });
});
