/** What Audience Studio's pages need from elsewhere: the warehouse's tables and columns, page ids. */
import { listDatabases, listTables } from "@/lib/warehouse/databases";
import type { WarehouseCatalog } from "@/components/audiences/parent-segment-form";

export async function warehouseCatalog(): Promise<WarehouseCatalog[]> {
  const databases = await listDatabases();
  return Promise.all(databases.map(async (d) => ({ database: d.name, tables: (await listTables(d.name)).map((x) => ({ name: x.name, columns: x.columns.map((c) => ({ name: c.name, type: c.type })) })) })));
}

/** A numeric id from a URL segment, or null (→ 404). */
export function pageId(raw: string): number | null {
  return /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : null;
}
