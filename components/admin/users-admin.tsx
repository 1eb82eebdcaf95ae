"use client";
import { useState } from "react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { changeRoleAction, createUserAction, setDisabledAction } from "@/lib/users/actions";
import { useAction } from "@/components/ui/use-action";
import { TextField, SelectField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { DataTable, sortRows, type SortDirection, type TableColumn } from "@/components/ui/table";

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: "admin" | "marketer";
  disabled: boolean;
  createdAt: string;
}

type SortKey = "email" | "name" | "role" | "status" | "created";
const SORT_KEYS: Record<SortKey, (user: UserRow) => string | null> = {
  email: (u) => u.email,
  name: (u) => u.name,
  role: (u) => u.role,
  status: (u) => (u.disabled ? "1" : "0"),
  created: (u) => u.createdAt,
};

export function UsersAdmin({ users, meId }: { users: UserRow[]; meId: string }) {
  const t = useTranslations("admin");
  const tr = useTranslations("roles");
  const format = useFormatter();
  const { pending, error, notice, run } = useAction();
  const locale = useLocale();
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: "created", direction: "ascending" });
  const sortable = (key: SortKey, label: string): TableColumn => ({
    label,
    sort: {
      direction: sort.key === key ? sort.direction : undefined,
      onSort: () => setSort({ key, direction: sort.key === key && sort.direction === "ascending" ? "descending" : "ascending" }),
    },
  });
  const rows = sortRows(users, SORT_KEYS[sort.key], sort.direction, locale);

  function onCreate(form: HTMLFormElement) {
    const data = Object.fromEntries(new FormData(form));
    run(
      () => createUserAction(data),
      (user) => {
        form.reset();
        return t("created", { email: user.email });
      },
    );
  }

  return (
    <div className="space-y-6">
      {error ? <Alert kind="error">{error.message}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      <section aria-labelledby="create-user" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="create-user" className="mb-3 text-lg font-semibold">
          {t("createTitle")}
        </h2>
        <form
          className="grid grid-cols-1 gap-3 md:grid-cols-5 md:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            onCreate(event.currentTarget);
          }}
        >
          <TextField label={t("email")} name="email" type="email" required error={error?.fieldErrors?.email} />
          <TextField label={t("name")} name="name" error={error?.fieldErrors?.name} />
          <SelectField label={t("role")} name="role" defaultValue="marketer">
            <option value="marketer">{tr("marketer")}</option>
            <option value="admin">{tr("admin")}</option>
          </SelectField>
          <TextField label={t("password")} name="password" type="password" autoComplete="new-password" required minLength={8} error={error?.fieldErrors?.password} />
          <Button type="submit" disabled={pending}>
            {pending ? t("creating") : t("create")}
          </Button>
        </form>
      </section>
      <DataTable
        caption={t("tableCaption")}
        columns={[sortable("email", t("colEmail")), sortable("name", t("colName")), sortable("role", t("colRole")), sortable("status", t("colStatus")), sortable("created", t("colCreated")), { label: t("colActions") }]}
      >
          {rows.map((user) => (
            <tr key={user.id} className="border-t border-slate-200">
              <td className="px-3 py-2">
                {user.email} {user.id === meId ? <span className="text-slate-500">{t("you")}</span> : null}
              </td>
              <td className="px-3 py-2">{user.name}</td>
              <td className="px-3 py-2">
                <label className="sr-only" htmlFor={`role-${user.id}`}>
                  {t("changeRoleLabel", { email: user.email })}
                </label>
                <select
                  id={`role-${user.id}`}
                  value={user.role}
                  disabled={pending}
                  onChange={(event) => run(() => changeRoleAction({ userId: user.id, role: event.target.value }), () => t("saved"))}
                  className="rounded border border-slate-300 px-1 py-0.5"
                >
                  <option value="marketer">{tr("marketer")}</option>
                  <option value="admin">{tr("admin")}</option>
                </select>
              </td>
              <td className="px-3 py-2">{user.disabled ? `⏸ ${t("disabled")}` : `● ${t("active")}`}</td>
              <td className="px-3 py-2">{format.dateTime(new Date(user.createdAt), "dateTime")}</td>
              <td className="px-3 py-2">
                <Button
                  variant={user.disabled ? "secondary" : "danger"}
                  disabled={pending}
                  onClick={() => run(() => setDisabledAction({ userId: user.id, disabled: !user.disabled }), () => t("saved"))}
                >
                  {user.disabled ? t("enable") : t("disable")}
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
    </div>
  );
}
