import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listUsers } from "@/lib/users/users";
import { UsersAdmin } from "@/components/admin/users-admin";

export default async function AdminUsersPage() {
  const me = await requireUser("admin");
  const t = await getTranslations("admin");
  const users = await listUsers();
  return (
    <div className="max-w-5xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("usersTitle")}</h1>
        <p className="text-slate-600">{t("usersIntro")}</p>
      </div>
      <UsersAdmin meId={me.id} users={users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }))} />
    </div>
  );
}
