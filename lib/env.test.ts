import { describe, expect, it } from "vitest";
import { parseEnv, redactUrl } from "./env";

describe("parseEnv", () => {
  it("gives the embedded-mode defaults for an empty environment", () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.HOST).toBe("127.0.0.1");
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.KAKAO_AUTH_FLOW).toBeUndefined();
    expect(e.KAKAO_SCOPES).toBe("moment_management,moment_create,moment_delete");
    expect(e.KAKAO_RESOURCE_IDS).toBe("moment:*");
    expect(e.KAKAO_PKCE).toBe("off");
    expect(e.KAKAO_TOKENINFO_USER_ID_FIELD).toBe("token_user_id");
  });

  it("names the variable and the rule for PORT=abc, in one line", () => {
    expect(() => parseEnv({ PORT: "abc" })).toThrow(/^Invalid configuration: PORT must be a port number \(got "abc"\)$/);
  });

  it("rejects a port out of range", () => {
    expect(() => parseEnv({ PORT: "70000" })).toThrow(/PORT must be between 1 and 65535/);
  });

  it("rejects a DATABASE_URL that is not a PostgreSQL URL and hides its password", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://u:secret@h/db" })).toThrow(/DATABASE_URL must be a URL like postgresql:/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://u:secret@h/db" })).not.toThrow(/secret/);
  });

  it("accepts an external PostgreSQL URL", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@db.example.com:5432/app" }).DATABASE_URL).toContain("db.example.com");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ PORT: "" }).PORT).toBe(3000);
  });

  it("rejects an unknown auth flow", () => {
    expect(() => parseEnv({ KAKAO_AUTH_FLOW: "magic" })).toThrow(/KAKAO_AUTH_FLOW/);
  });

  it("refuses the Kakao Login flow, saying why", () => {
    expect(() => parseEnv({ KAKAO_AUTH_FLOW: "login" })).toThrow(/KAKAO_AUTH_FLOW.*target biz token is not supplied/s);
    expect(parseEnv({ KAKAO_AUTH_FLOW: "business" }).KAKAO_AUTH_FLOW).toBe("business");
  });

  it("refuses malformed Kakao settings, naming each", () => {
    expect(() => parseEnv({ KAKAO_SCOPES: "moment create" })).toThrow(/KAKAO_SCOPES/);
    expect(() => parseEnv({ KAKAO_PKCE: "yes" })).toThrow(/KAKAO_PKCE/);
    expect(() => parseEnv({ KAKAO_EDIT_CALL: "PUT somewhere" })).toThrow(/KAKAO_EDIT_CALL/);
    expect(() => parseEnv({ KAKAO_REGISTER_ANSWER: "maybe" })).toThrow(/KAKAO_REGISTER_ANSWER/);
    expect(parseEnv({ KAKAO_EDIT_CALL: "none" }).KAKAO_EDIT_CALL).toBe("none");
  });
});

describe("redactUrl", () => {
  it("masks the password", () => {
    expect(redactUrl("postgresql://u:secret@h:1/db")).toBe("postgresql://u:***@h:1/db");
  });
});
