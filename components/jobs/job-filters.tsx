import Form from "next/form";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { JOB_STATUSES } from "@/lib/jobs/schemas";
import type { JobListParams } from "@/lib/jobs/list-filter";
import { SelectField, TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";

interface Props {
  params: JobListParams;
  /** Admins only: whose jobs to show. */
  users?: { id: string; email: string }[];
  authentications: { id: number; name: string }[];
  errors?: Record<string, string>;
}

/** A GET form: the filters live in the URL, so a filtered list is a link to share. */
export function JobFilters({ params, users, authentications, errors }: Props) {
  const t = useTranslations("jobs");
  const filtered = Object.keys(params).some((key) => key !== "before" && key !== "limit");
  return (
    <Form action="/jobs" aria-label={t("filtersLabel")} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
      <div className="w-40">
        <SelectField label={t("filterStatus")} name="status" defaultValue={params.status ?? ""} error={errors?.status}>
          <option value="">{t("filterAnyStatus")}</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`status_${status}`)}
            </option>
          ))}
        </SelectField>
      </div>
      {users ? (
        <div className="w-56">
          <SelectField label={t("filterUser")} name="ownerId" defaultValue={params.ownerId ?? ""} error={errors?.ownerId}>
            <option value="">{t("filterAnyUser")}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </SelectField>
        </div>
      ) : null}
      <div className="w-40">
        <TextField label={t("filterFrom")} name="from" type="date" defaultValue={params.from ?? ""} error={errors?.from} />
      </div>
      <div className="w-40">
        <TextField label={t("filterTo")} name="to" type="date" defaultValue={params.to ?? ""} error={errors?.to} />
      </div>
      <div className="w-56">
        <SelectField label={t("filterAuthentication")} name="authenticationId" defaultValue={params.authenticationId ?? ""} error={errors?.authenticationId}>
          <option value="">{t("filterAnyAuthentication")}</option>
          {authentications.map((a) => (
            <option key={a.id} value={String(a.id)}>
              {a.name}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="flex items-center gap-3 pb-0.5">
        <Button type="submit">{t("applyFilters")}</Button>
        {filtered ? (
          <Link href="/jobs" className="text-sm underline">
            {t("clearFilters")}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
