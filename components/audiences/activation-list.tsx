"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { deleteActivationAction, runActivationAction } from "@/lib/audiences/actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";
import { DataTable } from "@/components/ui/table";

export interface ActivationSummary {
  id: number;
  name: string;
  authentication: string;
  target: string;
  schedule: string;
}

function RunButton({ activation }: { activation: ActivationSummary }) {
  const t = useTranslations("audiences");
  const router = useRouter();
  const { pending, error, run } = useAction({ toast: true });
  return (
    <>
      <Button disabled={pending} aria-label={t("runActivation", { name: activation.name })} onClick={() => run(() => runActivationAction({ id: activation.id }), (data) => t("runStarted", { jobId: data.jobId }), (data) => router.push(`/jobs/${data.jobId}`))}>
        {t("run")}
      </Button>
      {error ? <Alert kind="error">{error.message}</Alert> : null}
    </>
  );
}

/** A segment's activations: Run (a job like any other), Edit, Delete. */
export function ActivationList({ activations }: { activations: ActivationSummary[] }) {
  const t = useTranslations("audiences");
  if (activations.length === 0) return <p className="text-slate-600">{t("noActivations")}</p>;
  return (
    <DataTable caption={t("activationsCaption")} columns={[{ label: t("colName") }, { label: t("colAuthentication") }, { label: t("colTarget") }, { label: t("colSchedule") }, { label: t("colActions") }]}>
      {activations.map((a) => (
        <tr key={a.id} className="border-t border-slate-200">
          <td className="px-3 py-2">
            <Link href={`/audiences/activations/${a.id}`} className="font-medium underline">
              {a.name}
            </Link>
          </td>
          <td className="px-3 py-2">{a.authentication}</td>
          <td className="px-3 py-2">{a.target}</td>
          <td className="px-3 py-2">{a.schedule}</td>
          <td className="flex flex-wrap gap-2 px-3 py-2">
            <RunButton activation={a} />
            <ConfirmDeleteButton text={t("delete")} label={t("deleteActivation", { name: a.name })} confirmText={t("confirmDeleteActivation", { name: a.name })} call={() => deleteActivationAction({ id: a.id })} done={t("activationDeleted", { name: a.name })} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
