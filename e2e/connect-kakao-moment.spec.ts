import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";
import { BROWSER_LOCALE, LOCALES, catalog, message } from "./i18n";

test.describe("Business Authentication (default)", () => {
  test("connect Kakao Moment through the catalog, then see it healthy", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    const row = await connectKakaoMoment(page, "new_kakao_auth");
    await expect(row.getByText("Business Authentication")).toBeVisible();
    await expect(row.getByText("27429")).toBeVisible();
  });

  test("cancelling consent ends on a clear page and saves nothing", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    await page.goto("/integrations/catalog/kakao-moment");
    await page.getByRole("link", { name: "Click here" }).click();
    await page.getByLabel("E-mail").fill("moment@example.com");
    await page.getByLabel("Password").fill("kakao1234");
    await page.getByRole("button", { name: "Log In" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: "The connection was not made" })).toBeVisible();
    await expect(page.getByText("You cancelled on Kakao's consent page")).toBeVisible();
    await page.goto("/integrations/authentications");
    await expect(page.getByRole("row").filter({ hasText: "new_kakao_auth" })).toHaveCount(1);
  });
});

/**
 * Kakao refusing the authorize request (forced on the emulator through its control API): the
 * failed page shows Kakao's code, Kakao's own words and the fix, in the reader's language.
 */
for (const locale of LOCALES) {
  test.describe(`a Kakao refusal, in ${locale}`, () => {
    test.use({ locale: BROWSER_LOCALE[locale] });

    test(`KOE233 on authorize shows the code, Kakao's words and the fix (${locale})`, async ({ page, request }) => {
      const c = catalog(locale);
      const m = (key: string, values?: Record<string, string | number>) => message(c, key, values);
      const forced = await request.post(`${E2E.business.emulatorURL}/__emulator/authorize-error`, { data: { error_code: "KOE233", count: 1 } });
      expect(forced.status()).toBe(200);
      await page.goto("/sign-in");
      await page.getByLabel(m("signIn.email")).fill(E2E.adminEmail);
      await page.getByLabel(m("signIn.password")).fill(E2E.adminPassword);
      await page.getByRole("button", { name: m("signIn.submit") }).click();
      await expect(page.getByText(m("nav.signedInAs", { email: E2E.adminEmail }))).toBeVisible();
      await page.goto("/integrations/catalog/kakao-moment");
      await page.getByRole("link", { name: "Click here" }).click();
      await expect(page.getByRole("heading", { name: m("integrations.failedTitle") })).toBeVisible();
      await expect(page.getByTestId("kakao-error-code")).toHaveText(m("integrations.kakaoSaid", { code: "KOE233" }));
      await expect(page.getByTestId("kakao-error-description")).toContainText("KOE233");
      await expect(page.getByTestId("kakao-error-fix")).toHaveText(m("integrations.koe_KOE233"));
      await expect(page.getByText(m("integrations.failedNothingSaved"))).toBeVisible();
      // The next attempt is not refused: Start again reaches Kakao's login page.
      await page.getByRole("link", { name: m("integrations.startAgain") }).click();
      await expect(page.getByLabel("E-mail")).toBeVisible();
    });
  });
}

test("the Kakao Moment page lists the configured egress addresses by region", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/integrations/catalog/kakao-moment");
  await expect(page.getByText("Seoul (ap-northeast-2)")).toBeVisible();
  await expect(page.getByText("203.0.113.10, 203.0.113.11")).toBeVisible();
});
