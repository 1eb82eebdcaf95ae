import type { ReactNode } from "react";
import Link from "next/link";

export type SortDirection = "ascending" | "descending";

export interface TableColumn {
  label: ReactNode;
  /** Right-aligned (numbers). */
  numeric?: boolean;
  /** Left out (e.g. the owner column for non-admins). */
  hidden?: boolean;
  /**
   * A sortable column: `direction` when the table is sorted by it (announced with aria-sort), and
   * either `href` (server-rendered pages: a link to the sorted list) or `onSort` (client state).
   */
  sort?: { direction?: SortDirection; href?: string; onSort?: () => void };
}

/** The console's table: a caption for screen readers, column headers (sortable ones as links or buttons), the rows given as children. */
export function DataTable({ caption, columns, children }: { caption: string; columns: TableColumn[]; children: ReactNode }) {
  return (
    <table className="w-full border-collapse overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="bg-slate-100 text-left">
        <tr>
          {columns
            .filter((column) => !column.hidden)
            .map((column, i) => (
              <th key={i} scope="col" aria-sort={column.sort ? (column.sort.direction ?? "none") : undefined} className={`px-3 py-2${column.numeric ? " text-right" : ""}`}>
                {column.sort ? <SortControl column={column} /> : column.label}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function SortControl({ column }: { column: TableColumn }) {
  const direction = column.sort?.direction;
  const arrow = (
    <span aria-hidden className={direction ? "text-slate-900" : "text-slate-500"}>
      {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕"}
    </span>
  );
  const className = "inline-flex items-center gap-1 font-semibold hover:underline";
  if (column.sort?.href)
    return (
      <Link href={column.sort.href} className={className}>
        {column.label} {arrow}
      </Link>
    );
  return (
    <button type="button" onClick={column.sort?.onSort} className={className}>
      {column.label} {arrow}
    </button>
  );
}

/** Sorts rows by a key; stable, nulls last, locale-aware for text. */
export function sortRows<T>(rows: T[], key: (row: T) => string | number | null | undefined, direction: SortDirection, locale?: string): T[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
  const sign = direction === "ascending" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: key(row) }))
    .sort((a, b) => {
      if (a.value == null || b.value == null) return a.value == null ? (b.value == null ? a.index - b.index : 1) : -1;
      const order = typeof a.value === "number" && typeof b.value === "number" ? a.value - b.value : collator.compare(String(a.value), String(b.value));
      return order * sign || a.index - b.index;
    })
    .map((entry) => entry.row);
}
