import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn, signOut } from "./helpers";
import { BROWSER_LOCALE, LOCALES, catalog, message } from "./i18n";

/**
 * The seed's click path (sign in → connect Kakao Moment → New Query → Export Results → Register →
 * job success) in each language, chosen by the browser's Accept-Language alone, asserting on the
 * translated text the user reads. Kakao's own login and consent pages (the emulator) stay as Kakao shows them.
 */
const SAMPLE = { en: "Queries", ko: "쿼리", ja: "クエリ" };

for (const locale of LOCALES) {
  test.describe(`in ${locale}`, () => {
    test.use({ locale: BROWSER_LOCALE[locale] });

    test(`the seed's click path (${locale})`, async ({ page }) => {
      test.setTimeout(120_000);
      const c = catalog(locale);
      const m = (key: string, values?: Record<string, string | number>) => message(c, key, values);
      expect(m("nav.queries")).toBe(SAMPLE[locale]);

      await page.goto("/sign-in");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.getByRole("heading", { name: m("signIn.title") })).toBeVisible();
      await page.getByLabel(m("signIn.email")).fill(E2E.adminEmail);
      await page.getByLabel(m("signIn.password")).fill(E2E.adminPassword);
      await page.getByRole("button", { name: m("signIn.submit") }).click();
      await expect(page.getByText(m("nav.signedInAs", { email: E2E.adminEmail }))).toBeVisible();

      // Integrations Hub → Catalog → Kakao Moment → Click here → Kakao → Continue → name → Done.
      const nav = page.getByRole("navigation", { name: m("nav.label") });
      await nav.getByRole("link", { name: m("nav.catalog") }).click();
      await page.getByLabel(m("integrations.searchLabel")).fill("Kakao");
      await page.getByRole("link", { name: /Kakao Moment/ }).click();
      await expect(page.getByRole("heading", { name: "Kakao Moment", level: 1 })).toBeVisible();
      await page.getByRole("link", { name: "Click here" }).click();
      await page.getByLabel("E-mail").fill("moment@example.com");
      await page.getByLabel("Password").fill("kakao1234");
      await page.getByRole("button", { name: "Log In" }).click();
      await page.getByRole("button", { name: "Agree" }).click();
      await expect(page.getByRole("heading", { name: m("integrations.connectTitle") })).toBeVisible();
      await page.getByRole("button", { name: m("integrations.continue") }).click();
      const auth = `auth_${locale}`;
      await page.getByLabel(m("integrations.nameLabel")).fill(auth);
      await page.getByRole("button", { name: m("integrations.done") }).click();
      await expect(page.getByRole("heading", { name: m("integrations.authenticationsTitle") })).toBeVisible();
      await expect(page.getByText(m("integrations.created", { name: auth }))).toBeVisible();
      await expect(page.getByRole("row").filter({ hasText: auth }).getByText(m("integrations.status_healthy"))).toBeVisible();

      // Data Workbench → Queries → New Query → Run → Export Results → Register → Run and export.
      await nav.getByRole("link", { name: m("nav.queries") }).click();
      await page.getByRole("link", { name: m("workbench.newQuery") }).click();
      await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers where country = 'JP' limit 1000");
      await page.getByRole("button", { name: m("workbench.run"), exact: true }).click();
      await expect(page.getByText(m("workbench.readyToExport")).first()).toBeVisible();
      await page.getByRole("button", { name: m("export.exportResults") }).click();
      await page.getByLabel(m("export.authentication")).selectOption({ label: auth });
      await expect(page.getByLabel(m("export.dataSource"))).toHaveValue("customer_file");
      await page.getByLabel(m("export.adAccountId")).selectOption("27429");
      await page.getByLabel(m("export.register"), { exact: true }).check();
      await page.getByLabel(m("export.fileName")).fill(`seed_${locale}`);
      await page.getByRole("button", { name: m("export.runExport") }).click();

      await expect(page).toHaveURL(/\/jobs\/\d+$/);
      await expect(page.getByText(m("jobs.status_success")).first()).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole("heading", { name: m("jobs.filesSection") })).toBeVisible();
    });
  });
}

test("switching language on a page changes every string on it, and the choice is saved", async ({ page }) => {
  test.setTimeout(120_000);
  const en = catalog("en");
  const ja = catalog("ja");
  // A marketer of its own, so the admin's language setting stays as the other specs expect.
  const email = `languages-${Date.now()}@example.com`;
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/admin/users");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("marketer");
  await page.getByLabel("Initial password").fill("languages-pass-1");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toHaveText(`User ${email} created.`);
  await signOut(page);
  await signIn(page, email, "languages-pass-1");

  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("button", { name: "日本語" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(message(ja, "home.title", { name: email }));
  // No English message that Japanese words differently is left anywhere on the page.
  const text = await page.locator("body").innerText();
  // Product terms kept in English inside a Japanese message ("New Query（新規クエリ）") are not leftovers.
  const japanese = Object.values(ja).flatMap((ns) => Object.values(ns)).filter((v): v is string => typeof v === "string");
  const leftovers = ["nav", "home", "preferences", "jobs"].flatMap((ns) =>
    Object.entries(en[ns] as Record<string, unknown>)
      .filter(([key, value]) => typeof value === "string" && !value.includes("{") && value.length > 3 && value !== (ja[ns] as Record<string, unknown>)[key])
      .map(([, value]) => value as string)
      .filter((value) => text.includes(value) && !japanese.some((j) => j.includes(value))),
  );
  expect(leftovers).toEqual([]);

  // Saved for the user: a new browser with an English Accept-Language still gets Japanese.
  const other = await page.context().browser()!.newContext({ locale: "en-US", baseURL: E2E.business.baseURL });
  const second = await other.newPage();
  await second.goto("/sign-in");
  await expect(second.locator("html")).toHaveAttribute("lang", "en");
  await second.getByLabel("E-mail").fill(email);
  await second.getByLabel("Password").fill("languages-pass-1");
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second.getByText(message(ja, "nav.signedInAs", { email }))).toBeVisible();
  await expect(second.locator("html")).toHaveAttribute("lang", "ja");
  await other.close();

  // The sign-in page switches without an account (a cookie).
  await page.getByRole("button", { name: message(ja, "nav.signOut") }).click();
  await page.getByRole("button", { name: "한국어" }).click();
  await expect(page.getByRole("heading", { name: "로그인" })).toBeVisible();
});
