"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { completeConnectionAction, completeReconnectAction } from "@/lib/authentications/actions";
import type { ErrorValue } from "@/lib/errors";
import type { AdAccountSummary } from "@/lib/authentications/schemas";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";

interface Props {
  pendingId: string;
  reconnectName: string | null;
  flow: "business" | "login";
  email: string;
  adAccounts: AdAccountSummary[];
  scopes: string[];
}

/** The seed's steps after Kakao: Continue → name → Done (reconnect: Continue → Done). */
export function ContinueConnection({ pendingId, reconnectName, flow, email, adAccounts, scopes }: Props) {
  const t = useTranslations("integrations");
  const router = useRouter();
  const [step, setStep] = useState<"review" | "name">("review");
  const [error, setError] = useState<ErrorValue | null>(null);
  const [pending, startTransition] = useTransition();

  function finish(name?: string) {
    setError(null);
    startTransition(async () => {
      const result = reconnectName ? await completeReconnectAction({ pendingId }) : await completeConnectionAction({ pendingId, name });
      if (!result.ok) return setError(result.error);
      const notice = reconnectName ? t("reconnected", { name: result.data.name }) : t("created", { name: result.data.name });
      router.push(`/integrations/authentications?notice=${encodeURIComponent(notice)}`);
    });
  }

  return (
    <div className="space-y-4">
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <p className="mb-2 text-slate-700">{t("grantedIntro")}</p>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="font-medium">{t("kakaoAccount")}</dt>
          <dd>{email}</dd>
          <dt className="font-medium">{t("colFlow")}</dt>
          <dd>{t(`flow_${flow}`)}</dd>
          <dt className="font-medium">{t("adAccountsGranted")}</dt>
          <dd>
            {adAccounts.length === 0 ? (
              t("noAdAccounts")
            ) : (
              <ul>
                {adAccounts.map((a) => (
                  <li key={a.id}>
                    {a.name} <span className="font-mono text-slate-600">({a.id})</span> · {a.memberType}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt className="font-medium">{t("scopes")}</dt>
          <dd className="font-mono text-xs">{scopes.join(", ")}</dd>
        </dl>
      </section>

      {error ? <Alert kind="error">{error.message}</Alert> : null}

      {step === "review" ? (
        <Button onClick={() => (reconnectName ? finish() : setStep("name"))} disabled={pending}>
          {t("continue")}
        </Button>
      ) : (
        <form
          className="max-w-md space-y-3"
          onSubmit={(event) => {
            event.preventDefault();
            finish(String(new FormData(event.currentTarget).get("name") ?? ""));
          }}
        >
          <TextField label={t("nameLabel")} name="name" required maxLength={100} autoFocus error={error?.fieldErrors?.name} />
          <p className="text-sm text-slate-600">{t("nameHelp")}</p>
          <Button type="submit" disabled={pending}>
            {pending ? t("saving") : t("done")}
          </Button>
        </form>
      )}
    </div>
  );
}
