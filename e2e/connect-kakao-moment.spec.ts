import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn } from "./helpers";

/** The seed's "新しい認証の作成", click for click, against the Kakao emulator. */
async function connectKakaoMoment(page: Page, name: string) {
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await nav.getByRole("link", { name: "Catalog" }).click();
  await page.getByLabel("Search integrations").fill("Kakao");
  await page.getByRole("link", { name: /Kakao Moment/ }).click();
  await expect(page.getByRole("heading", { name: "Kakao Moment", level: 1 })).toBeVisible();
  await expect(page.getByText("203.0.113.10, 203.0.113.11")).toBeVisible();
  await page.getByRole("link", { name: "Click here" }).click();

  // Kakao's (the emulator's) login page, then its consent page.
  await page.getByLabel("E-mail").fill("moment@example.com");
  await page.getByLabel("Password").fill("kakao1234");
  await page.getByRole("button", { name: "Log In" }).click();
  await page.getByRole("button", { name: "Agree" }).click();

  // Back in the console: what was granted, Continue, a name, Done.
  await expect(page.getByRole("heading", { name: "Connect Kakao Moment" })).toBeVisible();
  await expect(page.getByText("moment@example.com")).toBeVisible();
  await expect(page.getByText("Emulator Brand A")).toBeVisible();
  await expect(page.getByText("Emulator Brand B")).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Authentication name").fill(name);
  await page.getByRole("button", { name: "Done" }).click();

  await expect(page.getByRole("heading", { name: "Authentications" })).toBeVisible();
  await expect(page.getByText(`Authentication “${name}” created.`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByText("Healthy")).toBeVisible();
  return row;
}

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

test.describe("Kakao Login (KAKAO_AUTH_FLOW=login)", () => {
  test.use({ baseURL: E2E.login.baseURL });

  test("connect Kakao Moment through the catalog, then see it healthy", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    const row = await connectKakaoMoment(page, "login_flow_auth");
    await expect(row.getByText("Kakao Login")).toBeVisible();
  });
});
