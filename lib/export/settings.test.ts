import { describe, expect, it } from "vitest";
import { exportSettingsSchema } from "@/lib/export/settings";

const issues = (input: unknown) => {
  const parsed = exportSettingsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("export settings (one schema for form, action, API and workflow)", () => {
  it("accepts the seed's register and edit settings with a real ad account id", () => {
    expect(exportSettingsSchema.parse({ type: "kakao_moment", data_source: "customer_file", ad_account_id: "27429", mode: "register", file_name: "test" })).toEqual({
      type: "kakao_moment",
      data_source: "customer_file",
      ad_account_id: 27429,
      mode: "register",
      file_name: "test",
    });
    expect(exportSettingsSchema.parse({ ad_account_id: 27429, mode: "edit", file_name: "test", action: "stop" }).action).toBe("stop");
  });

  it("names the key when the seed's placeholder ad_account_id is left in", () => {
    expect(issues({ ad_account_id: "ad_account_id", mode: "register", file_name: "test" })).toEqual(['ad_account_id: must be a numeric Kakao Moment ad account id (got "ad_account_id")']);
  });

  it("requires action for edit, and only the two documented values", () => {
    expect(issues({ ad_account_id: 1, mode: "edit", file_name: "x" })).toEqual(['action: is required when mode is "edit" (stop or send_first_200mb)']);
    expect(issues({ ad_account_id: 1, mode: "edit", file_name: "x", action: "truncate" })).toEqual(['action: must be "stop" or "send_first_200mb"']);
  });

  it("rejects wrong types, data sources, modes, names and unknown keys", () => {
    expect(issues({ type: "facebook", ad_account_id: 1, mode: "register", file_name: "x" })).toEqual(['type: must be "kakao_moment"']);
    expect(issues({ data_source: "segment", ad_account_id: 1, mode: "register", file_name: "x" })).toEqual(['data_source: must be "customer_file" (Customer File)']);
    expect(issues({ ad_account_id: 1, mode: "append", file_name: "x" })).toEqual(['mode: must be "register" or "edit"']);
    expect(issues({ ad_account_id: 1, mode: "register", file_name: "   " })[0]).toMatch(/^file_name: /);
    expect(issues({ ad_account_id: 1, mode: "register", file_name: "x".repeat(51) })[0]).toMatch(/^file_name: .*50/);
    expect(issues({ ad_account_id: 1, mode: "register", file_name: "x", extra: 1 })[0]).toMatch(/extra/);
    expect(issues({ ad_account_id: -5, mode: "register", file_name: "x" })[0]).toMatch(/^ad_account_id: /);
    expect(issues({ mode: "register", file_name: "x" })).toEqual(["ad_account_id: is required"]);
  });
});
