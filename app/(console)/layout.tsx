import { requireUser } from "@/lib/auth/guard";
import { ConsoleShell } from "@/components/shell/console-shell";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return <ConsoleShell user={user}>{children}</ConsoleShell>;
}
