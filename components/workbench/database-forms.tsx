"use client";
import { useTranslations } from "next-intl";
import { createDatabaseAction, deleteDatabaseAction, deleteTableAction } from "@/lib/workbench/actions";
import type { Result } from "@/lib/errors";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";

export function CreateDatabaseForm() {
  const t = useTranslations("workbench");
  const { pending, error, notice, run } = useAction();
  return (
    <form
      className="flex max-w-xl flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        run(() => createDatabaseAction({ name: String(new FormData(form).get("name") ?? "") }), (d) => (form.reset(), t("databaseCreated", { name: d.name })));
      }}
    >
      <div className="flex-1">
        <TextField label={t("databaseName")} name="name" required maxLength={63} error={error?.fieldErrors?.name} />
        <p className="mt-1 text-xs text-slate-600">{t("databaseNameHelp")}</p>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? t("creating") : t("createDatabase")}
      </Button>
      <div className="w-full">
        {error && !error.fieldErrors?.name ? <Alert kind="error">{error.message}</Alert> : null}
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </div>
    </form>
  );
}

export function DeleteDatabaseButton({ name }: { name: string }) {
  const t = useTranslations("workbench");
  return <ConfirmDeleteButton text={t("deleteDatabase")} label={`${t("deleteDatabase")} ${name}`} confirmText={t("confirmDeleteDatabase", { name })} call={() => deleteDatabaseAction({ name })} done={t("databaseDeleted", { name })} />;
}

export function DeleteTableButton({ database, table }: { database: string; table: string }) {
  const t = useTranslations("workbench");
  return <ConfirmDeleteButton text={t("deleteTable")} label={`${t("deleteTable")} ${table}`} confirmText={t("confirmDeleteTable", { name: table })} call={() => deleteTableAction({ database, table })} done={t("tableDeleted", { name: table })} />;
}
