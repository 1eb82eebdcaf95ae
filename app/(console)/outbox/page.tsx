import { getFormatter, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listOutbox } from "@/lib/notify/outbox";
import { DataTable } from "@/components/ui/table";

/** Every notification the product wrote (sent by SMTP when configured, kept here either way). */
export default async function OutboxPage() {
  const user = await requireUser();
  const t = await getTranslations("outbox");
  const format = await getFormatter();
  const messages = await listOutbox(user, { limit: 100 });
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-slate-600">{t("intro")}</p>
      {messages.length === 0 ? (
        <p className="text-slate-600">{t("empty")}</p>
      ) : (
        <DataTable caption={t("caption")} columns={[{ label: t("colWhen") }, { label: t("colTo") }, { label: t("colSubject") }, { label: t("colDelivery") }]}>
          {messages.map((message) => (
            <tr key={message.id} className="border-t border-slate-200 align-top">
              <td className="whitespace-nowrap px-3 py-2">{format.dateTime(message.createdAt, "dateTime")}</td>
              <td className="px-3 py-2">{message.toAddress}</td>
              <td className="px-3 py-2">
                <details>
                  <summary className="cursor-pointer font-medium">{message.subject}</summary>
                  <pre className="mt-2 whitespace-pre-wrap font-sans text-sm text-slate-700">{message.text}</pre>
                </details>
              </td>
              <td className="px-3 py-2">{message.sentAt ? `✓ ${t("sent")}` : message.sendError ? `⚠ ${t("failed", { error: message.sendError })}` : t("kept")}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
