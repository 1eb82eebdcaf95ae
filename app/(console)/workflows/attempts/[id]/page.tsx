import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getAttempt } from "@/lib/workflows/views";
import { DataTable } from "@/components/ui/table";
import { AttemptControls } from "@/components/workflows/attempt-controls";
import { WorkflowStatusBadge } from "@/components/workflows/status-badge";

export default async function AttemptPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("workflows");
  const format = await getFormatter();
  const raw = (await params).id;
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (!id) notFound();
  const attempt = await getAttempt(user, id).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const when = (d: Date | null) => (d ? format.dateTime(d, "dateTimeSeconds") : "—");
  const sessionTime = format.dateTime(attempt.session.sessionTime, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZone: attempt.timezone, timeZoneName: "short" });
  const retriedBy = attempt.session.attempts.find((a) => a.index > attempt.index)?.id ?? null;
  return (
    <div className="max-w-6xl space-y-4">
      <Link href={`/workflows/${attempt.project.id}`} className="text-sm underline">
        {t("projectTitle", { name: attempt.project.name })}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t("attemptTitle", { id: attempt.id })}</h1>
        <WorkflowStatusBadge status={attempt.status} />
      </div>
      <p className="text-slate-600">
        {t("attemptOf", { workflow: attempt.session.workflowName, project: attempt.project.name, sessionTime, timezone: attempt.timezone, revision: attempt.revision.revision })}
      </p>
      {attempt.session.attempts.length > 1 ? (
        <p className="text-sm">
          {t("otherAttempts")}{" "}
          {attempt.session.attempts.map((a) => (
            <span key={a.id} className="mr-2">
              {a.id === attempt.id ? (
                <strong>{t("attemptLink", { id: a.id })}</strong>
              ) : (
                <Link href={`/workflows/attempts/${a.id}`} className="underline">
                  {t("attemptLink", { id: a.id })}
                </Link>
              )}{" "}
              <WorkflowStatusBadge status={a.status} />
            </span>
          ))}
        </p>
      ) : null}
      {attempt.errorMessage && attempt.status !== "success" ? <p className="whitespace-pre-line rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">{attempt.errorMessage}</p> : null}
      <AttemptControls attemptId={attempt.id} status={attempt.status} killRequested={attempt.killRequested} retriedBy={retriedBy} />
      <DataTable caption={t("tasksCaption")} columns={[{ label: t("colTask") }, { label: t("colStatus") }, { label: t("colTimings") }, { label: t("colJobs") }, { label: t("colDetails") }]}>
        {attempt.tasks.map((task) => (
          <tr key={task.id} className="border-t border-slate-200 align-top" data-task={task.fullName}>
            <td className="px-3 py-2 font-mono" style={{ paddingLeft: `${0.75 + task.depth * 1.25}rem` }}>
              {task.fullName.slice(task.fullName.search(/[+^][^+^]*$/))}
              {task.isError ? <span className="ml-1 font-sans text-xs text-slate-600">({t("errorTask")})</span> : null}
            </td>
            <td className="px-3 py-2">
              <WorkflowStatusBadge status={task.status} />
              {task.retryCount ? <div className="text-xs text-slate-600">{t("retries", { count: task.retryCount })}</div> : null}
              {task.status === "retry_waiting" && task.retryAt ? <div className="text-xs text-slate-600">{t("retryAt", { time: when(task.retryAt) })}</div> : null}
              {task.reusedFromId ? <div className="text-xs text-slate-600">{t("reused")}</div> : null}
              {task.errorMessage && task.status !== "success" ? <div className="mt-1 max-w-sm text-xs text-red-800">{task.errorMessage}</div> : null}
            </td>
            <td className="px-3 py-2 text-xs">
              <div>
                {t("colStarted")}: {when(task.startedAt)}
              </div>
              <div>
                {t("colFinished")}: {when(task.finishedAt)}
              </div>
              {task.startedAt && task.finishedAt ? <div>{t("duration", { seconds: Math.round((task.finishedAt.getTime() - task.startedAt.getTime()) / 1000) })}</div> : null}
            </td>
            <td className="px-3 py-2">
              {task.jobIds.map((jobId) => (
                <div key={jobId}>
                  <Link href={`/jobs/${jobId}`} className="underline">
                    {t("jobLink", { id: jobId })}
                  </Link>
                </div>
              ))}
            </td>
            <td className="px-3 py-2 text-xs">
              {task.variables ? (
                <details>
                  <summary className="cursor-pointer">{t("variables")}</summary>
                  <pre className="max-w-md overflow-x-auto whitespace-pre-wrap">{JSON.stringify(task.variables, null, 2)}</pre>
                </details>
              ) : null}
              {task.params ? (
                <details>
                  <summary className="cursor-pointer">{t("params")}</summary>
                  <pre className="max-w-md overflow-x-auto whitespace-pre-wrap">{JSON.stringify(task.params, null, 2)}</pre>
                </details>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
