"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

/** Upload a project (several files, or one archive): a new project, or a new version of `projectId`. */
export function UploadProjectForm({ projectId }: { projectId?: number }) {
  const t = useTranslations("workflows");
  const router = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (projectId) form.set("projectId", String(projectId));
    setError(null);
    setNotice(null);
    start(async () => {
      const response = await fetch("/api/workflows/upload", { method: "POST", body: form });
      const body = (await response.json().catch(() => ({ message: response.statusText }))) as { id?: number; name?: string; revision?: number; message?: string };
      if (!response.ok) return setError(body.message ?? response.statusText);
      setNotice(t("uploaded", { revision: body.revision!, name: body.name! }));
      if (projectId) router.refresh();
      else router.push(`/workflows/${body.id}`);
    });
  }

  return (
    <form onSubmit={onSubmit} className="max-w-2xl space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby={`upload-${projectId ?? "new"}`}>
      <h2 id={`upload-${projectId ?? "new"}`} className="text-lg font-semibold">
        {projectId ? t("uploadNewRevision") : t("uploadTitle")}
      </h2>
      <p id={`upload-help-${projectId ?? "new"}`} className="text-sm text-slate-600">
        {t("uploadHelp")}
      </p>
      {projectId ? null : <TextField label={t("projectName")} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />}
      <div>
        <label htmlFor={`files-${projectId ?? "new"}`} className="block text-sm font-medium text-slate-700">
          {t("projectFiles")}
        </label>
        <input
          id={`files-${projectId ?? "new"}`}
          name="files"
          type="file"
          multiple
          required
          accept=".dig,.sql,.zip,.tar,.gz,.tgz"
          aria-describedby={`upload-help-${projectId ?? "new"}`}
          className="mt-1 block text-sm"
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? t("uploading") : t("upload")}
      </Button>
      {error ? (
        <Alert kind="error">
          <span className="whitespace-pre-line">{error}</span>
        </Alert>
      ) : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
    </form>
  );
}
