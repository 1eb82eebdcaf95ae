import { useTranslations } from "next-intl";

const LOOK: Record<string, { icon: string; style: string }> = {
  blocked: { icon: "◷", style: "bg-slate-100 text-slate-800" },
  retry_waiting: { icon: "↻", style: "bg-amber-50 text-amber-900" },
  running: { icon: "▶", style: "bg-blue-50 text-blue-800" },
  success: { icon: "✓", style: "bg-green-50 text-green-800" },
  error: { icon: "✕", style: "bg-red-50 text-red-800" },
  killed: { icon: "■", style: "bg-amber-50 text-amber-900" },
  canceled: { icon: "–", style: "bg-slate-100 text-slate-600" },
};

/** An attempt's or a task's status: an icon and a word, never colour alone. */
export function WorkflowStatusBadge({ status }: { status: string }) {
  const t = useTranslations("workflows");
  const look = LOOK[status] ?? LOOK.blocked!;
  return (
    <span className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 ${look.style}`}>
      <span aria-hidden>{look.icon}</span> {t(`status_${status}` as "status_running")}
    </span>
  );
}
