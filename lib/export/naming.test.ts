import { describe, expect, it } from "vitest";
import { assertChunkNameFits, chunkFileName, chunkFileNames, customerFileNameSchema, maxFilesForName, nameLength } from "@/lib/export/naming";
import { AppError } from "@/lib/errors";
import { MAX_CUSTOMER_FILE_NAME_CHARS } from "@/lib/kakao/assumptions";
import { MAX_FILE_NAME_CHARS as EMULATOR_MAX_NAME } from "@/emulator/kakao-assumptions";

describe("chunk file names", () => {
  it("NAME, NAME_2, NAME_3, …", () => {
    expect(chunkFileName("audience", 1)).toBe("audience");
    expect(chunkFileName("audience", 2)).toBe("audience_2");
    expect(chunkFileNames("audience", 4)).toEqual(["audience", "audience_2", "audience_3", "audience_4"]);
    expect(chunkFileNames("audience", 0)).toEqual([]);
    expect(() => chunkFileName("audience", 0)).toThrow(/positive integer/);
  });

  it("the limit agrees with the emulator's", () => {
    expect(MAX_CUSTOMER_FILE_NAME_CHARS).toBe(50);
    expect(EMULATOR_MAX_NAME).toBe(MAX_CUSTOMER_FILE_NAME_CHARS);
  });

  it("a 50-character name is fine alone, an error as soon as it needs a suffix", () => {
    const base = "a".repeat(50);
    expect(chunkFileNames(base, 1)).toEqual([base]);
    expect(() => chunkFileNames(base, 2)).toThrow(AppError);
  });

  it("the error names the file, its length, the limit and the longest base that would fit", () => {
    const base = "b".repeat(49);
    let error: unknown;
    try {
      chunkFileNames(base, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_input");
    expect((error as Error).message).toBe(
      `The customer file name "${base}_3" would be 51 characters; Kakao allows at most 50 (setting KAKAO_FILE_NAME_MAX_CHARS). The export needs 3 files (${base}, ${base}_2, …), so the Customer File Name "${base}" (49 characters) must be at most 48 characters. Nothing was uploaded for it.`,
    );
  });

  it("48 characters hold up to 9 files; the 10th name is one character longer", () => {
    const base = "c".repeat(48);
    expect(chunkFileNames(base, 9)).toHaveLength(9);
    expect(() => chunkFileNames(base, 10)).toThrow(/"c{48}_10" would be 51 characters/);
    expect(() => assertChunkNameFits(base, 10)).toThrow(/needs at least 10 files/);
    expect(assertChunkNameFits(base, 9)).toBe(`${base}_9`);
  });

  it("counts Unicode code points, not UTF-16 units or bytes", () => {
    expect(nameLength("한글")).toBe(2);
    expect(nameLength("😀")).toBe(1);
    expect("😀".length).toBe(2);
    const emoji = "😀".repeat(48);
    expect(chunkFileNames(emoji, 2)).toEqual([emoji, `${emoji}_2`]);
    expect(() => chunkFileNames("😀".repeat(49), 2)).toThrow(/would be 51 characters/);
    const korean = "고객파일".repeat(12); // 48 code points, 144 UTF-8 bytes
    expect(chunkFileNames(korean, 9)).toHaveLength(9);
  });

  it("maxFilesForName", () => {
    expect(maxFilesForName("a".repeat(51))).toBe(0);
    expect(maxFilesForName("a".repeat(50))).toBe(1);
    expect(maxFilesForName("a".repeat(49))).toBe(1);
    expect(maxFilesForName("a".repeat(48))).toBe(9);
    expect(maxFilesForName("a".repeat(47))).toBe(50);
    expect(maxFilesForName("audience")).toBe(50);
    expect(maxFilesForName("😀".repeat(48))).toBe(9);
  });
});

describe("customerFileNameSchema", () => {
  const parse = (v: unknown) => customerFileNameSchema.safeParse(v);

  it("trims and accepts 1–50 characters", () => {
    expect(parse("  audience  ")).toEqual({ success: true, data: "audience" });
    expect(parse("a")).toMatchObject({ success: true });
    expect(parse(` ${"a".repeat(50)} `)).toMatchObject({ success: true, data: "a".repeat(50) });
    expect(parse("고객 파일 2026")).toMatchObject({ success: true });
  });

  it("rejects empty, blank and too long names", () => {
    expect(parse("").error?.issues[0]?.message).toBe("Customer File Name is required");
    expect(parse("   ").error?.issues[0]?.message).toBe("Customer File Name is required");
    expect(parse("a".repeat(51)).error?.issues[0]?.message).toBe("Customer File Name must be at most 50 characters");
    expect(parse(undefined).success).toBe(false);
  });

  it("counts code points: 50 emoji pass (100 UTF-16 units), 51 do not", () => {
    expect(parse("😀".repeat(50)).success).toBe(true);
    expect(parse("😀".repeat(51)).success).toBe(false);
  });

  it("rejects control characters", () => {
    for (const bad of ["a\tb", "a\nb", "a\rb", "a\u0000b", "a\u007fb", "a\u0085b"]) {
      expect(parse(bad).error?.issues[0]?.message, JSON.stringify(bad)).toMatch(/control characters/);
    }
  });
});
