"use client";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { createApiKeyAction, revokeApiKeyAction } from "@/lib/api-keys/actions";
import { useAction } from "@/components/ui/use-action";
import { TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/table";

export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  ownerId: string;
  ownerEmail: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** List, create (the key is shown once, here, until the page is left) and revoke API keys. */
export function ApiKeysManager({ keys, isAdmin, meId, endpoint }: { keys: ApiKeyRow[]; isAdmin: boolean; meId: string; endpoint: string }) {
  const t = useTranslations("apiKeys");
  const format = useFormatter();
  const { pending, error, notice, run } = useAction();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTime");

  function onCreate(form: HTMLFormElement) {
    const name = String(new FormData(form).get("name") ?? "");
    setCreated(null);
    run(
      () => createApiKeyAction({ name }),
      (result) => t("created", { name: result.name }),
      (result) => {
        form.reset();
        setCreated({ name: result.name, key: result.key });
      },
    );
  }

  return (
    <div className="space-y-6">
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice && !created ? <Alert kind="success">{notice}</Alert> : null}
      {created ? (
        <section aria-labelledby="new-key" className="space-y-2 rounded-lg border border-green-300 bg-green-50 p-4">
          <h2 id="new-key" className="font-semibold text-green-900">
            {t("newKeyTitle", { name: created.name })}
          </h2>
          <p className="text-sm text-green-900">{t("newKeyOnce")}</p>
          <div className="flex items-center gap-2">
            <code data-testid="new-api-key" className="block flex-1 break-all rounded border border-green-300 bg-white px-2 py-1 font-mono text-sm">
              {created.key}
            </code>
            <Button type="button" variant="secondary" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              {t("copy")}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setCreated(null)}>
              {t("done")}
            </Button>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="create-key" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="create-key" className="mb-3 text-lg font-semibold">
          {t("createTitle")}
        </h2>
        <form
          className="flex flex-col gap-3 md:flex-row md:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            onCreate(event.currentTarget);
          }}
        >
          <div className="md:w-96">
            <TextField label={t("name")} name="name" required maxLength={100} placeholder={t("namePlaceholder")} error={error?.fieldErrors?.name} />
          </div>
          <Button type="submit" disabled={pending}>
            {pending ? t("creating") : t("create")}
          </Button>
        </form>
      </section>

      <DataTable
        caption={t("tableCaption")}
        columns={[{ label: t("colName") }, { label: t("colKey") }, { label: t("colOwner"), hidden: !isAdmin }, { label: t("colCreated") }, { label: t("colLastUsed") }, { label: t("colStatus") }, { label: t("colActions") }]}
      >
        {keys.length === 0 ? (
          <tr>
            <td colSpan={isAdmin ? 7 : 6} className="px-3 py-4 text-center text-slate-500">
              {t("empty")}
            </td>
          </tr>
        ) : null}
        {keys.map((key) => (
          <tr key={key.id} className="border-t border-slate-200">
            <td className="px-3 py-2">{key.name}</td>
            <td className="px-3 py-2 font-mono text-xs">{t("prefixShown", { prefix: key.prefix })}</td>
            {isAdmin ? (
              <td className="px-3 py-2">
                {key.ownerEmail} {key.ownerId === meId ? <span className="text-slate-500">{t("you")}</span> : null}
              </td>
            ) : null}
            <td className="px-3 py-2">{when(key.createdAt)}</td>
            <td className="px-3 py-2">{key.lastUsedAt ? when(key.lastUsedAt) : t("never")}</td>
            <td className="px-3 py-2">{key.revokedAt ? t("revokedAt", { when: when(key.revokedAt) }) : t("active")}</td>
            <td className="px-3 py-2">
              {key.revokedAt ? null : confirming === key.id ? (
                <span className="flex gap-2">
                  <Button
                    variant="danger"
                    disabled={pending}
                    onClick={() => run(() => revokeApiKeyAction({ id: key.id }), (r) => t("revoked", { name: r.name }), () => setConfirming(null))}
                  >
                    {t("confirmRevoke", { name: key.name })}
                  </Button>
                  <Button variant="secondary" onClick={() => setConfirming(null)}>
                    {t("cancel")}
                  </Button>
                </span>
              ) : (
                <Button variant="danger" disabled={pending} onClick={() => setConfirming(key.id)} aria-label={t("revokeLabel", { name: key.name })}>
                  {t("revoke")}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>

      <section aria-labelledby="use-key" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <h2 id="use-key" className="text-lg font-semibold">
          {t("howTitle")}
        </h2>
        <p>{t("howApi", { endpoint: `${endpoint}/v3` })}</p>
        <pre className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs">{`${t("exampleCurl", { endpoint })}\n${t("exampleCli", { endpoint })}`}</pre>
        <p>{t("howDocs", { url: `${endpoint}/v3/openapi.json` })}</p>
      </section>
    </div>
  );
}
