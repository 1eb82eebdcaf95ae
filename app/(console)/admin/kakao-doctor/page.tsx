import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listAuthentications } from "@/lib/authentications/authentications";
import { kakaoFacts, settingText } from "@/lib/kakao/assumptions";
import { KakaoDoctor } from "@/components/admin/kakao-doctor";

export default async function KakaoDoctorPage() {
  const me = await requireUser("admin");
  const t = await getTranslations("doctor");
  const authentications = await listAuthentications(me);
  const settings = Object.values(kakaoFacts())
    .filter((f) => f.setting !== null)
    .map((f) => ({ fact: f.fact, grade: f.grade, value: settingText(f) }));
  return (
    <div className="max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-slate-600">{t("intro")}</p>
      </div>
      <KakaoDoctor authentications={authentications.map((a) => ({ id: a.id, name: a.name, status: a.status }))} settings={settings} />
    </div>
  );
}
