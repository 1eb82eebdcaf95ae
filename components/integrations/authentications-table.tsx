"use client";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { deleteAuthenticationAction, renameAuthenticationAction } from "@/lib/authentications/actions";
import type { Result } from "@/lib/errors";
import { useAction } from "@/components/ui/use-action";
import type { AdAccountSummary } from "@/lib/authentications/schemas";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { AuthenticationStatusBadge } from "@/components/integrations/status-badge";
import { DataTable } from "@/components/ui/table";

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
  const [renaming, setRenaming] = useState<number | null>(null);
  const { pending, error, notice, run: runAction } = useAction();
  const when = (iso: string | null) => (iso ? format.dateTime(new Date(iso), "dateTime") : t("never"));

  const run = (call: () => Promise<Result<{ name: string }>>, message: (name: string) => string) => runAction(call, (data) => message(data.name), () => setRenaming(null));

  if (rows.length === 0) return <p className="text-slate-600">{t("noAuthentications")}</p>;
  return (
    <div className="space-y-3">
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      <DataTable
        caption={t("tableCaption")}
        columns={[{ label: t("colName") }, { label: t("colFlow") }, { label: t("colKakaoAccount") }, { label: t("colAdAccounts") }, { label: t("colStatus") }, { label: t("colOwner"), hidden: !showOwner }, { label: t("colCreated") }, { label: t("colLastUsed") }, { label: t("colActions") }]}
      >
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
        </DataTable>
    </div>
  );
}
