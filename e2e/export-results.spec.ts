import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";
import { emulatorFiles, expectedSha256 } from "./warehouse";

test("the seed's path end to end: query → Export Results → Register → job succeeds → the file holds exactly the query's ADIDs", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await connectKakaoMoment(page, "export_auth");

  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Queries" }).click();
  await expect(page).toHaveURL(/\/workbench\/queries$/); // the home page also links to New Query
  await page.getByRole("link", { name: "New Query" }).click();
  const sql = "select adid from customers where country = 'KR'";
  await page.getByTestId("sql-editor").locator(".cm-content").fill(sql);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByText("Ready to export to Kakao Moment").first()).toBeVisible();

  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Authentication").selectOption({ label: "export_auth" });
  await expect(page.getByLabel("Data Source")).toHaveValue("customer_file");
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Register", { exact: true }).check();
  await page.getByLabel("Customer File Name").fill("kr_customers");
  await page.getByRole("button", { name: "Run and export" }).click();

  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByText("Success").first()).toBeVisible({ timeout: 60_000 });

  const expected = await expectedSha256("select adid from kakao_db.customers where country = 'KR'");
  const file = (await emulatorFiles(E2E.business.emulatorURL)).find((f) => f.name === "kr_customers");
  expect(file).toMatchObject({ adAccountId: 27429, sha256: expected.sha256, lines: expected.lines });
});

test("Export Results refuses bad settings with the field named, before any job", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/workbench/queries/new");
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers");
  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Edit", { exact: true }).check();
  await page.getByRole("button", { name: "Run and export" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /ad_account_id|file_name|authentication/ })).toBeVisible();
  await expect(page).toHaveURL(/\/workbench\/queries\/new$/);
});
