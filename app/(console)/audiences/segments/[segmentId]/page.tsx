import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { activationLog, getSegment, getSegmentTree } from "@/lib/audiences/segments";
import { listActivations } from "@/lib/audiences/activations";
import { pageId } from "@/lib/audiences/views";
import { exportTargetLabel } from "@/lib/export/view";
import { SegmentEditor } from "@/components/audiences/segment-editor";
import { ActivationList } from "@/components/audiences/activation-list";
import { DeleteSegmentButton } from "@/components/audiences/delete-buttons";
import { JobStatusBadge } from "@/components/jobs/job-status-badge";
import { DataTable } from "@/components/ui/table";

export default async function SegmentPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const format = await getFormatter();
  const id = pageId((await params).segmentId);
  const segment = id ? await getSegment(user, id).catch(() => null) : null;
  if (!segment) notFound();
  const [tree, activations, log] = await Promise.all([getSegmentTree(user, segment.parentSegmentId), listActivations(user, segment.id), activationLog(user, segment.id)]);
  return (
    <div className="max-w-6xl space-y-6">
      <p className="text-sm">
        <Link href={`/audiences/${segment.parent.id}`} className="underline">
          {segment.parent.name}
        </Link>
      </p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{segment.name}</h1>
        <div className="flex gap-2">
          <Link href={`/audiences/segments/${segment.id}/activations/new`} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
            {t("createActivation")}
          </Link>
          <DeleteSegmentButton id={segment.id} name={segment.name} parentSegmentId={segment.parentSegmentId} />
        </div>
      </div>
      <SegmentEditor parentSegmentId={segment.parentSegmentId} attributes={segment.parent.attributes} folders={tree.folders} saved={{ id: segment.id, name: segment.name, folderId: segment.folderId, rules: segment.rules }} />
      <section aria-labelledby="activations-heading" className="space-y-2">
        <h2 id="activations-heading" className="text-lg font-semibold">
          {t("activations")}
        </h2>
        <ActivationList
          activations={activations.map((a) => ({
            id: a.id,
            name: a.name,
            authentication: a.authentication.name,
            target: exportTargetLabel(a.exportSettings) ?? "—",
            schedule: a.schedule.cron ? `${a.schedule.cron} ${a.schedule.timezone}${a.schedule.state === "active" ? "" : ` (${a.schedule.state})`}` : t("noSchedule"),
          }))}
        />
      </section>
      <section aria-labelledby="log-heading" className="space-y-2">
        <h2 id="log-heading" className="text-lg font-semibold">
          {t("activationLog")}
        </h2>
        {log.length === 0 ? (
          <p className="text-slate-600">{t("noRuns")}</p>
        ) : (
          <DataTable caption={t("activationLog")} columns={[{ label: t("colJob") }, { label: t("colActivation") }, { label: t("colStatus") }, { label: t("colStarted") }, { label: t("colExported"), numeric: true }, { label: t("colError") }]}>
            {log.map((run) => (
              <tr key={run.jobId} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/jobs/${run.jobId}`} className="font-mono underline">
                    {run.jobId}
                  </Link>
                </td>
                <td className="px-3 py-2">{run.activationName ?? t("deletedActivation")}</td>
                <td className="px-3 py-2">
                  <JobStatusBadge status={run.status} />
                </td>
                <td className="px-3 py-2">{format.dateTime(run.scheduledAt ?? run.createdAt, "dateTime")}</td>
                <td className="px-3 py-2 text-right">{format.number(Number(run.rowsExported))}</td>
                <td className="max-w-md truncate px-3 py-2 text-red-700" title={run.errorMessage ?? undefined}>
                  {run.errorMessage ?? ""}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
