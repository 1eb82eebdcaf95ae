import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { getActivation } from "@/lib/audiences/activations";
import { activationFormContext, pageId } from "@/lib/audiences/views";
import { ActivationForm } from "@/components/audiences/activation-form";

export default async function ActivationPage({ params }: { params: Promise<{ activationId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const id = pageId((await params).activationId);
  const activation = id ? await getActivation(user, id).catch(() => null) : null;
  if (!activation) notFound();
  const { segment, authentications } = await activationFormContext(user, activation.segmentId);
  const mapping = activation.mapping;
  return (
    <div className="max-w-6xl space-y-4">
      <p className="text-sm">
        <Link href={`/audiences/segments/${segment.id}`} className="underline">
          {segment.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t("activationTitle", { name: activation.name })}</h1>
      <ActivationForm
        segment={segment}
        authentications={authentications}
        initial={{
          id: activation.id,
          name: activation.name,
          target: { authenticationId: activation.authenticationId, settings: { ...activation.exportSettings, ad_account_id: String(activation.exportSettings.ad_account_id) } },
          mapping,
          schedule: { cron: activation.schedule.cron, timezone: activation.schedule.timezone, delaySeconds: activation.schedule.delaySeconds },
          emails: activation.notifyEmails.join(", "),
          onSuccess: activation.notifyOnSuccess,
          onFailure: activation.notifyOnFailure,
        }}
      />
    </div>
  );
}
