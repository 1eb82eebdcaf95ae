"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { pauseScheduleAction, resumeScheduleAction, runNowAction, setScheduleAction } from "@/lib/schedule/actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { ScheduleEditor, type ScheduleValue } from "@/components/schedule/schedule-editor";

export interface SavedSchedule extends ScheduleValue {
  notifyOnSuccess: boolean;
  enabled: boolean;
  disabledReason: string | null;
  nextAt: string | null;
}

/** The Schedule section of a saved query: edit, save, pause/resume, run now. */
export function SchedulePanel({ savedQueryId, schedule, hasExport }: { savedQueryId: number; schedule: SavedSchedule; hasExport: boolean }) {
  const t = useTranslations("schedule");
  const format = useFormatter();
  const router = useRouter();
  const [value, setValue] = useState<ScheduleValue>({ cron: schedule.cron, timezone: schedule.timezone, delaySeconds: schedule.delaySeconds });
  const [notifyOnSuccess, setNotifyOnSuccess] = useState(schedule.notifyOnSuccess);
  const { pending, error, notice, run } = useAction();
  const active = schedule.cron !== "";

  return (
    <section aria-labelledby="schedule-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="schedule-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="text-sm text-slate-600">{hasExport ? t("intro") : t("needsExport")}</p>
      {active && !schedule.enabled ? <Alert kind="error">{schedule.disabledReason ? t("disabled", { reason: schedule.disabledReason }) : t("paused")}</Alert> : null}
      {active && schedule.enabled && schedule.nextAt ? <p className="text-sm">{t("nextAt", { when: format.dateTime(new Date(schedule.nextAt), { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: schedule.timezone, timeZoneName: "short" }) })}</p> : null}
      <ScheduleEditor value={value} onChange={setValue} error={error} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={notifyOnSuccess} onChange={(event) => setNotifyOnSuccess(event.target.checked)} />
        {t("notifyOnSuccess")}
      </label>
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => run(() => setScheduleAction({ savedQueryId, schedule: { ...value, notifyOnSuccess } }), () => t("saved"))} disabled={pending || !hasExport}>
          {pending ? t("saving") : t("save")}
        </Button>
        {active && schedule.enabled ? (
          <Button variant="secondary" onClick={() => run(() => pauseScheduleAction({ savedQueryId }), () => t("paused"))} disabled={pending}>
            {t("pause")}
          </Button>
        ) : null}
        {active && !schedule.enabled ? (
          <Button variant="secondary" onClick={() => run(() => resumeScheduleAction({ savedQueryId }), () => t("saved"))} disabled={pending}>
            {t("resume")}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => run(() => runNowAction({ savedQueryId }), (data) => t("runStarted", { id: data.jobId }), (data) => router.push(`/jobs/${data.jobId}`))} disabled={pending || !hasExport}>
          {t("runNow")}
        </Button>
      </div>
    </section>
  );
}
