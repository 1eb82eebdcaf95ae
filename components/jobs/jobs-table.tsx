import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { JobSummaryView } from "@/lib/jobs/views";
import { JobStatusBadge } from "@/components/jobs/job-status-badge";
import { Duration, When } from "@/components/jobs/units";
import { DataTable } from "@/components/ui/table";

/** The job list, newest first. The owner column is for admins, who see everyone's jobs. */
export function JobsTable({ jobs, showOwner }: { jobs: JobSummaryView[]; showOwner: boolean }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  return (
    <DataTable
      caption={t("tableCaption")}
      columns={[{ label: t("colId") }, { label: t("colStatus") }, { label: t("colOwner"), hidden: !showOwner }, { label: t("colDatabase") }, { label: t("colTarget") }, { label: t("colRowsExported"), numeric: true }, { label: t("colFiles"), numeric: true }, { label: t("colCreated") }, { label: t("colDuration") }]}
    >
        {jobs.map((job) => (
          <tr key={job.id} className="border-t border-slate-200">
            <td className="px-3 py-2">
              <Link href={`/jobs/${job.id}`} className="font-medium underline" aria-label={t("jobLabel", { id: job.id })}>
                {job.id}
              </Link>
            </td>
            <td className="px-3 py-2">
              <JobStatusBadge status={job.status} killRequested={job.killRequested} />
            </td>
            {showOwner ? <td className="px-3 py-2">{job.ownerEmail}</td> : null}
            <td className="px-3 py-2 font-mono">{job.database}</td>
            <td className="px-3 py-2">
              {job.exportSettings ? t("target", { mode: t(`mode_${job.exportSettings.mode}`), fileName: job.exportSettings.file_name }) : t("none")}
            </td>
            <td className="px-3 py-2 text-right tabular-nums">{format.number(job.rowsExported)}</td>
            <td className="px-3 py-2 text-right tabular-nums">{format.number(job.filesDone)}</td>
            <td className="whitespace-nowrap px-3 py-2">
              <When iso={job.createdAt} />
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              {job.durationMs === null ? t("none") : <Duration ms={job.durationMs} soFar={!job.finishedAt} />}
            </td>
          </tr>
        ))}
      </DataTable>
  );
}
