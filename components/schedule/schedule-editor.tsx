"use client";
import { useMemo } from "react";
import { useLocale, useTranslations } from "next-intl";
import { describeCron, nextRuns, validateCron } from "@/lib/schedule/cron";
import { listTimeZones } from "@/lib/schedule/timezones";
import type { ErrorValue } from "@/lib/errors";
import { SelectField, TextField } from "@/components/ui/field";

export interface ScheduleValue {
  cron: string;
  timezone: string;
  delaySeconds: number;
}

type Preset = "" | "@daily" | "@hourly" | "custom";

function presetOf(cron: string): Preset {
  return cron === "" || cron === "@daily" || cron === "@hourly" ? cron : "custom";
}

/**
 * Schedule: None / @daily (midnight) / @hourly (:00) / Custom cron… with the expression explained
 * in words and the next five runs in the chosen time zone, as you type (Treasure Data's cron rules,
 * evaluated by lib/schedule/cron.ts right here in the browser).
 */
export function ScheduleEditor({ value, onChange, error }: { value: ScheduleValue; onChange: (next: ScheduleValue) => void; error?: ErrorValue | null }) {
  const t = useTranslations("schedule");
  const locale = useLocale();
  const zones = useMemo(() => listTimeZones(), []);
  const preset = presetOf(value.cron);
  const check = value.cron === "" ? null : validateCron(value.cron);
  const upcoming = check?.ok ? nextRuns(check.cron, new Date(), 5, value.timezone) : [];
  const format = new Intl.DateTimeFormat(locale, { timeZone: value.timezone, dateStyle: "full", timeStyle: "short", hourCycle: "h23" });
  const fieldError = (key: string) => error?.fieldErrors?.[key];

  return (
    <div className="space-y-3">
      <div className="grid max-w-3xl grid-cols-1 gap-3 sm:grid-cols-3">
        <SelectField
          label={t("schedule")}
          value={preset}
          onChange={(event) => {
            const next = event.target.value as Preset;
            onChange({ ...value, cron: next === "custom" ? (preset === "custom" ? value.cron : "0 0 * * *") : next });
          }}
        >
          <option value="">{t("none")}</option>
          <option value="@daily">{t("daily")}</option>
          <option value="@hourly">{t("hourly")}</option>
          <option value="custom">{t("custom")}</option>
        </SelectField>
        <SelectField label={t("timezone")} value={value.timezone} error={fieldError("timezone")} onChange={(event) => onChange({ ...value, timezone: event.target.value })} disabled={preset === ""}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("delay")}
          type="number"
          min={0}
          max={86400}
          step={1}
          value={String(value.delaySeconds)}
          disabled={preset === ""}
          error={fieldError("delaySeconds")}
          onChange={(event) => onChange({ ...value, delaySeconds: Number(event.target.value) })}
        />
      </div>
      {preset === "custom" ? (
        <div className="max-w-xl">
          <TextField label={t("cronLabel")} value={value.cron} spellCheck={false} className="font-mono" error={fieldError("cron") ?? (check && !check.ok ? check.error.message : undefined)} onChange={(event) => onChange({ ...value, cron: event.target.value })} />
          <p className="mt-1 text-xs text-slate-600">{t("cronHelp")}</p>
        </div>
      ) : null}
      {check?.ok ? (
        <div role="status" aria-live="polite" className="text-sm">
          <p data-testid="cron-description">{describeCron(value.cron)}</p>
          <p className="mt-1 font-medium">{t("nextRuns", { zone: value.timezone })}</p>
          <ol className="list-decimal pl-6" data-testid="next-runs">
            {upcoming.map((run) => (
              <li key={run.toISOString()}>{format.format(run)}</li>
            ))}
          </ol>
          {value.delaySeconds > 0 ? <p className="mt-1 text-slate-600">{t("delayNote", { seconds: value.delaySeconds })}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
