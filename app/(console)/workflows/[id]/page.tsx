import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getProject, getRevision } from "@/lib/workflows/projects";
import { listAttempts } from "@/lib/workflows/views";
import { DataTable } from "@/components/ui/table";
import { RunButtons } from "@/components/workflows/run-buttons";
import { UploadProjectForm } from "@/components/workflows/upload-project-form";
import { WorkflowStatusBadge } from "@/components/workflows/status-badge";

export default async function ProjectPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ revision?: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("workflows");
  const format = await getFormatter();
  const raw = (await params).id;
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  const wanted = (await searchParams).revision;
  if (!id) notFound();
  const [project, attempts, revision] = await Promise.all([getProject(user, id), listAttempts(user, id), getRevision(user, id, wanted && /^\d{1,6}$/.test(wanted) ? Number(wanted) : undefined)]).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const when = (d: Date | null) => (d ? format.dateTime(d, "dateTimeSeconds") : "—");
  return (
    <div className="max-w-6xl space-y-6">
      <Link href="/workflows" className="text-sm underline">
        {t("backToProjects")}
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">{t("projectTitle", { name: project.name })}</h1>
        <p className="text-slate-600">
          {t("revisionNow", { revision: project.latestRevision })} · {t("owner", { email: project.owner.email })}
        </p>
      </div>

      <section aria-labelledby="workflows-heading" className="space-y-2">
        <h2 id="workflows-heading" className="text-lg font-semibold">
          {t("workflowsTitle")}
        </h2>
        <ul className="list-inside list-disc text-sm">
          {project.revisions[0]!.workflows.map((w) => {
            const schedule = project.schedules.find((s) => s.workflowName === w);
            return (
              <li key={w}>
                <span className="font-mono">{w}</span>
                {schedule ? ` · ${schedule.label} (${schedule.timezone})${schedule.nextAt ? ` · ${t("nextRun", { time: when(schedule.nextAt) })}` : ""}` : ""}
              </li>
            );
          })}
        </ul>
        <RunButtons projectId={project.id} projectName={project.name} workflows={project.revisions[0]!.workflows} />
        <Link href={`/workflows/${project.id}/edit`} className="inline-block rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100">
          {t("edit")}
        </Link>
      </section>

      <section aria-labelledby="attempts-heading" className="space-y-2">
        <h2 id="attempts-heading" className="text-lg font-semibold">
          {t("attemptsTitle")}
        </h2>
        {attempts.length === 0 ? (
          <p className="text-slate-600">{t("noAttempts")}</p>
        ) : (
          <DataTable caption={t("attemptsCaption")} columns={[{ label: t("colAttempt") }, { label: t("colWorkflow") }, { label: t("colSessionTime") }, { label: t("colStatus") }, { label: t("colStarted") }, { label: t("colFinished") }, { label: t("colTrigger") }, { label: t("colRevision"), numeric: true }]}>
            {attempts.map((a) => (
              <tr key={a.id} className="border-t border-slate-200 align-top">
                <td className="px-3 py-2">
                  <Link href={`/workflows/attempts/${a.id}`} className="underline">
                    {t("attemptLink", { id: a.id })}
                  </Link>{" "}
                  <span className="text-slate-600">({t("attemptNumber", { index: a.index })})</span>
                </td>
                <td className="px-3 py-2 font-mono">{a.session.workflowName}</td>
                <td className="px-3 py-2">{when(a.session.sessionTime)}</td>
                <td className="px-3 py-2">
                  <WorkflowStatusBadge status={a.status} />
                  {a.errorMessage && a.status !== "success" ? <div className="mt-1 max-w-md text-xs text-red-800">{a.errorMessage}</div> : null}
                </td>
                <td className="px-3 py-2">{when(a.createdAt)}</td>
                <td className="px-3 py-2">{when(a.finishedAt)}</td>
                <td className="px-3 py-2">{a.session.trigger === "schedule" ? t("trigger_schedule") : t("trigger_manual", { who: a.createdBy ?? "—" })}</td>
                <td className="px-3 py-2 text-right">{a.revision.revision}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="files-heading" className="space-y-2">
        <h2 id="files-heading" className="text-lg font-semibold">
          {t("viewingRevision", { revision: revision.revision })}
        </h2>
        {Object.entries(revision.files)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, text]) => (
            <details key={name} className="rounded border border-slate-200 bg-white">
              <summary className="cursor-pointer px-3 py-1.5 font-mono text-sm">{name}</summary>
              <pre className="overflow-x-auto border-t border-slate-200 p-3 text-sm">{text}</pre>
            </details>
          ))}
      </section>

      <section aria-labelledby="revisions-heading" className="space-y-2">
        <h2 id="revisions-heading" className="text-lg font-semibold">
          {t("revisionsTitle")}
        </h2>
        <DataTable caption={t("revisionsCaption")} columns={[{ label: t("colRevision"), numeric: true }, { label: t("colWorkflows") }, { label: t("colAuthor") }, { label: t("colSaved") }, { label: "" }]}>
          {project.revisions.map((r) => (
            <tr key={r.revision} className="border-t border-slate-200">
              <td className="px-3 py-2 text-right">{r.revision}</td>
              <td className="px-3 py-2 font-mono">{r.workflows.join(", ")}</td>
              <td className="px-3 py-2">{r.authorEmail ?? "—"}</td>
              <td className="px-3 py-2">{when(r.createdAt)}</td>
              <td className="px-3 py-2">
                <Link href={`/workflows/${project.id}?revision=${r.revision}#files-heading`} className="underline">
                  {t("view")}
                </Link>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>

      <UploadProjectForm projectId={project.id} />
    </div>
  );
}
