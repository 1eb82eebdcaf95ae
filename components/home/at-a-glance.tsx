import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { AtAGlance } from "@/lib/home/at-a-glance";
import { ExportsChart } from "@/components/jobs/exports-chart";
import { JobStatusBadge, KakaoFileStatusBadge } from "@/components/jobs/job-status-badge";
import { Bytes, When } from "@/components/jobs/units";
import { AutoRefresh } from "@/components/home/auto-refresh";

/**
 * The home dashboard: what needs the user first (reconnects, failing schedules), then what is
 * moving (running jobs, Kakao processing), then the last 30 days. Each card says what to do when
 * it is empty; problems carry an icon and words, not colour alone.
 */
export function AtAGlanceDashboard({ glance }: { glance: AtAGlance }) {
  const t = useTranslations("home");
  const firstSteps = glance.counts.authentications === 0 || glance.counts.jobs === 0;
  return (
    <div className="space-y-6">
      <AutoRefresh active={glance.running.length > 0 || glance.waiting.length > 0} />
      {firstSteps ? <FirstSteps counts={glance.counts} /> : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card id="reconnect" title={t("reconnectTitle")} count={glance.reconnect.length} attention>
          {glance.reconnect.length ? (
            <ul className="space-y-2">
              {glance.reconnect.map((a) => (
                <li key={a.id} className="flex items-start gap-2">
                  <span aria-hidden className="text-amber-800">
                    ⚠
                  </span>
                  <span>
                    <span className="font-medium">{a.name}</span>
                    {a.reason ? <span className="block text-xs text-slate-600">{a.reason}</span> : null}
                  </span>
                </li>
              ))}
              <li>
                <Link href="/integrations/authentications" className="text-sm font-medium underline">
                  {t("reconnectAction")}
                </Link>
              </li>
            </ul>
          ) : (
            <Empty text={glance.counts.authentications ? t("reconnectNone") : t("reconnectNoAuthentications")} href={glance.counts.authentications ? undefined : "/integrations/catalog/kakao-moment"} link={t("connectKakao")} />
          )}
        </Card>
        <Card id="schedules" title={t("schedulesTitle")} count={glance.schedules.length} attention>
          {glance.schedules.length ? (
            <ul className="space-y-2">
              {glance.schedules.map((s) => (
                <li key={s.id} className="flex items-start gap-2">
                  <span aria-hidden className={s.enabled ? "text-red-800" : "text-slate-700"}>
                    {s.enabled ? "✕" : "⏸"}
                  </span>
                  <span>
                    <Link href={`/workbench/queries/${s.id}`} className="font-medium underline">
                      {s.name}
                    </Link>{" "}
                    <span className="text-sm">{s.enabled ? t("scheduleFailing", { failures: s.failures }) : t("scheduleDisabled")}</span>
                    <span className="block font-mono text-xs text-slate-600">{t("scheduleCron", { cron: s.cron, timezone: s.timezone })}</span>
                    {s.disabledReason ? <span className="block text-xs text-slate-700">{s.disabledReason}</span> : null}
                    {s.lastJob ? (
                      <Link href={`/jobs/${s.lastJob.id}`} className="text-xs underline">
                        {t("scheduleLastJob", { id: s.lastJob.id })}
                      </Link>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty text={t("schedulesNone")} href="/outbox" link={t("openOutbox")} />
          )}
        </Card>
        <Card id="running" title={t("runningTitle")} count={glance.running.length}>
          {glance.running.length ? <RunningJobs jobs={glance.running} /> : <Empty text={t("runningNone")} href="/workbench/queries/new" link={t("newQuery")} />}
        </Card>
        <Card id="waiting" title={t("waitingTitle")} count={glance.waiting.length}>
          {glance.waiting.length ? (
            <ul className="space-y-2">
              {glance.waiting.map((f) => (
                <li key={`${f.jobId}-${f.name}`} className="flex flex-wrap items-center gap-2 text-sm">
                  <KakaoFileStatusBadge status={f.kakaoStatus} />
                  <span className="font-medium">{f.name}</span>
                  <Link href={`/jobs/${f.jobId}`} className="underline">
                    {t("jobLink", { id: f.jobId })}
                  </Link>
                  {f.uploadedAt ? (
                    <span className="text-xs text-slate-600">
                      {t("uploadedAt")} <When iso={f.uploadedAt} />
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty text={t("waitingNone")} />
          )}
        </Card>
      </div>
      <section aria-labelledby="home-exports" className="space-y-2">
        <h2 id="home-exports" className="text-lg font-semibold">
          {t("exportsTitle")}
        </h2>
        <ExportsChart days={glance.days} />
        <Link href="/jobs" className="text-sm font-medium underline">
          {t("allJobs")}
        </Link>
      </section>
    </div>
  );
}

function Card({ id, title, count, attention = false, children }: { id: string; title: string; count: number; attention?: boolean; children: React.ReactNode }) {
  const t = useTranslations("home");
  const format = useFormatter();
  return (
    <section aria-labelledby={`home-${id}`} className={`rounded-lg border bg-white p-4 ${attention && count ? "border-amber-600" : "border-slate-200"}`}>
      <h2 id={`home-${id}`} className="mb-2 flex items-center justify-between gap-2 font-semibold">
        <span>{title}</span>
        <span className={`rounded-full px-2 text-sm ${attention && count ? "bg-amber-100 text-amber-950" : "bg-slate-100 text-slate-800"}`}>
          <span className="sr-only">{t("countLabel")} </span>
          {format.number(count)}
        </span>
      </h2>
      {children}
    </section>
  );
}

function Empty({ text, href, link }: { text: string; href?: string; link?: string }) {
  return (
    <p className="text-sm text-slate-700">
      {text}
      {href && link ? (
        <>
          {" "}
          <Link href={href} className="font-medium underline">
            {link}
          </Link>
        </>
      ) : null}
    </p>
  );
}

function RunningJobs({ jobs }: { jobs: AtAGlance["running"] }) {
  const t = useTranslations("home");
  const format = useFormatter();
  return (
    <ul className="space-y-3">
      {jobs.map((job) => (
        <li key={job.id} className="text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Link href={`/jobs/${job.id}`} className="font-medium underline">
              {t("jobLink", { id: job.id })}
            </Link>
            <JobStatusBadge status={job.status} killRequested={job.killRequested} />
            {job.fileName ? <span className="text-slate-700">{job.fileName}</span> : null}
          </div>
          {/* The total is unknown until the whole result is read: an indeterminate bar and the counts so far. */}
          <progress aria-label={t("progressLabel", { id: job.id })} className="mt-1 h-2 w-full" />
          <p className="text-xs text-slate-700">
            {t("progressCounts", { rowsRead: format.number(job.rowsRead), rowsExported: format.number(job.rowsExported), files: job.filesDone })} <Bytes value={job.bytesExported} />
          </p>
        </li>
      ))}
    </ul>
  );
}

function FirstSteps({ counts }: { counts: AtAGlance["counts"] }) {
  const t = useTranslations("home");
  const steps = [
    { done: counts.authentications > 0, text: t("stepConnect"), href: "/integrations/catalog/kakao-moment" },
    { done: counts.queries > 0 || counts.jobs > 0, text: t("stepQuery"), href: "/workbench/queries/new" },
    { done: counts.jobs > 0, text: t("stepExport"), href: "/workbench/queries/new" },
  ];
  return (
    <section aria-labelledby="home-first-steps" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="home-first-steps" className="font-semibold">
        {t("firstStepsTitle")}
      </h2>
      <ol className="mt-2 space-y-1">
        {steps.map((step, i) => (
          <li key={i} className="flex items-center gap-2 text-sm">
            <span aria-hidden>{step.done ? "✓" : "○"}</span>
            <span className="sr-only">{step.done ? t("stepDone") : t("stepTodo")}</span>
            {step.done ? <span className="text-slate-700">{step.text}</span> : (
              <Link href={step.href} className="font-medium underline">
                {step.text}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
