import type { ReactNode } from "react";

export interface TableColumn {
  label: ReactNode;
  /** Right-aligned (numbers). */
  numeric?: boolean;
  /** Left out (e.g. the owner column for non-admins). */
  hidden?: boolean;
}

/** The console's table: a caption for screen readers, column headers, the rows given as children. */
export function DataTable({ caption, columns, children }: { caption: string; columns: TableColumn[]; children: ReactNode }) {
  return (
    <table className="w-full border-collapse overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="bg-slate-100 text-left">
        <tr>
          {columns
            .filter((column) => !column.hidden)
            .map((column, i) => (
              <th key={i} scope="col" className={`px-3 py-2${column.numeric ? " text-right" : ""}`}>
                {column.label}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
