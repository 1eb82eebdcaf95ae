import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";

/**
 * The README's screenshots, taken from the real console at 1280×800 in the light theme, on objects
 * this spec creates. Run it (`npx playwright test e2e/screenshots.spec.ts`) and commit docs/screenshots/.
 */
const DIR = path.join(import.meta.dirname, "../docs/screenshots");

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: "light", locale: "en-US", timezoneId: "Asia/Seoul" });

async function shot(page: Page, name: string) {
  await page.waitForLoadState("load");
  await page.mouse.move(0, 0);
  fs.mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: path.join(DIR, `${name}.png`), animations: "disabled", caret: "hide" });
}

test("screenshots of the main pages", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await connectKakaoMoment(page, "marketing_kr");
  await shot(page, "authentications");

  await page.goto("/integrations/catalog");
  await page.getByLabel("Search integrations").fill("Kakao");
  await shot(page, "catalog");
  await page.goto("/integrations/catalog/kakao-moment");
  await shot(page, "kakao-moment");

  await page.goto("/workbench/databases");
  await shot(page, "databases");

  // Query editor with a result and Export Results open, then a job from it.
  await page.goto("/workbench/queries/new");
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers where country = 'KR'");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByText("Ready to export to Kakao Moment").first()).toBeVisible();
  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Authentication").selectOption({ label: "marketing_kr" });
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Customer File Name").fill("kr_customers_daily");
  await shot(page, "query-editor");
  await page.getByLabel("Query name").fill("Korean customers, daily");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Korean customers, daily", level: 1 })).toBeVisible();
  // A daily schedule, for the schedule panel.
  const schedule = page.getByRole("region", { name: "Schedule" });
  await schedule.getByLabel("Schedule", { exact: true }).selectOption("@daily");
  await schedule.getByLabel("Time zone").selectOption("Asia/Seoul");
  await schedule.getByRole("button", { name: "Save schedule" }).click();
  await expect(schedule.getByText("Schedule saved.")).toBeVisible();
  await schedule.getByRole("button", { name: "Run now" }).click();
  await expect(schedule.getByText(/Started job \d+/)).toBeVisible();
  await expect(page.getByTestId("next-runs")).toBeVisible();
  await page.evaluate(() => document.querySelector('[data-testid="next-runs"]')?.scrollIntoView({ block: "center" }));
  await shot(page, "schedule");

  await page.goto("/jobs");
  const newest = page.getByRole("link", { name: /^Job \d+$/ }).first();
  await newest.click();
  await expect(page.getByText("Success").first()).toBeVisible({ timeout: 60_000 });
  await shot(page, "job-detail");
  await page.goto("/jobs");
  await shot(page, "jobs");
  await page.goto("/workbench/queries");
  await shot(page, "queries");
  await page.goto("/outbox");
  await shot(page, "outbox");

  // Audience Studio's segment editor.
  await page.goto("/audiences");
  const form = page.getByRole("form", { name: "New parent segment" });
  await form.getByLabel("Name").fill("Customers");
  await form.getByLabel("Database").selectOption("kakao_db");
  await form.getByLabel("Table").selectOption("customers");
  for (const column of ["gender", "age", "country"]) await form.getByRole("checkbox", { name: new RegExp(`^${column} `) }).check();
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "Customers" })).toBeVisible();
  await page.getByRole("link", { name: "New segment" }).click();
  await page.getByLabel("Segment name").fill("Women 20-39 in Korea");
  for (const [i, [attribute, op]] of [["gender", "eq"], ["country", "eq"]].entries()) {
    await page.getByRole("button", { name: "+ Add condition" }).click();
    await page.getByLabel("Attribute").nth(i).selectOption(attribute!);
    await page.getByLabel("Operator").nth(i).selectOption(op!);
    await page.getByLabel("Value", { exact: true }).nth(i).fill(attribute === "gender" ? "female" : "KR");
  }
  await expect(page.getByTestId("population")).toContainText(/Population: [\d,]+ customers/);
  await shot(page, "segment-editor");

  await page.goto("/");
  await shot(page, "home");
});

test("screenshots in Korean and Japanese (the browser's language)", async ({ browser }) => {
  for (const locale of ["ko-KR", "ja-JP"]) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 }, colorScheme: "light", timezoneId: "Asia/Seoul", baseURL: E2E.business.baseURL });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.locator('input[name="email"]').fill(E2E.adminEmail);
    await page.locator('input[name="password"]').fill(E2E.adminPassword);
    await page.locator('button[type="submit"]').first().click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator("html")).toHaveAttribute("lang", locale.slice(0, 2));
    await shot(page, `home-${locale.slice(0, 2)}`);
    await context.close();
  }
});
