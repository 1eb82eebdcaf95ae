"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { runKakaoDoctorAction } from "@/lib/authentications/actions";
import type { DoctorReport, Verdict } from "@/lib/kakao/doctor";
import { useAction } from "@/components/ui/use-action";
import { SelectField, TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/table";

interface AuthenticationOption {
  id: number;
  name: string;
  status: string;
}

interface SettingRow {
  fact: string;
  grade: string;
  value: string;
}

const VERDICT_STYLE: Record<Verdict, string> = {
  "as assumed": "bg-green-100 text-green-800",
  differs: "bg-red-100 text-red-800",
  "not checked": "bg-slate-100 text-slate-600",
};
const VERDICT_KEY = { "as assumed": "verdictAsAssumed", differs: "verdictDiffers", "not checked": "verdictNotChecked" } as const;

/** Admin → Kakao doctor: pick an authentication, optionally an ad account to write a test file to, run, read the table. */
export function KakaoDoctor({ authentications, settings }: { authentications: AuthenticationOption[]; settings: SettingRow[] }) {
  const t = useTranslations("doctor");
  const { pending, error, run } = useAction();
  const [authenticationId, setAuthenticationId] = useState(authentications[0] ? String(authentications[0].id) : "");
  const [adAccountId, setAdAccountId] = useState("");
  const [write, setWrite] = useState(false);
  const [report, setReport] = useState<(DoctorReport & { authentication: string }) | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setLocalError(null);
    const account = adAccountId.trim();
    if (account !== "" && !/^\d{1,15}$/.test(account)) return setLocalError(t("adAccountInvalid"));
    if (write && account === "") return setLocalError(t("adAccountNeeded"));
    setReport(null);
    run(
      () => runKakaoDoctorAction({ authenticationId: Number(authenticationId), adAccountId: account === "" ? undefined : Number(account), write }),
      () => "",
      (data) => setReport(data),
    );
  }

  if (authentications.length === 0) return <Alert kind="info">{t("noAuthentications")}</Alert>;
  const differs = report?.rows.filter((r) => r.verdict === "differs") ?? [];
  const adAccountError = localError ?? (error?.fieldErrors?.adAccountId ? t("adAccountInvalid") : undefined);

  return (
    <div className="space-y-6">
      <form onSubmit={submit} className="grid max-w-3xl grid-cols-1 gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2" noValidate>
        <SelectField label={t("authentication")} value={authenticationId} onChange={(e) => setAuthenticationId(e.target.value)} error={error?.fieldErrors?.authenticationId}>
          {authentications.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
              {a.status !== "healthy" ? ` (${t("needsReconnect")})` : ""}
            </option>
          ))}
        </SelectField>
        <TextField label={t("adAccount")} inputMode="numeric" placeholder={t("adAccountPlaceholder")} value={adAccountId} onChange={(e) => setAdAccountId(e.target.value)} error={adAccountError} />
        <label className="flex items-start gap-2 text-sm md:col-span-2">
          <input type="checkbox" className="mt-1" checked={write} onChange={(e) => setWrite(e.target.checked)} />
          <span>
            <span className="font-medium">{t("write")}</span>
            <span className="block text-slate-600">{t("writeHelp")}</span>
          </span>
        </label>
        <div className="md:col-span-2">
          <Button type="submit" disabled={pending}>
            {pending ? t("running") : t("run")}
          </Button>
          {pending ? (
            <p role="status" aria-live="polite" className="mt-2 text-sm text-slate-600">
              {write ? t("runningWrite") : t("runningRead")}
            </p>
          ) : null}
        </div>
      </form>

      {error && !error.fieldErrors ? <Alert kind="error">{error.message}</Alert> : null}

      {report ? (
        <section className="space-y-3" aria-labelledby="doctor-result">
          <h2 id="doctor-result" className="text-lg font-semibold">
            {t("resultTitle", { authentication: report.authentication })}
          </h2>
          {differs.length ? <Alert kind="error">{t("differSummary", { count: differs.length, settings: differs.map((r) => r.setting ?? t("documented")).join(", ") })}</Alert> : <Alert kind="success">{t("okSummary")}</Alert>}
          <p className="break-all text-xs text-slate-500">
            {t("authorizeUrl")}: <code>{report.authorizeUrl}</code>
          </p>
          <DataTable caption={t("tableCaption")} columns={[{ label: t("colFact") }, { label: t("colAssumed") }, { label: t("colSeen") }, { label: t("colVerdict") }, { label: t("colSetting") }]}>
            {report.rows.map((r, i) => (
              <tr key={i} className="border-t border-slate-200 align-top">
                <td className="px-3 py-2">{r.fact}</td>
                <td className="px-3 py-2 font-mono text-xs break-all">{r.assumed}</td>
                <td className="px-3 py-2 font-mono text-xs break-all">{r.seen}</td>
                <td className="px-3 py-2">
                  <span className={`rounded px-2 py-0.5 text-xs font-medium whitespace-nowrap ${VERDICT_STYLE[r.verdict]}`}>{t(VERDICT_KEY[r.verdict])}</span>
                </td>
                <td className="px-3 py-2 font-mono text-xs break-all">{r.setting ?? (r.verdict === "differs" ? t("documented") : "")}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      ) : null}

      <details className="max-w-5xl rounded-lg border border-slate-200 bg-white p-4">
        <summary className="cursor-pointer text-sm font-medium">{t("settingsTitle")}</summary>
        <p className="mt-2 text-sm text-slate-600">{t("settingsIntro")}</p>
        <div className="mt-3">
          <DataTable caption={t("settingsTitle")} columns={[{ label: t("colFact") }, { label: t("colGrade") }, { label: t("colValue") }]}>
            {settings.map((s) => (
              <tr key={s.value} className="border-t border-slate-200">
                <td className="px-3 py-2">{s.fact}</td>
                <td className="px-3 py-2 text-xs">{s.grade}</td>
                <td className="px-3 py-2 font-mono text-xs break-all">{s.value}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      </details>
    </div>
  );
}
