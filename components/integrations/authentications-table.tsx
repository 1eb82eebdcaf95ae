"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { deleteAuthenticationAction, renameAuthenticationAction } from "@/lib/authentications/actions";
import type { ErrorValue } from "@/lib/errors";
import type { AdAccountSummary } from "@/lib/authentications/schemas";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { AuthenticationStatusBadge } from "@/components/integrations/status-badge";

export interface AuthenticationRow {
  id: number;
  name: string;
  flow: "business" | "login";
  kakaoAccount: string;
  adAccounts: AdAccountSummary[];
  status: "healthy" | "reconnect_needed";
  statusReason: string | null;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function AuthenticationsTable({ rows, showOwner }: { rows: AuthenticationRow[]; showOwner: boolean }) {
  const t = useTranslations("integrations");
  const format = useFormatter();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [error, setError] = useState<ErrorValue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const when = (iso: string | null) => (iso ? format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" }) : t("never"));

  function run(call: () => Promise<{ ok: true; data: { name: string } } | { ok: false; error: ErrorValue }>, message: (name: string) => string) {
    setError(null);
    setNotice(null);
    startTransition(async () => {
      const result = await call();
      if (!result.ok) return setError(result.error);
      setRenaming(null);
      setNotice(message(result.data.name));
      router.refresh();
    });
  }

  if (rows.length === 0) return <p className="text-slate-600">{t("noAuthentications")}</p>;
  return (
    <div className="space-y-3">
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      <table className="w-full border-collapse rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="sr-only">{t("tableCaption")}</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">{t("colName")}</th>
            <th scope="col" className="px-3 py-2">{t("colFlow")}</th>
            <th scope="col" className="px-3 py-2">{t("colKakaoAccount")}</th>
            <th scope="col" className="px-3 py-2">{t("colAdAccounts")}</th>
            <th scope="col" className="px-3 py-2">{t("colStatus")}</th>
            {showOwner ? <th scope="col" className="px-3 py-2">{t("colOwner")}</th> : null}
            <th scope="col" className="px-3 py-2">{t("colCreated")}</th>
            <th scope="col" className="px-3 py-2">{t("colLastUsed")}</th>
            <th scope="col" className="px-3 py-2">{t("colActions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-t border-slate-200 align-top">
              <td className="px-3 py-2 font-medium">
                {renaming === row.id ? (
                  <form
                    className="flex gap-1"
                    onSubmit={(event) => {
                      event.preventDefault();
                      const name = String(new FormData(event.currentTarget).get("name") ?? "");
                      run(() => renameAuthenticationAction({ id: row.id, name }), (n) => t("renamed", { name: n }));
                    }}
                  >
                    <label className="sr-only" htmlFor={`rename-${row.id}`}>
                      {t("renameLabel", { name: row.name })}
                    </label>
                    <input id={`rename-${row.id}`} name="name" defaultValue={row.name} maxLength={100} autoFocus className="w-40 rounded border border-slate-300 px-1" />
                    <Button type="submit" disabled={pending}>{t("save")}</Button>
                    <Button type="button" variant="secondary" onClick={() => setRenaming(null)}>{t("cancel")}</Button>
                  </form>
                ) : (
                  row.name
                )}
              </td>
              <td className="px-3 py-2">{t(`flow_${row.flow}`)}</td>
              <td className="px-3 py-2">{row.kakaoAccount}</td>
              <td className="px-3 py-2">
                {row.adAccounts.map((a) => (
                  <div key={a.id}>
                    {a.name} <span className="font-mono text-slate-600">({a.id})</span>
                  </div>
                ))}
              </td>
              <td className="px-3 py-2">
                <AuthenticationStatusBadge status={row.status} />
                {row.statusReason ? <div className="mt-1 text-xs text-slate-600">{row.statusReason}</div> : null}
              </td>
              {showOwner ? <td className="px-3 py-2">{row.owner}</td> : null}
              <td className="px-3 py-2">{when(row.createdAt)}</td>
              <td className="px-3 py-2">{when(row.lastUsedAt)}</td>
              <td className="space-x-1 whitespace-nowrap px-3 py-2">
                <Button variant="secondary" onClick={() => setRenaming(row.id)} disabled={pending} aria-label={`${t("rename")} ${row.name}`}>
                  {t("rename")}
                </Button>
                <a href={`/api/integrations/kakao/connect?reconnect=${row.id}`} className="inline-flex rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100" aria-label={`${t("reconnect")} ${row.name}`}>
                  {t("reconnect")}
                </a>
                <Button
                  variant="danger"
                  disabled={pending}
                  aria-label={`${t("delete")} ${row.name}`}
                  onClick={() => {
                    if (window.confirm(t("confirmDelete", { name: row.name }))) run(() => deleteAuthenticationAction({ id: row.id }), (n) => t("deleted", { name: n }));
                  }}
                >
                  {t("delete")}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
