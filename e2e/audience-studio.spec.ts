import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";
import { emulatorFileLines, validAdids, warehouseRows } from "./warehouse";

test("Audience Studio: parent segment → segment (count shown) → Create Activation → Run → the file holds exactly the segment's distinct valid ADIDs", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await connectKakaoMoment(page, "audience_auth");

  // Parent segment on kakao_db.customers.
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Parent segments" }).click();
  const form = page.getByRole("form", { name: "New parent segment" });
  await form.getByLabel("Name").fill("All customers");
  await form.getByLabel("Database").selectOption("kakao_db");
  await form.getByLabel("Table").selectOption("customers");
  await expect(form.getByLabel("Key column")).toHaveValue("adid");
  for (const column of ["gender", "age", "country"]) await form.getByRole("checkbox", { name: new RegExp(`^${column} `) }).check();
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "All customers" })).toBeVisible();

  // Segment "gender = female and age 20–39", with its live count.
  await page.getByRole("link", { name: "New segment" }).click();
  await page.getByLabel("Segment name").fill("Women 20-39");
  await page.getByRole("button", { name: "+ Add condition" }).click();
  const [gender, age] = [0, 1];
  await page.getByLabel("Attribute").nth(gender).selectOption("gender");
  await page.getByLabel("Operator").nth(gender).selectOption("eq");
  await page.getByLabel("Value", { exact: true }).nth(0).fill("female");
  await page.getByRole("button", { name: "+ Add condition" }).click();
  await page.getByLabel("Attribute").nth(age).selectOption("age");
  await page.getByLabel("Operator").nth(age).selectOption("between");
  await page.getByLabel("From").fill("20");
  await page.getByLabel("To", { exact: true }).fill("39");
  const [{ n }] = await warehouseRows<{ n: number }>("select count(*)::int as n from kakao_db.customers where gender = 'female' and age between 20 and 39");
  await expect(page.getByTestId("population")).toHaveText(`Population: ${n.toLocaleString("en-US")} customers`);
  await page.getByText("Generated SQL (read-only)").click();
  await expect(page.getByTestId("generated-sql")).toContainText(`"age" between $2::numeric and $3::numeric`);
  await page.getByRole("button", { name: "Save segment" }).click();
  await expect(page).toHaveURL(/\/audiences\/segments\/\d+$/);

  // Create Activation from the segment's menu in the tree.
  await page.getByRole("link", { name: "All customers" }).click();
  await page.getByRole("button", { name: "Actions for segment Women 20-39" }).click();
  await page.getByRole("menuitem", { name: "Create Activation" }).click();
  await expect(page.getByRole("heading", { name: "Create Activation — Women 20-39" })).toBeVisible();
  await page.getByLabel("Activation name").fill("Women to Kakao");
  await page.getByLabel("Authentication").selectOption({ label: "audience_auth" });
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Register", { exact: true }).check();
  await page.getByLabel("Customer File Name").fill("women_20_39");
  // Output Mapping: nothing mapped yet is not a customer file; + Add Columns adid makes it one.
  await expect(page.getByTestId("mapping-check")).toContainText("Not a Kakao customer file yet");
  await page.getByRole("button", { name: "+ Add Columns" }).click();
  await page.getByLabel("Source column 1").selectOption("adid");
  await expect(page.getByLabel("Output column name 1")).toHaveValue("adid");
  await expect(page.getByTestId("mapping-check")).toContainText("Ready for Kakao Moment");
  await expect(page.getByText("Ready to export to Kakao Moment").first()).toBeVisible();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/audiences\/segments\/\d+$/);

  // Run → a job like any other → the emulator holds the segment's distinct valid ADIDs.
  await page.getByRole("button", { name: "Run activation Women to Kakao" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByText("Success").first()).toBeVisible({ timeout: 90_000 });
  const rows = await warehouseRows<{ adid: string | null }>("select adid from kakao_db.customers where gender = 'female' and age between 20 and 39");
  const expected = [...new Set(validAdids(rows.map((r) => r.adid)))].sort();
  const lines = await emulatorFileLines(E2E.business.emulatorURL, "women_20_39");
  expect(new Set(lines).size).toBe(lines.length);
  expect(lines.sort()).toEqual(expected);

  // The segment's activation log lists the run.
  await page.goBack();
  await page.reload();
  await expect(page.getByRole("table", { name: "Activation log" }).getByText("Women to Kakao")).toBeVisible();
});
