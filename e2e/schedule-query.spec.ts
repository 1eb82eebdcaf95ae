import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";

test("Custom cron 0 0 1 * 1 in Asia/Seoul: every Monday at 00:00, the next five Mondays, saved on the query", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await connectKakaoMoment(page, "schedule_auth");
  await page.goto("/workbench/queries/new");
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers");
  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Authentication").selectOption({ label: "schedule_auth" });
  await page.getByLabel("Customer File Name").fill("weekly_audience");
  await page.getByLabel("Query name").fill("Weekly audience");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Weekly audience", level: 1 })).toBeVisible();

  const schedule = page.getByRole("region", { name: "Schedule" });
  await schedule.getByLabel("Schedule", { exact: true }).selectOption({ label: "Custom cron..." });
  await schedule.getByLabel("Time zone").selectOption("Asia/Seoul");
  await schedule.getByLabel("Cron expression").fill("0 0 1 * 1");
  await expect(schedule.getByTestId("cron-description")).toContainText("every Monday at 00:00");
  const runs = schedule.getByTestId("next-runs").getByRole("listitem");
  await expect(runs).toHaveCount(5);
  for (const run of await runs.all()) await expect(run).toContainText("Monday");
  await expect(runs.first()).toContainText("00:00");

  // A bad expression is explained with the field and token, not saved.
  await schedule.getByLabel("Cron expression").fill("0 0 32 * *");
  await expect(schedule.getByText('day-of-month: "32" is out of range 1-31')).toBeVisible();
  await schedule.getByLabel("Cron expression").fill("0 0 1 * 1");

  await schedule.getByRole("button", { name: "Save schedule" }).click();
  await expect(schedule.getByText("Schedule saved.")).toBeVisible();
  await page.goto("/workbench/queries");
  await expect(page.getByRole("row").filter({ hasText: "Weekly audience" })).toContainText("0 0 1 * 1");
  await expect(page.getByRole("row").filter({ hasText: "Weekly audience" })).toContainText("Asia/Seoul");
});
