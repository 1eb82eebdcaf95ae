import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn } from "./helpers";

/**
 * Security of the console as a browser meets it: headers (a Content-Security-Policy the pages work
 * under), the session cookie, and CSRF — a cross-origin POST to a server action or to a route
 * handler riding on the session cookie is refused, the same request from the console works.
 */

const EVIL = "https://evil.example";

test("every console response carries the security headers, and the pages work under the CSP", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  for (const path of ["/sign-in", "/api/jobs", "/no-such-page"]) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["content-security-policy"], path).toMatch(/default-src 'self'/);
    expect(headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"], path).toMatch(/object-src 'none'/);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["referrer-policy"], path).toBe("same-origin");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const response = await page.goto("/workbench/queries/new");
  expect(response!.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
  // Client code runs (the editor is interactive) and nothing was blocked.
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select 1 as one");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: /^one/ })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the session cookie is HttpOnly and SameSite=Lax; Secure when the request came over https", async ({ page, playwright }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });

  // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookie is Secure and __Secure-.
  const api = await playwright.request.newContext({ baseURL: E2E.business.baseURL, extraHTTPHeaders: { "x-forwarded-proto": "https" } });
  try {
    const csrf = await api.get("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signedIn = await api.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: E2E.adminEmail, password: E2E.adminPassword, callbackUrl: "/" },
      maxRedirects: 0,
    });
    const setCookies = signedIn.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
    const secure = setCookies.find((c) => c.startsWith("__Secure-authjs.session-token="));
    expect(secure, setCookies.join("\n")).toBeDefined();
    expect(secure).toMatch(/;\s*HttpOnly/i);
    expect(secure).toMatch(/;\s*Secure/i);
    expect(secure).toMatch(/;\s*SameSite=Lax/i);
  } finally {
    await api.dispose();
  }
});

/** Creates a database through the form and returns the server action request the browser sent. */
async function createDatabaseThroughForm(page: Page, name: string) {
  await page.goto("/workbench/databases");
  const sent = page.waitForRequest((request) => request.method() === "POST" && request.headers()["next-action"] !== undefined);
  await page.getByLabel("Database name").fill(name);
  await page.getByRole("button", { name: "Create database" }).click();
  const request = await sent;
  await expect(page.getByText(`Database “${name}” created.`)).toBeVisible();
  return request;
}

test("CSRF: a server action posted from another origin is refused; the console's own request works", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const suffix = Date.now().toString(36);
  const original = await createDatabaseThroughForm(page, `csrf_ok_${suffix}`);
  const headers = original.headers();
  const replay = (name: string, origin: string) =>
    page.request.post(original.url(), {
      headers: {
        "next-action": headers["next-action"]!,
        "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8",
        accept: "text/x-component",
        origin,
      },
      data: original.postData()!.replace(`csrf_ok_${suffix}`, name),
      maxRedirects: 0,
    });

  // The same action, the same session cookie, sent from another site: refused, nothing created.
  const forged = await replay(`csrf_evil_${suffix}`, EVIL);
  expect(forged.ok()).toBe(false);
  // The replay itself is sound: from the console's own origin it does create a database.
  const genuine = await replay(`csrf_again_${suffix}`, new URL(E2E.business.baseURL).origin);
  expect(genuine.ok()).toBe(true);

  await page.goto("/workbench/databases");
  await expect(page.getByText(`csrf_again_${suffix}`).first()).toBeVisible();
  await expect(page.getByText(`csrf_evil_${suffix}`)).toHaveCount(0);
});

test("CSRF: a route handler refuses a cookie-authenticated POST from another origin", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const body = { database: "kakao_db", sql: "select 1 as one", runId: "csrf-test-0001" };
  const forged = await page.request.post("/api/workbench/run", { data: body, headers: { origin: EVIL, "sec-fetch-site": "cross-site" } });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toMatchObject({ error: "forbidden", message: expect.stringMatching(/Cross-site request refused/) });
  const own = await page.request.post("/api/workbench/run", { data: body, headers: { origin: new URL(E2E.business.baseURL).origin, "sec-fetch-site": "same-origin" } });
  expect(own.status(), await own.text()).toBe(200);
});
