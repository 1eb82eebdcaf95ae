"use client";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

export default function ConsoleError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors");
  return (
    <div role="alert" className="max-w-xl space-y-3">
      <h1 className="text-xl font-semibold">{t("errorTitle")}</h1>
      <p>{t("errorBody")}</p>
      <Button onClick={reset}>{t("retry")}</Button>
    </div>
  );
}
