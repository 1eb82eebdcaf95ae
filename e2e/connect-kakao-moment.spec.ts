import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";

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

test("the Kakao Moment page lists the configured egress addresses by region", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/integrations/catalog/kakao-moment");
  await expect(page.getByText("Seoul (ap-northeast-2)")).toBeVisible();
  await expect(page.getByText("203.0.113.10, 203.0.113.11")).toBeVisible();
});
