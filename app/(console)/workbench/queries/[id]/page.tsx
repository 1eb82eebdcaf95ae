import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { getSavedQuery } from "@/lib/workbench/queries";
import { listDatabases } from "@/lib/warehouse/databases";
import { QueryEditor } from "@/components/workbench/query-editor";
import { exportAuthentications } from "@/lib/export/view";
import type { ExportSettingsInput } from "@/lib/export/settings";

export default async function SavedQueryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const query = await getSavedQuery(user, id).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const databases = (await listDatabases()).map((d) => d.name);
  const authentications = await exportAuthentications(user);
  const schedule = {
    cron: query.scheduleCron ?? "",
    timezone: query.scheduleTimezone,
    delaySeconds: query.scheduleDelaySeconds,
    notifyOnSuccess: query.notifyOnSuccess,
    enabled: query.scheduleEnabled,
    disabledReason: query.scheduleDisabledReason,
    nextAt: query.scheduleNextAt?.toISOString() ?? null,
  };
  const exportTarget = query.exportSettings ? { authenticationId: query.exportAuthenticationId, settings: query.exportSettings as unknown as ExportSettingsInput } : null;
  return (
    <div className="max-w-6xl space-y-4">
      <h1 className="text-2xl font-semibold">{query.name}</h1>
      <QueryEditor databases={databases.includes(query.database) ? databases : [query.database, ...databases]} authentications={authentications} saved={{ id: query.id, name: query.name, database: query.database, sql: query.sql, exportTarget, schedule }} />
    </div>
  );
}
