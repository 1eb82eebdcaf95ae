import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listJobs } from "@/lib/jobs/jobs";
import { exportsPerDay } from "@/lib/jobs/stats";
import { jobListHref, parseJobListParams, pickJobListParams } from "@/lib/jobs/list-filter";
import { toJobSummaryView } from "@/lib/jobs/views";
import { listUsers } from "@/lib/users/users";
import { listAuthentications } from "@/lib/authentications/authentications";
import { ExportsChart } from "@/components/jobs/exports-chart";
import { JobFilters } from "@/components/jobs/job-filters";
import { JobsTable } from "@/components/jobs/jobs-table";
import { Alert } from "@/components/ui/alert";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const t = await getTranslations("jobs");
  const isAdmin = user.role === "admin";
  const params = pickJobListParams(await searchParams);
  const parsed = parseJobListParams(params);
  const ownerId = isAdmin && parsed.ok ? parsed.filter.ownerId : undefined;
  const [list, days, users, authentications] = await Promise.all([
    parsed.ok ? listJobs(user, parsed.filter) : null,
    exportsPerDay(user, 30, { ownerId }),
    isAdmin ? listUsers() : undefined,
    listAuthentications(user, { onlyMine: true }),
  ]);
  const now = new Date();
  const jobs = list?.jobs.map((job) => toJobSummaryView(job, now)) ?? [];
  const filtered = Object.keys(params).some((key) => key !== "before" && key !== "limit");
  return (
    <div className="max-w-6xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-slate-600">{isAdmin ? t("introAdmin") : t("intro")}</p>
      </div>
      <ExportsChart days={days} />
      <JobFilters
        params={params}
        users={users?.map((u) => ({ id: u.id, email: u.email }))}
        authentications={authentications.map((a) => ({ id: a.id, name: a.name }))}
        errors={parsed.ok ? undefined : parsed.error.fieldErrors}
      />
      {!parsed.ok ? <Alert kind="error">{t("badFilter", { message: parsed.error.message })}</Alert> : null}
      {parsed.ok && jobs.length === 0 ? (
        filtered || params.before ? (
          <p className="text-slate-600">{t("noMatches")}</p>
        ) : (
          <p className="text-slate-600">
            {t("empty")}{" "}
            <Link href="/workbench/queries/new" className="font-medium underline">
              {t("emptyLink")}
            </Link>
          </p>
        )
      ) : null}
      {jobs.length ? <JobsTable jobs={jobs} showOwner={isAdmin} /> : null}
      {parsed.ok && (params.before || list?.nextBefore) ? (
        <nav aria-label={t("pagingLabel")} className="flex justify-between text-sm">
          {params.before ? (
            <Link href={jobListHref(params, { before: undefined })} className="underline">
              {t("newest")}
            </Link>
          ) : (
            <span />
          )}
          {list?.nextBefore ? (
            <Link href={jobListHref(params, { before: String(list.nextBefore) })} className="font-medium underline">
              {t("older")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
