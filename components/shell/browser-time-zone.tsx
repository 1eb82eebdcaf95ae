"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useTimeZone } from "next-intl";
import { TIME_ZONE_COOKIE } from "@/lib/i18n/config";

/**
 * Tells the server the browser's time zone (a cookie), for users who have not chosen one: the
 * page is re-rendered once when the zone it was rendered in is not the browser's.
 */
export function BrowserTimeZone({ followsBrowser }: { followsBrowser: boolean }) {
  const router = useRouter();
  const rendered = useTimeZone();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const cookie = document.cookie.split("; ").find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`))?.slice(TIME_ZONE_COOKIE.length + 1);
    if (decodeURIComponent(cookie ?? "") === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    if (followsBrowser && rendered !== zone) router.refresh();
  }, [followsBrowser, rendered, router]);
  return null;
}
