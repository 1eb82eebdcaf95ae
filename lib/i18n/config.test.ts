import { describe, expect, it } from "vitest";
import { negotiateLocale, resolveLocale, resolveTimeZone } from "@/lib/i18n/config";

describe("choosing the console's language and time zone", () => {
  it("negotiates Accept-Language by weight, then order, on the primary subtag", () => {
    expect(negotiateLocale("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("ko");
    expect(negotiateLocale("fr-FR, ja;q=0.5, en;q=0.4")).toBe("ja");
    expect(negotiateLocale("en;q=0.2, ja-JP;q=0.9")).toBe("ja");
    expect(negotiateLocale("de, fr")).toBeNull();
    expect(negotiateLocale("ko;q=0, en")).toBe("en");
    expect(negotiateLocale("")).toBeNull();
    expect(negotiateLocale(null)).toBeNull();
  });

  it("prefers the saved setting, then the cookie, then the browser, then English", () => {
    expect(resolveLocale({ saved: "ja", cookie: "ko", acceptLanguage: "en" })).toBe("ja");
    expect(resolveLocale({ saved: null, cookie: "ko", acceptLanguage: "ja" })).toBe("ko");
    expect(resolveLocale({ saved: "xx", cookie: "zz", acceptLanguage: "ja-JP" })).toBe("ja");
    expect(resolveLocale({ acceptLanguage: "fr" })).toBe("en");
  });

  it("uses the saved zone, then the browser's, then UTC, ignoring unknown zones", () => {
    expect(resolveTimeZone({ saved: "Asia/Seoul", cookie: "Asia/Tokyo" })).toBe("Asia/Seoul");
    expect(resolveTimeZone({ saved: null, cookie: "Asia/Tokyo" })).toBe("Asia/Tokyo");
    expect(resolveTimeZone({ saved: "Mars/Base", cookie: "nope" })).toBe("UTC");
  });
});
