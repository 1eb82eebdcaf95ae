/**
 * CSRF protection for route handlers that act on the session cookie (defineRoute). Server actions
 * are covered by Next itself (it refuses an action whose Origin is not the host); route handlers
 * are not, so a state-changing request (POST, PUT, PATCH, DELETE) must come from this site:
 * - `Origin`, when sent (browsers send it on every cross-site and same-site POST), must be the
 *   site's own origin: PUBLIC_URL's, or the one the request itself was addressed to;
 * - otherwise `Sec-Fetch-Site`, when sent, must be `same-origin` or `none` (typed or bookmarked).
 * A request with neither header is not from a browser, so it cannot carry a victim's cookies on
 * someone else's behalf. Requests authenticated by an API key (`Authorization: TD1 …`) are not
 * CSRF-able (a browser never adds that header by itself) and are not checked.
 */
import { publicUrl } from "@/lib/env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origins this site is reached at: PUBLIC_URL's, the request URL's, and a proxy's forwarded host. */
function ownOrigins(request: Request): Set<string> {
  const origins = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value) return;
    try {
      origins.add(new URL(value).origin);
    } catch {
      // not a URL: ignore
    }
  };
  add(publicUrl());
  const url = new URL(request.url);
  add(url.origin);
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  if (host) {
    const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(":", "");
    add(`${proto}://${host}`);
  }
  return origins;
}

/** Why a cookie-authenticated request must be refused as cross-site, or null when it may proceed. */
export function crossSiteRefusal(request: Request): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (origin !== "null" && ownOrigins(request).has(origin)) return null;
    return `Cross-site request refused: ${request.method} from origin ${origin} is not allowed.`;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return `Cross-site request refused: ${request.method} from a ${site} page is not allowed.`;
  return null;
}
