"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import type { ExportSettingsInput } from "@/lib/export/settings";
import type { ErrorValue } from "@/lib/errors";
import { SelectField, TextField } from "@/components/ui/field";

export interface ExportAuthentication {
  id: number;
  name: string;
  status: "healthy" | "reconnect_needed";
  adAccounts: { id: number; name: string }[];
}

export interface ExportTarget {
  authenticationId: number | null;
  settings: ExportSettingsInput | null;
}

const OTHER = "other";

/**
 * A new form's starting point: the first healthy authentication with its first ad account, so what
 * the selects show is what is submitted (the ad-account select otherwise shows its first option over
 * an empty value, and a user who leaves it as shown would be told it is empty).
 */
export function initialExportTarget(authentications: ExportAuthentication[]): ExportTarget {
  const first = authentications.find((a) => a.status === "healthy");
  if (!first) return { authenticationId: null, settings: null };
  return { authenticationId: first.id, settings: { ad_account_id: first.adAccounts[0]?.id ?? "", mode: "register", file_name: "" } as ExportSettingsInput };
}

/**
 * The seed's parameters table: Authentication, Data Source (Customer File), Ad Account ID,
 * Mode (Register / Edit), Customer File Name, When data size is greater than 200MB.
 * Validated on the server by the same schema as the API and workflows (lib/export/settings.ts).
 */
export function ExportResultsForm({ authentications, value, onChange, error }: { authentications: ExportAuthentication[]; value: ExportTarget; onChange: (next: ExportTarget) => void; error?: ErrorValue | null }) {
  const t = useTranslations("export");
  const settings = value.settings ?? { ad_account_id: "", mode: "register", file_name: "" };
  const authentication = authentications.find((a) => a.id === value.authenticationId);
  const accounts = authentication?.adAccounts ?? [];
  const [typedAccount, setTypedAccount] = useState(() => !accounts.some((a) => String(a.id) === String(settings.ad_account_id)) && settings.ad_account_id !== "");
  const field = (key: string) => error?.fieldErrors?.[`exportSettings.${key}`] ?? error?.fieldErrors?.[key];
  const set = (patch: Partial<ExportSettingsInput>) => onChange({ ...value, settings: { ...settings, ...patch } as ExportSettingsInput });

  if (authentications.length === 0) {
    return (
      <p className="text-sm">
        {t.rich("noAuthentication", { link: (chunks) => <a className="font-medium text-blue-700 underline" href="/integrations/catalog/kakao-moment">{chunks}</a> })}
      </p>
    );
  }
  return (
    <div className="grid max-w-3xl grid-cols-1 gap-3 sm:grid-cols-2">
      <SelectField
        label={t("authentication")}
        value={value.authenticationId ?? ""}
        error={error?.fieldErrors?.authenticationId}
        onChange={(event) => {
          const id = Number(event.target.value) || null;
          const next = authentications.find((a) => a.id === id);
          setTypedAccount(false);
          onChange({ authenticationId: id, settings: { ...settings, ad_account_id: next?.adAccounts[0]?.id ?? "" } as ExportSettingsInput });
        }}
      >
        <option value="">{t("chooseAuthentication")}</option>
        {authentications.map((a) => (
          <option key={a.id} value={a.id} disabled={a.status !== "healthy"}>
            {a.status === "healthy" ? a.name : t("needsReconnect", { name: a.name })}
          </option>
        ))}
      </SelectField>
      <SelectField label={t("dataSource")} value="customer_file" onChange={() => {}}>
        <option value="customer_file">{t("customerFile")}</option>
      </SelectField>
      {accounts.length && !typedAccount ? (
        <SelectField
          label={t("adAccountId")}
          value={String(settings.ad_account_id)}
          error={field("ad_account_id")}
          onChange={(event) => (event.target.value === OTHER ? (setTypedAccount(true), set({ ad_account_id: "" })) : set({ ad_account_id: event.target.value }))}
        >
          {accounts.map((a) => (
            <option key={a.id} value={String(a.id)}>
              {a.id} — {a.name}
            </option>
          ))}
          <option value={OTHER}>{t("otherAdAccount")}</option>
        </SelectField>
      ) : (
        <TextField label={t("adAccountId")} inputMode="numeric" value={String(settings.ad_account_id)} error={field("ad_account_id")} onChange={(event) => set({ ad_account_id: event.target.value })} />
      )}
      <fieldset>
        <legend className="block text-sm font-medium text-slate-700">{t("mode")}</legend>
        <div className="mt-1 flex gap-4 text-sm">
          {(["register", "edit"] as const).map((mode) => (
            <label key={mode} className="inline-flex items-center gap-1">
              <input type="radio" name="export-mode" value={mode} checked={settings.mode === mode} onChange={() => set({ mode, action: mode === "edit" ? (settings.action ?? "stop") : undefined })} />
              {t(mode)}
            </label>
          ))}
        </div>
        <p className="mt-1 text-xs text-slate-600">{settings.mode === "register" ? t("registerHelp") : t("editHelp")}</p>
      </fieldset>
      <TextField label={t("fileName")} value={settings.file_name} maxLength={50} error={field("file_name")} onChange={(event) => set({ file_name: event.target.value })} />
      {settings.mode === "edit" ? (
        <fieldset>
          <legend className="block text-sm font-medium text-slate-700">{t("oversize")}</legend>
          <div className="mt-1 flex flex-col gap-1 text-sm">
            {(["stop", "send_first_200mb"] as const).map((action) => (
              <label key={action} className="inline-flex items-center gap-1">
                <input type="radio" name="export-action" value={action} checked={settings.action === action} onChange={() => set({ action })} />
                {t(action)}
              </label>
            ))}
          </div>
          {field("action") ? <p className="mt-1 text-sm text-red-700">{field("action")}</p> : null}
        </fieldset>
      ) : null}
    </div>
  );
}
