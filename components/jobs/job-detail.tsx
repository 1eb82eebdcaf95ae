"use client";
import { useEffect, useRef, useState, useTransition } from "react";
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { killJobAction, retryJobAction } from "@/lib/jobs/actions";
import type { ErrorValue, Result } from "@/lib/errors";
import { isActive, LOG_PAGE_SIZE, type JobLogView, type JobPollResponse, type JobView } from "@/lib/jobs/views";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { JobStatusBadge, KakaoFileStatusBadge } from "@/components/jobs/job-status-badge";
import { Bytes, Duration, When } from "@/components/jobs/units";
import { DataTable } from "@/components/ui/table";

interface JobState {
  job: JobView;
  logs: JobLogView[];
  /** The last batch of log lines was full: fetch again even if the job has finished. */
  moreLogs: boolean;
}

const POLL_MS = 1000;
/** Kakao extracts uploaded files for up to 6 hours after the job ends; the worker polls it, backing
 * off, for 7 hours (lib/jobs/poll-files.ts), so the page refreshes the file table slowly for that long. */
const POLL_HOURS = 7;
const KAKAO_POLL_MS = 10_000;
const KAKAO_SLOW_POLL_MS = 60_000;
const KAKAO_FAST_WINDOW_MS = 10 * 60_000;
const KAKAO_POLL_WINDOW_MS = POLL_HOURS * 3_600_000;
const KAKAO_PENDING = ["WAITING", "MODIFYING"];

/** A file Kakao had not finished extracting when the worker stopped checking (7 hours after its upload). */
function stillProcessingAfterPolling(file: JobView["files"][number]): boolean {
  return !!file.kakaoStatus && KAKAO_PENDING.includes(file.kakaoStatus) && !!file.uploadedAt && Date.now() - new Date(file.uploadedAt).getTime() > KAKAO_POLL_WINDOW_MS;
}

async function poll(id: number, previous: JobState | undefined, signal: AbortSignal): Promise<JobState> {
  const after = previous?.logs.at(-1)?.id;
  const response = await fetch(`/api/jobs/${id}${after ? `?afterLog=${after}` : ""}`, { signal, cache: "no-store" });
  const body = (await response.json().catch(() => null)) as (JobPollResponse & { message?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.message ?? response.statusText);
  // Two overlapping polls must not append the same lines twice.
  const last = after ? BigInt(after) : BigInt(-1);
  const fresh = body.logs.filter((line) => BigInt(line.id) > last);
  return { job: body.job, logs: [...(previous?.logs ?? []), ...fresh], moreLogs: body.logs.length >= LOG_PAGE_SIZE };
}

function refetchEvery(state: JobState | undefined): number | false {
  if (!state) return false;
  if (isActive(state.job.status) || state.moreLogs) return POLL_MS;
  const finished = state.job.finishedAt ? new Date(state.job.finishedAt).getTime() : 0;
  const processing = state.job.files.some((file) => file.kakaoStatus && KAKAO_PENDING.includes(file.kakaoStatus));
  if (!processing || Date.now() - finished >= KAKAO_POLL_WINDOW_MS) return false;
  return Date.now() - finished < KAKAO_FAST_WINDOW_MS ? KAKAO_POLL_MS : KAKAO_SLOW_POLL_MS;
}

/** One job: summary, live progress, export settings, customer files, log, Kill / Retry. */
export function JobDetail({ initial }: { initial: JobPollResponse }) {
  const t = useTranslations("jobs");
  const client = useQueryClient();
  const id = initial.job.id;
  const queryKey = ["job", id];
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => poll(id, client.getQueryData<JobState>(queryKey), signal),
    initialData: { ...initial, moreLogs: initial.logs.length >= LOG_PAGE_SIZE },
    refetchInterval: (q) => refetchEvery(q.state.data),
    refetchOnWindowFocus: false,
  });
  const { job, logs } = query.data;
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ErrorValue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function run<T>(call: () => Promise<Result<T>>, message: (data: T) => string) {
    setError(null);
    setNotice(null);
    startTransition(async () => {
      const result = await call();
      if (!result.ok) return setError(result.error);
      setNotice(message(result.data));
      await client.refetchQueries({ queryKey });
    });
  }

  function onKill() {
    if (!window.confirm(t("confirmKill", { id }))) return;
    run(() => killJobAction({ id }), (data) => (data.formerStatus === "queued" ? t("killedNotice", { id }) : t("killRequestedNotice", { id })));
  }

  return (
    <div className="space-y-6">
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {query.isError ? <Alert kind="error">{t("pollFailed", { message: query.error.message })}</Alert> : null}

      <section aria-label={t("summaryLabel")} className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <span role="status" className="text-base">
            <JobStatusBadge status={job.status} killRequested={job.killRequested} />
          </span>
          {isActive(job.status) ? (
            <Button variant="danger" onClick={onKill} disabled={pending || job.killRequested}>
              {job.killRequested ? t("killRequestedButton") : pending ? t("killing") : t("kill")}
            </Button>
          ) : null}
          {job.status === "error" || job.status === "killed" ? (
            <Button onClick={() => run(() => retryJobAction({ id }), () => t("retriedNotice", { id }))} disabled={pending}>
              {pending ? t("retrying") : t("retry")}
            </Button>
          ) : null}
        </div>
        <Summary job={job} />
      </section>

      <Problem job={job} />
      <Progress job={job} />

      <section aria-labelledby="job-query" className="space-y-2">
        <h2 id="job-query" className="text-lg font-semibold">
          {t("querySection")}
        </h2>
        <pre className="max-h-72 overflow-auto rounded-md border border-slate-200 bg-white p-3 font-mono text-sm whitespace-pre-wrap" tabIndex={0}>
          {job.query}
        </pre>
      </section>

      <ExportSettings job={job} />
      <FilesTable job={job} />
      <Log logs={logs} loadingMore={query.data.moreLogs} />
    </div>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}

