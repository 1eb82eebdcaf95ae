import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { getSegment } from "@/lib/audiences/segments";
import { pageId } from "@/lib/audiences/views";
import { exportAuthentications } from "@/lib/export/view";
import { loadOwner } from "@/lib/schedule/schedules";
import { ActivationForm } from "@/components/audiences/activation-form";

export default async function NewActivationPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const id = pageId((await params).segmentId);
  const segment = id ? await getSegment(user, id).catch(() => null) : null;
  if (!segment) notFound();
  // The run uses the segment owner's authentications (an admin creating one for a marketer sees the marketer's).
  const owner = segment.ownerId === user.id ? user : await loadOwner(segment.ownerId);
  return (
    <div className="max-w-6xl space-y-4">
      <p className="text-sm">
        <Link href={`/audiences/segments/${segment.id}`} className="underline">
          {segment.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t("createActivationTitle", { segment: segment.name })}</h1>
      <ActivationForm
        segment={{ id: segment.id, name: segment.name, audienceId: segment.parent.id, keyColumn: segment.parent.keyColumn, attributes: segment.parent.attributes }}
        authentications={await exportAuthentications({ ...owner, role: "marketer" })}
      />
    </div>
  );
}
