import { getNow, getTimeZone, getTranslations } from "next-intl/server";
import { setTimeZoneAction } from "@/lib/i18n/actions";
import { listTimeZones } from "@/lib/schedule/timezones";
import { Button } from "@/components/ui/button";

/** "Times in Asia/Seoul (GMT+9)", and a disclosure to choose a zone or follow the browser's. */
export async function TimeZoneSetting({ saved, browser }: { saved: string | null; browser: string | null }) {
  const t = await getTranslations("preferences");
  const zone = await getTimeZone();
  const now = await getNow();
  const offset = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(now).find((p) => p.type === "timeZoneName")?.value ?? "";
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-xs text-slate-700">{t("timesIn", { zone, offset })}</summary>
      <form action={setTimeZoneAction} className="mt-2 space-y-2">
        <label htmlFor="console-time-zone" className="block text-xs font-medium text-slate-700">
          {t("timeZone")}
        </label>
        <select id="console-time-zone" name="timeZone" defaultValue={saved ?? ""} className="block w-full rounded-md border border-slate-300 bg-white px-1 py-1 text-xs">
          <option value="">{browser ? t("timeZoneBrowser", { zone: browser }) : t("timeZoneBrowserUnknown")}</option>
          {listTimeZones().map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" className="px-2 py-0.5 text-xs">
          {t("saveTimeZone")}
        </Button>
      </form>
    </details>
  );
}
