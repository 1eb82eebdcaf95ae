import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { activationFormContext, pageId } from "@/lib/audiences/views";
import { ActivationForm } from "@/components/audiences/activation-form";

export default async function NewActivationPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const id = pageId((await params).segmentId);
  const context = id ? await activationFormContext(user, id).catch(() => null) : null;
  if (!context) notFound();
  const { segment, authentications } = context;
  return (
    <div className="max-w-6xl space-y-4">
      <p className="text-sm">
        <Link href={`/audiences/segments/${segment.id}`} className="underline">
          {segment.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t("createActivationTitle", { segment: segment.name })}</h1>
      <ActivationForm
        segment={segment}
        authentications={authentications}
      />
    </div>
  );
}
