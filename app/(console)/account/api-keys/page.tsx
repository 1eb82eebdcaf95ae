import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { env, publicUrl } from "@/lib/env";
import { listApiKeys } from "@/lib/api-keys/keys";
import { ApiKeysManager } from "@/components/api-keys/api-keys-manager";

export default async function ApiKeysPage() {
  const user = await requireUser();
  const t = await getTranslations("apiKeys");
  const keys = await listApiKeys(user);
  return (
    <div className="max-w-5xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-slate-600">{t("intro")}</p>
      </div>
      <ApiKeysManager
        endpoint={publicUrl(env())}
        isAdmin={user.role === "admin"}
        meId={user.id}
        keys={keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          ownerId: k.userId,
          ownerEmail: k.user.email,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
          revokedAt: k.revokedAt?.toISOString() ?? null,
        }))}
      />
    </div>
  );
}
