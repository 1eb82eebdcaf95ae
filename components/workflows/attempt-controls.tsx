"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { killAttemptAction, retryAttemptAction } from "@/lib/workflows/actions";
import { useAction } from "@/components/ui/use-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

const REFRESH_MS = 1500;

/** Kill (while running) / Retry failed tasks (after a failure or kill); the page refreshes while running. */
export function AttemptControls({ attemptId, status, killRequested, retriedBy }: { attemptId: number; status: string; killRequested: boolean; retriedBy: number | null }) {
  const t = useTranslations("workflows");
  const router = useRouter();
  const { pending, error, run } = useAction();

  useEffect(() => {
    if (status !== "running") return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [status, router]);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {status === "running" && !killRequested ? (
          <Button variant="danger" disabled={pending} onClick={() => run(() => killAttemptAction({ attemptId }), () => t("killRequested"))}>
            {pending ? t("killing") : t("kill")}
          </Button>
        ) : null}
        {(status === "error" || status === "killed") && !retriedBy ? (
          <Button
            disabled={pending}
            onClick={() =>
              run(
                () => retryAttemptAction({ attemptId }),
                () => t("retrying"),
                (data) => router.push(`/workflows/attempts/${data.attemptId}`),
              )
            }
          >
            {pending ? t("retrying") : t("retry")}
          </Button>
        ) : null}
      </div>
      {killRequested && status === "running" ? <p role="status">{t("killRequested")}</p> : null}
      {error ? <Alert kind="error">{error.message}</Alert> : null}
    </div>
  );
}
