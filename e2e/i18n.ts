/** The message catalogs as the console loads them (messages/<locale><part>.json merged), for specs that assert on translated text. */
import fs from "node:fs";
import path from "node:path";

export const LOCALES = ["en", "ko", "ja"] as const;
export type Locale = (typeof LOCALES)[number];
export const BROWSER_LOCALE: Record<Locale, string> = { en: "en-US", ko: "ko-KR", ja: "ja-JP" };

type Catalog = Record<string, Record<string, unknown>>;

export function catalog(locale: Locale): Catalog {
  const dir = path.join(import.meta.dirname, "../messages");
  return Object.assign({}, ...["", ".audiences", ".workflows", ".api"].map((part) => JSON.parse(fs.readFileSync(path.join(dir, `${locale}${part}.json`), "utf8"))));
}

/** A message by dotted key, with {placeholders} filled and rich-text tags dropped (text kept). */
export function message(c: Catalog, key: string, values: Record<string, string | number> = {}): string {
  const raw = key.split(".").reduce<unknown>((node, k) => (node as Record<string, unknown>)?.[k], c);
  if (typeof raw !== "string") throw new Error(`no message ${key}`);
  return raw.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`)).replace(/<\/?\w+>/g, "");
}
