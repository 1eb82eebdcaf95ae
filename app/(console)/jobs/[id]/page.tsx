import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getJob, jobLogs } from "@/lib/jobs/jobs";
import { toJobLogView, toJobView } from "@/lib/jobs/views";
import { JobDetail } from "@/components/jobs/job-detail";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("jobs");
  const raw = (await params).id;
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (!id) notFound();
  const [job, logs] = await Promise.all([getJob(user, id), jobLogs(user, id)]).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <div className="max-w-6xl space-y-4">
      <Link href="/jobs" className="text-sm underline">
        {t("backToJobs")}
      </Link>
      <h1 className="text-2xl font-semibold">{t("detailTitle", { id })}</h1>
      <JobDetail initial={{ job: toJobView(job), logs: logs.map(toJobLogView) }} />
    </div>
  );
}
