import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listProjects } from "@/lib/workflows/projects";
import { DataTable } from "@/components/ui/table";
import { UploadProjectForm } from "@/components/workflows/upload-project-form";
import { WorkflowStatusBadge } from "@/components/workflows/status-badge";

export default async function WorkflowsPage() {
  const user = await requireUser();
  const t = await getTranslations("workflows");
  const format = await getFormatter();
  const projects = await listProjects(user);
  const when = (d: Date) => format.dateTime(d, "dateTime");
  return (
    <div className="max-w-6xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-slate-600">{t("intro")}</p>
      </div>
      {projects.length === 0 ? (
        <p className="text-slate-600">{t("noProjects")}</p>
      ) : (
        <DataTable
          caption={t("projectsCaption")}
          columns={[{ label: t("colProject") }, { label: t("colWorkflows") }, { label: t("colSchedule") }, { label: t("colLastRun") }, { label: t("colRevision"), numeric: true }, { label: t("colOwner"), hidden: user.role !== "admin" }, { label: t("colUpdated") }]}
        >
          {projects.map((p) => (
            <tr key={p.id} className="border-t border-slate-200">
              <td className="px-3 py-2">
                <Link href={`/workflows/${p.id}`} className="font-medium underline">
                  {p.name}
                </Link>
              </td>
              <td className="px-3 py-2 font-mono">{p.workflows.join(", ")}</td>
              <td className="px-3 py-2">
                {p.schedules.length
                  ? p.schedules.map((s) => (
                      <div key={s.workflowName}>
                        <span className="font-mono">{s.workflowName}: {s.label}</span> <span className="text-slate-600">{s.timezone}</span>
                        {s.nextAt ? <span className="text-slate-600"> · {t("nextRun", { time: when(s.nextAt) })}</span> : null}
                      </div>
                    ))
                  : t("none")}
              </td>
              <td className="px-3 py-2">
                {p.lastAttempt ? (
                  <Link href={`/workflows/attempts/${p.lastAttempt.id}`} className="inline-flex items-center gap-2 underline">
                    <WorkflowStatusBadge status={p.lastAttempt.status} /> {p.lastAttempt.session.workflowName} · {when(p.lastAttempt.createdAt)}
                  </Link>
                ) : (
                  t("never")
                )}
              </td>
              <td className="px-3 py-2 text-right">{p.latestRevision}</td>
              {user.role === "admin" ? <td className="px-3 py-2">{p.owner.email}</td> : null}
              <td className="px-3 py-2">{when(p.updatedAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <UploadProjectForm />
    </div>
  );
}
