import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { getSegmentTree } from "@/lib/audiences/segments";
import { pageId, warehouseCatalog } from "@/lib/audiences/views";
import { SegmentTree } from "@/components/audiences/segment-tree";
import { ParentSegmentForm } from "@/components/audiences/parent-segment-form";
import { DeleteParentSegmentButton } from "@/components/audiences/delete-buttons";

export default async function ParentSegmentPage({ params }: { params: Promise<{ parentId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const id = pageId((await params).parentId);
  const tree = id ? await getSegmentTree(user, id).catch(() => null) : null;
  if (!tree) notFound();
  const { parent } = tree;
  return (
    <div className="max-w-6xl space-y-4">
      <p className="text-sm">
        <Link href="/audiences" className="underline">
          {t("title")}
        </Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold">{parent.name}</h1>
          <p className="text-slate-600">
            {t("parentSummary", { id: parent.id, table: `${parent.database}.${parent.table}`, key: parent.keyColumn })}
          </p>
        </div>
        <div className="flex gap-2">
          <Link href={`/audiences/${parent.id}/segments/new`} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
            {t("newSegment")}
          </Link>
          <DeleteParentSegmentButton id={parent.id} name={parent.name} />
        </div>
      </div>
      <section aria-labelledby="segments-heading" className="space-y-2">
        <h2 id="segments-heading" className="text-lg font-semibold">
          {t("segments")}
        </h2>
        <SegmentTree parentSegmentId={parent.id} folders={tree.folders} segments={tree.segments.map((s) => ({ id: s.id, folderId: s.folderId, name: s.name, activations: s._count.activations }))} />
      </section>
      <ParentSegmentForm catalog={await warehouseCatalog()} initial={{ id: parent.id, name: parent.name, database: parent.database, table: parent.table, keyColumn: parent.keyColumn, attributes: parent.attributes.map((a) => a.name).filter((n) => n !== parent.keyColumn) }} />
    </div>
  );
}
