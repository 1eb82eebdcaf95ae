import { useId } from "react";
import { useFormatter, useTranslations } from "next-intl";
import type { ExportDay } from "@/lib/jobs/stats";

/**
 * Successful exports per day as two small inline SVG bar charts (rows exported, files), with the
 * numbers in a visually hidden table for screen readers. No chart library: 30 rectangles each.
 */
export function ExportsChart({ days }: { days: ExportDay[] }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  const titleId = useId();
  const totals = days.reduce((sum, d) => ({ jobs: sum.jobs + d.jobs, rows: sum.rows + d.rowsExported, files: sum.files + d.files }), { jobs: 0, rows: 0, files: 0 });
  const dayLabel = (day: string) => format.dateTime(new Date(`${day}T00:00:00Z`), { month: "short", day: "numeric" });
  const first = days[0] ? dayLabel(days[0].day) : "";
  const last = days.length ? dayLabel(days[days.length - 1]!.day) : "";
  return (
    <figure aria-labelledby={titleId} className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption id={titleId} className="font-semibold">
        {t("chartTitle", { days: days.length })}
      </figcaption>
      <p className="text-sm text-slate-600">
        {totals.jobs
          ? t("chartSummary", totals)
          : t("chartEmpty", { days: days.length })}
      </p>
      <div className="mt-3 grid grid-cols-1 gap-6 md:grid-cols-2">
        <Bars label={t("chartRowsLabel")} values={days.map((d) => ({ day: d.day, value: d.rowsExported }))} dayLabel={dayLabel} first={first} last={last} />
        <Bars label={t("chartFilesLabel")} values={days.map((d) => ({ day: d.day, value: d.files }))} dayLabel={dayLabel} first={first} last={last} />
      </div>
      <table className="sr-only">
        <caption>{t("chartTableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("chartColDay")}</th>
            <th scope="col">{t("chartColJobs")}</th>
            <th scope="col">{t("chartColRows")}</th>
            <th scope="col">{t("chartColFiles")}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{dayLabel(d.day)}</th>
              <td>{format.number(d.jobs)}</td>
              <td>{format.number(d.rowsExported)}</td>
              <td>{format.number(d.files)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const BAR = 10;
const GAP = 2;
const HEIGHT = 60;

function Bars({ label, values, dayLabel, first, last }: { label: string; values: { day: string; value: number }[]; dayLabel: (day: string) => string; first: string; last: string }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  const id = useId();
  const max = Math.max(0, ...values.map((v) => v.value));
  const width = values.length * (BAR + GAP);
  return (
    <div>
      <div className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="text-xs text-slate-600">{t("chartMax", { value: format.number(max) })}</span>
      </div>
      <svg role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" className="mt-1 h-24 w-full">
        <title id={`${id}-title`}>{label}</title>
        <desc id={`${id}-desc`}>{t("chartBarsDesc", { first, last, max: format.number(max) })}</desc>
        <line x1={0} x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="stroke-slate-300" strokeWidth={1} />
        {values.map((v, i) => {
          const height = max ? Math.round(Math.max(v.value ? 2 : 0, (v.value / max) * (HEIGHT - 2)) * 10) / 10 : 0;
          return (
            <rect key={v.day} x={i * (BAR + GAP) + GAP / 2} y={HEIGHT - height} width={BAR} height={height} className="fill-slate-700">
              <title>{t("chartBarTitle", { day: dayLabel(v.day), value: format.number(v.value) })}</title>
            </rect>
          );
        })}
      </svg>
      <div aria-hidden className="flex justify-between text-xs text-slate-600">
        <span>{first}</span>
        <span>{last}</span>
      </div>
    </div>
  );
}
