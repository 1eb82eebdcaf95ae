"use client";
import Image from "next/image";
import Link from "next/link";
import { useState } from "react";
import { useTranslations } from "next-intl";

/** The catalog's tiles. Kakao Moment is the one this product implements. */
const TILES = [{ slug: "kakao-moment", name: "kakaoMomentName", kind: "kakaoMomentKind", summary: "kakaoMomentSummary", logo: "/kakao-moment.svg", keywords: ["kakao", "moment", "customer file", "adid", "카카오", "カカオ"] }] as const;

export function CatalogSearch() {
  const t = useTranslations("integrations");
  const [query, setQuery] = useState("");
  const needle = query.trim().toLowerCase();
  const tiles = TILES.filter((tile) => !needle || t(tile.name).toLowerCase().includes(needle) || tile.keywords.some((k) => k.includes(needle)));
  return (
    <div className="space-y-4">
      <div className="max-w-md">
        <label htmlFor="catalog-search" className="block text-sm font-medium text-slate-700">
          {t("searchLabel")}
        </label>
        <input
          id="catalog-search"
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder={t("searchPlaceholder")}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        />
      </div>
      {tiles.length === 0 ? (
        <p role="status">{t("noMatch", { query })}</p>
      ) : (
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {tiles.map((tile) => (
            <li key={tile.slug}>
              <Link href={`/integrations/catalog/${tile.slug}`} className="flex gap-3 rounded-lg border border-slate-200 bg-white p-4 hover:border-slate-400">
                <Image src={tile.logo} alt={t("logoAlt")} width={48} height={48} />
                <span>
                  <span className="block font-semibold">{t(tile.name)}</span>
                  <span className="block text-xs text-slate-500">{t(tile.kind)}</span>
                  <span className="mt-1 block text-sm text-slate-600">{t(tile.summary)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
