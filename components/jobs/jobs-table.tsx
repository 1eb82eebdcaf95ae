import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { JobSummaryView } from "@/lib/jobs/views";
import { JobStatusBadge } from "@/components/jobs/job-status-badge";
import { Duration, When } from "@/components/jobs/units";

/** The job list, newest first. The owner column is for admins, who see everyone's jobs. */
export function JobsTable({ jobs, showOwner }: { jobs: JobSummaryView[]; showOwner: boolean }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  return (
    <table className="w-full border-collapse rounded-lg border border-slate-200 bg-white text-sm">
      <caption className="sr-only">{t("tableCaption")}</caption>
      <thead className="bg-slate-100 text-left">
        <tr>
          <th scope="col" className="px-3 py-2">{t("colId")}</th>
          <th scope="col" className="px-3 py-2">{t("colStatus")}</th>
          {showOwner ? <th scope="col" className="px-3 py-2">{t("colOwner")}</th> : null}
          <th scope="col" className="px-3 py-2">{t("colDatabase")}</th>
          <th scope="col" className="px-3 py-2">{t("colTarget")}</th>
          <th scope="col" className="px-3 py-2 text-right">{t("colRowsExported")}</th>
          <th scope="col" className="px-3 py-2 text-right">{t("colFiles")}</th>
          <th scope="col" className="px-3 py-2">{t("colCreated")}</th>
          <th scope="col" className="px-3 py-2">{t("colDuration")}</th>
        </tr>
      </thead>
      <tbody>
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
      </tbody>
    </table>
  );
}
