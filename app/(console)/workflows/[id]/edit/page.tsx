import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getProject, getRevision } from "@/lib/workflows/projects";
import { ProjectEditor } from "@/components/workflows/project-editor";

export default async function EditProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("workflows");
  const raw = (await params).id;
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (!id) notFound();
  const [project, revision] = await Promise.all([getProject(user, id), getRevision(user, id)]).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <div className="max-w-6xl space-y-4">
      <Link href={`/workflows/${id}`} className="text-sm underline">
        {t("cancel")}
      </Link>
      <h1 className="text-2xl font-semibold">{t("editTitle", { name: project.name })}</h1>
      <p className="text-slate-600">{t("revisionNow", { revision: revision.revision })}</p>
      <ProjectEditor projectId={id} initialFiles={revision.files} />
    </div>
  );
}
