/**
 * The catalogs are complete: every locale has exactly the keys English has, part by part
 * (messages/<locale><part>.json, see config.ts), every message parses as ICU, and each translation
 * uses the same placeholders and rich-text tags as the English one.
 * Adding a key: add it to messages/en<part>.json AND to the same part of every other locale.
 */
import fs from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { MESSAGE_PARTS, defaultLocale, locales } from "@/lib/i18n/config";

const DIR = path.resolve(import.meta.dirname, "../../messages");

function load(locale: string, part: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(DIR, `${locale}${part}.json`), "utf8")) as Record<string, unknown>;
}

function flatten(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else out.set(prefix, value);
  return out;
}

/** Argument names and tag names a message uses, e.g. {rows, plural, …} and <link>…</link> → ["rows", "<link>"]. */
export function placeholders(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (element.type === TYPE.tag) {
        names.add(`<${element.value}>`);
        walk(element.children);
      } else if (element.type === TYPE.plural || element.type === TYPE.select) {
        names.add(element.value);
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date || element.type === TYPE.time) {
        names.add(element.value);
      }
    }
  };
  walk(parse(message));
  return [...names].sort();
}

describe("message catalogs", () => {
  it("extracts placeholders and tags (self-check)", () => {
    expect(placeholders("{rows, plural, one {# row} other {# rows}} in {file} — <link>open</link>")).toEqual(["<link>", "file", "rows"]);
  });

  for (const part of MESSAGE_PARTS) {
    const english = flatten(load(defaultLocale, part));
    for (const locale of locales.filter((l) => l !== defaultLocale)) {
      describe(`${locale}${part}.json`, () => {
        const translated = flatten(load(locale, part));
        it("has exactly the keys of the English part", () => {
          expect({ missing: [...english.keys()].filter((k) => !translated.has(k)), extra: [...translated.keys()].filter((k) => !english.has(k)) }).toEqual({ missing: [], extra: [] });
        });
        it("has a non-empty string for every key, with the English placeholders", () => {
          const problems: string[] = [];
          for (const [key, source] of english) {
            const target = translated.get(key);
            if (target === undefined) continue;
            if (typeof target !== "string" || !target.trim()) {
              problems.push(`${key}: not a non-empty string`);
              continue;
            }
            try {
              const want = placeholders(String(source));
              const got = placeholders(target);
              if (want.join() !== got.join()) problems.push(`${key}: placeholders ${JSON.stringify(got)} ≠ English ${JSON.stringify(want)}`);
            } catch (error) {
              problems.push(`${key}: ${(error as Error).message}`);
            }
          }
          expect(problems).toEqual([]);
        });
      });
    }
  }

  it("every English message parses", () => {
    const broken = MESSAGE_PARTS.flatMap((part) => [...flatten(load(defaultLocale, part))].flatMap(([key, value]) => {
      try {
        placeholders(String(value));
        return [];
      } catch (error) {
        return [`${part} ${key}: ${(error as Error).message}`];
      }
    }));
    expect(broken).toEqual([]);
  });
});
