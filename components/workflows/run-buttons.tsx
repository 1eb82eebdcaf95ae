"use client";
import { useTransition, useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { deleteProjectAction, startWorkflowAction } from "@/lib/workflows/actions";
import type { ErrorValue } from "@/lib/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** One Run button per workflow of the project (opens the attempt), and Delete project. */
export function RunButtons({ projectId, projectName, workflows }: { projectId: number; projectName: string; workflows: string[] }) {
  const t = useTranslations("workflows");
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ErrorValue | null>(null);

  function run(workflow: string) {
    setError(null);
    start(async () => {
      const result = await startWorkflowAction({ projectId, workflow });
      if (!result.ok) return setError(result.error);
      router.push(`/workflows/attempts/${result.data.attemptId}`);
    });
  }

  function remove() {
    if (!window.confirm(t("confirmDelete", { name: projectName }))) return;
    setError(null);
    start(async () => {
      const result = await deleteProjectAction({ projectId });
      if (!result.ok) return setError(result.error);
      router.push("/workflows");
    });
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {workflows.map((workflow) => (
          <Button key={workflow} onClick={() => run(workflow)} disabled={pending}>
            {t("run", { workflow })}
          </Button>
        ))}
        <Button variant="danger" onClick={remove} disabled={pending}>
          {t("delete")}
        </Button>
      </div>
      {pending ? <p role="status">{t("starting")}</p> : null}
      {error ? (
        <Alert kind="error">
          <span className="whitespace-pre-line">{error.message}</span>
        </Alert>
      ) : null}
    </div>
  );
}
