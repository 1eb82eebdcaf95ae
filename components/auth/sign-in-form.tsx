"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { signInAction, type SignInState } from "@/lib/auth/actions";
import { TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function SignInForm() {
  const t = useTranslations("signIn");
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-4">
      {state.error ? <Alert kind="error">{t(state.error)}</Alert> : null}
      <TextField label={t("email")} name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      <TextField label={t("password")} name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" disabled={pending} className="w-full justify-center">
        {pending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