function Summary({ job }: { job: JobView }) {
  const t = useTranslations("jobs");
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm md:grid-cols-4">
      <Field label={t("fieldOwner")}>{job.ownerEmail}</Field>
      <Field label={t("fieldDatabase")}>
        <span className="font-mono">{job.database}</span>
      </Field>
      <Field label={t("fieldType")}>{job.type}</Field>
      <Field label={t("fieldAuthentication")}>{job.authenticationName ?? t("none")}</Field>
      <Field label={t("fieldCreated")}>
        <When iso={job.createdAt} />
      </Field>
      <Field label={t("fieldStarted")}>
        <When iso={job.startedAt} fallback={t("notYet")} />
      </Field>
      <Field label={t("fieldFinished")}>
        <When iso={job.finishedAt} fallback={t("notYet")} />
      </Field>
      <Field label={t("fieldDuration")}>{job.durationMs === null ? t("none") : <Duration ms={job.durationMs} soFar={!job.finishedAt} />}</Field>
      <Field label={t("fieldRetries")}>{t("retriesValue", { retries: job.retries, attempts: job.attempts })}</Field>
      {job.scheduledAt ? (
        <Field label={t("fieldScheduled")}>
          <When iso={job.scheduledAt} />
        </Field>
      ) : null}
      {job.activation && job.segmentId ? (
        <Field label={t("fieldActivation")}>
          <Link href={`/audiences/segments/${job.segmentId}`} className="underline">
            {job.activation.name}
          </Link>
        </Field>
      ) : null}
      {job.savedQueryId ? (
        <Field label={t("fieldSavedQuery")}>
          <Link href={`/workbench/queries/${job.savedQueryId}`} className="underline">
            {t("openSavedQuery")}
          </Link>
        </Field>
      ) : null}
    </dl>
  );
}

