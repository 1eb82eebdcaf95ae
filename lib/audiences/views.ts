/** What Audience Studio's pages need from elsewhere: the warehouse's tables and columns, page ids. */
import { listDatabases, listTables } from "@/lib/warehouse/databases";
import type { WarehouseCatalog } from "@/components/audiences/parent-segment-form";
import type { SessionUser } from "@/lib/auth/access";
import { getSegment } from "@/lib/audiences/segments";
import { exportAuthentications } from "@/lib/export/view";
import { loadOwner } from "@/lib/schedule/schedules";

export async function warehouseCatalog(): Promise<WarehouseCatalog[]> {
  const databases = await listDatabases();
  return Promise.all(databases.map(async (d) => ({ database: d.name, tables: (await listTables(d.name)).map((x) => ({ name: x.name, columns: x.columns.map((c) => ({ name: c.name, type: c.type })) })) })));
}

/** A numeric id from a URL segment, or null (→ 404). */
export function pageId(raw: string): number | null {
  return /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : null;
}

/**
 * What the activation form (new and edit) needs of its segment: the segment, and the authentications
 * of the segment's owner, whose run it is (an admin editing a marketer's activation sees the marketer's).
 */
export async function activationFormContext(user: SessionUser, segmentId: number) {
  const segment = await getSegment(user, segmentId);
  const owner = segment.ownerId === user.id ? user : await loadOwner(segment.ownerId);
  return {
    segment: { id: segment.id, name: segment.name, audienceId: segment.parent.id, keyColumn: segment.parent.keyColumn, attributes: segment.parent.attributes },
    authentications: await exportAuthentications({ ...owner, role: "marketer" }),
  };
}
