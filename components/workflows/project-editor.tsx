"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { saveProjectFilesAction } from "@/lib/workflows/actions";
import { useAction } from "@/components/ui/use-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { CodeEditor } from "@/components/workflows/code-editor";

/** Edit a project's files in the console; Save stores them as the next revision (after every check). */
export function ProjectEditor({ projectId, initialFiles }: { projectId: number; initialFiles: Record<string, string> }) {
  const t = useTranslations("workflows");
  const router = useRouter();
  const [files, setFiles] = useState(initialFiles);
  const names = Object.keys(files).sort();
  const [current, setCurrent] = useState(names.find((n) => n.endsWith(".dig")) ?? names[0] ?? "");
  const [newName, setNewName] = useState("");
  const { pending, error, notice, run } = useAction();

  function addFile() {
    const name = newName.trim();
    if (!name || name in files) return;
    setFiles({ ...files, [name]: "" });
    setCurrent(name);
    setNewName("");
  }

  function removeFile(name: string) {
    const { [name]: _removed, ...rest } = files;
    setFiles(rest);
    setCurrent(Object.keys(rest).sort()[0] ?? "");
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">{t("editHelp")}</p>
      <div className="flex flex-col gap-4 md:flex-row">
        <nav aria-label={t("filesLabel")} className="w-full space-y-2 md:w-64">
          <ul className="space-y-1">
            {names.map((name) => (
              <li key={name} className="flex items-center justify-between gap-1">
                <button type="button" onClick={() => setCurrent(name)} aria-current={name === current ? "true" : undefined} className={`flex-1 truncate rounded px-2 py-1 text-left font-mono text-sm ${name === current ? "bg-slate-900 text-white" : "hover:bg-slate-100"}`}>
                  {name}
                </button>
                <button type="button" onClick={() => removeFile(name)} aria-label={t("removeFile", { file: name })} className="rounded px-1 text-red-700 hover:bg-red-50">
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <TextField label={t("newFileName")} value={newName} onChange={(e) => setNewName(e.target.value)} />
          <Button variant="secondary" type="button" onClick={addFile} disabled={!newName.trim()}>
            {t("addFile")}
          </Button>
        </nav>
        <div className="min-w-0 flex-1">
          {current ? <CodeEditor key={current} file={current} value={files[current] ?? ""} onChange={(text) => setFiles((all) => ({ ...all, [current]: text }))} label={t("editorLabel", { file: current })} /> : null}
        </div>
      </div>
      <div className="flex gap-2">
        <Button disabled={pending} onClick={() => run(() => saveProjectFilesAction({ projectId, files }), (saved) => t("saved", { revision: saved.revision }), () => router.push(`/workflows/${projectId}`))}>
          {pending ? t("saving") : t("save")}
        </Button>
        <Link href={`/workflows/${projectId}`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100">
          {t("cancel")}
        </Link>
      </div>
      {error ? (
        <Alert kind="error">
          <span className="whitespace-pre-line">{error.message}</span>
        </Alert>
      ) : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
    </div>
  );
}