/** Why it failed, in words that say what to do next. */
function Problem({ job }: { job: JobView }) {
  const t = useTranslations("jobs");
  if (job.status === "error") {
    const heading = job.errorKind === "configuration" ? t("errorConfiguration") : job.errorKind === "transient" ? t("errorTransient") : t("errorUnknown");
    return (
      <Alert kind="error">
        <p className="font-semibold">{heading}</p>
        {job.errorMessage ? <p className="mt-1 whitespace-pre-wrap">{job.errorMessage}</p> : null}
      </Alert>
    );
  }
  if (job.status === "killed") {
    return (
      <Alert kind="info">
        <p className="font-semibold">{t("killedTitle")}</p>
        {job.errorMessage ? <p className="mt-1">{job.errorMessage}</p> : null}
      </Alert>
    );
  }
  return null;
}

function Progress({ job }: { job: JobView }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  const active = isActive(job.status);
  const n = (value: number) => format.number(value);
  return (
    <section aria-labelledby="job-progress" className="space-y-3">
      <h2 id="job-progress" className="text-lg font-semibold">
        {active ? t("progressSection") : t("resultSection")}
      </h2>
      {active ? (
        <div className="space-y-2">
          <p className="text-sm text-slate-600">{job.killRequested ? t("progressKilling") : job.status === "queued" ? t("progressQueued") : t("progressRunning")}</p>
          {/* The total is unknown until the whole result has streamed: an indeterminate bar. */}
          <progress aria-label={t("progressLabel")} className="h-2 w-full max-w-xl" />
        </div>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm md:grid-cols-4">
        <Field label={t("statBytesRead")}>
          <Bytes value={job.bytesRead} />
        </Field>
        <Field label={t("statRowsRead")}>{n(job.rowsRead)}</Field>
        <Field label={t("statRowsExported")}>{n(job.rowsExported)}</Field>
        <Field label={t("statFilesDone")}>{n(job.filesDone)}</Field>
        {!active ? (
          <>
            <Field label={t("statBytesExported")}>
              <Bytes value={job.bytesExported} />
            </Field>
            <Field label={t("statSkippedEmpty")}>{n(job.rowsSkippedEmpty)}</Field>
            <Field label={t("statSkippedMalformed")}>{n(job.rowsSkippedMalformed)}</Field>
            <Field label={t("statSkippedOptedOut")}>{n(job.rowsSkippedOptedOut)}</Field>
            {job.rowsLeftOut || job.exportSettings?.action === "send_first_200mb" ? <Field label={t("statLeftOut")}>{n(job.rowsLeftOut)}</Field> : null}
          </>
        ) : null}
      </dl>
    </section>
  );
}

function ExportSettings({ job }: { job: JobView }) {
  const t = useTranslations("jobs");
  const settings = job.exportSettings;
  return (
    <section aria-labelledby="job-settings" className="space-y-2">
      <h2 id="job-settings" className="text-lg font-semibold">
        {t("settingsSection")}
      </h2>
      {settings ? (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm md:grid-cols-3">
          <Field label={t("settingType")}>{t("typeKakaoMoment")}</Field>
          <Field label={t("settingDataSource")}>{t("dataSourceCustomerFile")}</Field>
          <Field label={t("settingAdAccount")}>
            <span className="font-mono">{settings.ad_account_id}</span>
          </Field>
          <Field label={t("settingMode")}>{t(`mode_${settings.mode}`)}</Field>
          <Field label={t("settingFileName")}>{settings.file_name}</Field>
          <Field label={t("settingOversize")}>{settings.action ? t(`oversize_${settings.action}`) : t("none")}</Field>
        </dl>
      ) : (
        <p className="text-sm text-slate-600">{t("settingsNone")}</p>
      )}
    </section>
  );
}

const UPLOAD_STATUSES = ["pending", "uploaded", "failed"];

function FilesTable({ job }: { job: JobView }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  return (
    <section aria-labelledby="job-files" className="space-y-2">
      <h2 id="job-files" className="text-lg font-semibold">
        {t("filesSection")}
      </h2>
      {job.files.length === 0 ? (
        <p className="text-sm text-slate-600">{isActive(job.status) ? t("filesNoneYet") : t("filesNone")}</p>
      ) : (
        <div className="overflow-x-auto">
          <DataTable
            caption={t("filesCaption")}
            columns={[{ label: t("colIndex"), numeric: true }, { label: t("colName") }, { label: t("colKakaoId") }, { label: t("colBytes"), numeric: true }, { label: t("colLines"), numeric: true }, { label: t("colSha256") }, { label: t("colUpload") }, { label: t("colKakaoStatus") }, { label: t("colPopulation"), numeric: true }]}
          >
              {job.files.map((file) => (
                <tr key={file.index} className="border-t border-slate-200 align-top">
                  <td className="px-3 py-2 text-right tabular-nums">{file.index}</td>
                  <td className="px-3 py-2 font-medium">{file.name}</td>
                  <td className="px-3 py-2 font-mono">{file.kakaoId ?? t("none")}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <Bytes value={file.bytes} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{format.number(file.lines)}</td>
                  <td className="px-3 py-2">
                    <code title={file.sha256} aria-label={t("sha256Full", { sha256: file.sha256 })} className="font-mono">
                      {t("sha256Short", { prefix: file.sha256.slice(0, 12) })}
                    </code>
                  </td>
                  <td className="px-3 py-2">{UPLOAD_STATUSES.includes(file.status) ? t(`upload_${file.status}`) : file.status}</td>
                  <td className="px-3 py-2">
                    <KakaoFileStatusBadge status={file.kakaoStatus} />
                    {file.lastPolledAt ? (
                      <div className="mt-1 text-xs text-slate-600">
                        {t("polledAt", { time: format.dateTime(new Date(file.lastPolledAt), "dateTimeSeconds") })}
                      </div>
                    ) : null}
                    {stillProcessingAfterPolling(file) ? <div className="mt-1 text-xs text-amber-800">{t("pollGaveUp", { hours: POLL_HOURS })}</div> : null}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{file.populationScore === null ? t("none") : format.number(file.populationScore)}</td>
                </tr>
              ))}
            </DataTable>
        </div>
      )}
    </section>
  );
}

const LEVEL_LOOK: Record<JobLogView["level"], { icon: string; style: string }> = {
  info: { icon: "ℹ", style: "text-slate-700" },
  warn: { icon: "⚠", style: "text-amber-800" },
  error: { icon: "✕", style: "text-red-700 font-semibold" },
};

/** The job's log, appended to as lines arrive; follows the end unless the reader scrolled up. */
function Log({ logs, loadingMore }: { logs: JobLogView[]; loadingMore: boolean }) {
  const t = useTranslations("jobs");
  const format = useFormatter();
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [logs.length]);
  return (
    <section aria-labelledby="job-log" className="space-y-2">
      <h2 id="job-log" className="text-lg font-semibold">
        {t("logSection")}
      </h2>
      {logs.length === 0 ? (
        <p className="text-sm text-slate-600">{t("logEmpty")}</p>
      ) : (
        <div
          ref={box}
          role="log"
          aria-label={t("logLabel")}
          tabIndex={0}
          onScroll={(event) => {
            const el = event.currentTarget;
            follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
          className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-white p-2 font-mono text-xs"
        >
          <ol className="space-y-0.5">
            {logs.map((line) => {
              const look = LEVEL_LOOK[line.level];
              return (
                <li key={line.id} className="flex gap-2">
                  <time dateTime={line.at} className="shrink-0 text-slate-500">
                    {format.dateTime(new Date(line.at), "time")}
                  </time>
                  <span className={`w-20 shrink-0 ${look.style}`}>
                    <span aria-hidden>{look.icon}</span> {t(`level_${line.level}`)}
                  </span>
                  <span className="whitespace-pre-wrap break-all">{line.message}</span>
                </li>
              );
            })}
          </ol>
        </div>
      )}
      {loadingMore ? <p className="text-xs text-slate-600">{t("logMore")}</p> : null}
    </section>
  );
}
