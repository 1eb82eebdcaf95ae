import Image from "next/image";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listAuthentications } from "@/lib/authentications/authentications";
import { egressIps } from "@/lib/kakao/config";
import { AuthenticationStatusBadge } from "@/components/integrations/status-badge";

export default async function KakaoMomentPage() {
  const user = await requireUser();
  const t = await getTranslations("integrations");
  const authentications = await listAuthentications(user, { onlyMine: true });
  const egress = egressIps();
  return (
    <div className="max-w-4xl space-y-6">
      <div className="flex items-center gap-3">
        <Image src="/kakao-moment.svg" alt={t("logoAlt")} width={56} height={56} />
        <div>
          <h1 className="text-2xl font-semibold">{t("kakaoMomentName")}</h1>
          <p className="text-sm text-slate-500">{t("kakaoMomentKind")}</p>
        </div>
      </div>
      <p className="text-slate-700">{t("detailWhat")}</p>

      <section aria-labelledby="new-auth" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="new-auth" className="text-lg font-semibold">
          {t("newAuthentication")}
        </h2>
        <p className="mt-1">
          {t.rich("newAuthenticationHelp", {
            link: (chunks) => (
              <a href="/api/integrations/kakao/connect" className="font-medium text-blue-700 underline">
                {chunks}
              </a>
            ),
          })}
        </p>
      </section>

      <section aria-labelledby="your-auths">
        <h2 id="your-auths" className="mb-2 text-lg font-semibold">
          {t("yourAuthentications")}
        </h2>
        {authentications.length === 0 ? (
          <p className="text-slate-600">{t("noAuthentications")}</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {authentications.map((a) => (
              <li key={a.id} className="flex items-center justify-between px-4 py-2">
                <Link href="/integrations/authentications" className="font-medium underline">
                  {a.name}
                </Link>
                <span className="text-sm text-slate-600">{a.kakaoAccountEmail}</span>
                <AuthenticationStatusBadge status={a.status} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="egress">
        <h2 id="egress" className="mb-2 text-lg font-semibold">
          {t("egressTitle")}
        </h2>
        {egress.length === 0 ? (
          <p className="text-slate-600">{t("egressNone")}</p>
        ) : (
          <>
            <p className="mb-2 text-slate-700">{t("egressIntro")}</p>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
              {egress.map(({ region, ips }) => (
                <div key={region} className="contents">
                  <dt className="font-medium">{region}</dt>
                  <dd className="font-mono">{ips.join(", ")}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
      </section>
    </div>
  );
}
