import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn } from "./helpers";

async function runQuery(page: Page, sql: string) {
  await page.getByTestId("sql-editor").locator(".cm-content").fill(sql);
  await page.getByRole("button", { name: "Run", exact: true }).click();
}

test("the seed's query path: New Query on kakao_db, Run, preview, adid check", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await nav.getByRole("link", { name: "Queries" }).click();
  await expect(page).toHaveURL(/\/workbench\/queries$/); // the home page also links to New Query
  await page.getByRole("link", { name: "New Query" }).click();
  await expect(page.getByLabel("Database")).toHaveValue("kakao_db");

  await runQuery(page, "select adid from customers");
  await expect(page.getByRole("columnheader", { name: "adid (text)" })).toBeVisible();
  await expect(page.getByTestId("result-summary")).toContainText("100,000 rows (showing the first 1,000)");
  await expect(page.getByText("Ready to export to Kakao Moment")).toBeVisible();

  await runQuery(page, "select column_a as adid from devices");
  await expect(page.getByRole("columnheader", { name: /^adid \(/ })).toBeVisible();
  await expect(page.getByText("Ready to export to Kakao Moment")).toBeVisible();

  await runQuery(page, "select age from customers");
  await expect(page.getByText(/Not exportable to Kakao Moment yet: No adid column/)).toBeVisible();

  // Errors are explained, with the position PostgreSQL gives.
  await runQuery(page, "select adid from no_such_table");
  await expect(page.getByRole("alert").filter({ hasText: "no_such_table" })).toBeVisible();
  await runQuery(page, "delete from customers");
  await expect(page.getByRole("alert").filter({ hasText: /read|select/i })).toBeVisible();

  // Save it with a name; it shows in the list.
  await runQuery(page, "select adid from customers");
  await page.getByLabel("Query name").fill("All customers");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "All customers", level: 1 })).toBeVisible();
  await nav.getByRole("link", { name: "Queries" }).click();
  await expect(page).toHaveURL(/\/workbench\/queries$/); // the home page also links to New Query
  await expect(page.getByRole("link", { name: "All customers" })).toBeVisible();
});

test("databases list the seeded kakao_db and its tables", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Databases" }).click();
  await page.getByRole("link", { name: "kakao_db" }).click();
  const customers = page.getByRole("row").filter({ hasText: "customers" });
  await expect(customers).toContainText("100,000");
  await expect(customers).toContainText("adid");
  await expect(page.getByRole("row").filter({ hasText: "devices" })).toContainText("column_a");
});
