import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { getSegmentTree } from "@/lib/audiences/segments";
import { pageId } from "@/lib/audiences/views";
import { SegmentEditor } from "@/components/audiences/segment-editor";

export default async function NewSegmentPage({ params }: { params: Promise<{ parentId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const id = pageId((await params).parentId);
  const tree = id ? await getSegmentTree(user, id).catch(() => null) : null;
  if (!tree) notFound();
  return (
    <div className="max-w-6xl space-y-4">
      <p className="text-sm">
        <Link href={`/audiences/${tree.parent.id}`} className="underline">
          {tree.parent.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t("newSegmentTitle")}</h1>
      <SegmentEditor parentSegmentId={tree.parent.id} attributes={tree.parent.attributes} folders={tree.folders} />
    </div>
  );
}
