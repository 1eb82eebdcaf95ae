import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";
import { emulatorFiles, expectedSha256 } from "./warehouse";

/** The seed's two workflow files (placeholder ad account id set to 27429) and their .sql files. */
const SEED = path.join(import.meta.dirname, "../lib/workflows/fixtures/seed");
const seedFile = (name: string) => path.join(SEED, name);

/**
 * Signed in as the admin, with an authentication named "new_kakao_auth" (the seed's name): connected
 * here unless an earlier spec of the same run already did.
 */
async function signedInWithSeedAuthentication(page: Page): Promise<void> {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.goto("/integrations/authentications");
  await expect(page.getByRole("heading", { name: "Authentications" })).toBeVisible();
  if ((await page.getByRole("row").filter({ hasText: "new_kakao_auth" }).count()) === 0) await connectKakaoMoment(page, "new_kakao_auth");
}

async function runToSuccess(page: Page, workflow: string): Promise<number> {
  await page.getByRole("button", { name: `Run ${workflow}` }).click();
  await expect(page).toHaveURL(/\/workflows\/attempts\/\d+$/);
  await expect(page.getByRole("heading", { name: /^Attempt #\d+$/ })).toBeVisible();
  const row = page.locator(`tr[data-task="+${workflow}+kakao_task"]`);
  await expect(row.getByText("Success")).toBeVisible({ timeout: 60_000 });
  const jobLink = row.getByRole("link", { name: /^Job \d+$/ });
  await expect(jobLink).toBeVisible();
  return Number((await jobLink.textContent())!.replace("Job ", ""));
}

test("the seed's workflows run unchanged from the console: register, then edit, the customer file “test”", async ({ page }) => {
  test.setTimeout(180_000);
  await signedInWithSeedAuthentication(page);

  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Projects" }).click();
  await expect(page.getByRole("heading", { name: "Workflows", level: 1 })).toBeVisible();

  // A project outside the subset is refused with file, line and key; nothing is stored.
  await page.getByLabel("Project name").fill("bad_project");
  await page.getByLabel("Project files").setInputFiles([{ name: "bad.dig", mimeType: "text/plain", buffer: Buffer.from("+t:\n  sh>: echo hi\n") }]);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "problem" })).toContainText('bad.dig:2: sh>: unknown operator "sh>"');
  await expect(page.getByRole("link", { name: "bad_project" })).toHaveCount(0);

  // The seed's files, byte for byte.
  await page.getByLabel("Project name").fill("kakao_seed");
  await page.getByLabel("Project files").setInputFiles(["kakao_register.dig", "kakao_edit.dig", "upload.sql", "delete.sql"].map(seedFile));
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "Project “kakao_seed”" })).toBeVisible();
  await expect(page.getByText("Revision 1", { exact: false }).first()).toBeVisible();

  const registerJob = await runToSuccess(page, "kakao_register");
  const expected = await expectedSha256("select adid from kakao_db.customers");
  let file = (await emulatorFiles(E2E.business.emulatorURL)).find((f) => f.name === "test") as { sha256: string; lines: number; adAccountId: number; versions: number } | undefined;
  expect(file).toMatchObject({ adAccountId: 27429, sha256: expected.sha256, lines: expected.lines, versions: 1 });

  // The task links to its job, on the Jobs pages.
  await page.getByRole("link", { name: `Job ${registerJob}` }).click();
  await expect(page.getByRole("heading", { name: `Job ${registerJob}` })).toBeVisible();
  await page.goBack();

  await page.getByRole("link", { name: "Project “kakao_seed”" }).click();
  await runToSuccess(page, "kakao_edit");
  file = (await emulatorFiles(E2E.business.emulatorURL)).find((f) => f.name === "test") as typeof file;
  expect(file).toMatchObject({ sha256: expected.sha256, versions: 2 });

  // The project list shows the last run.
  await page.goto("/workflows");
  const row = page.getByRole("row").filter({ hasText: "kakao_seed" });
  await expect(row.getByText("Success")).toBeVisible();
  await expect(row.getByText("kakao_edit", { exact: false }).first()).toBeVisible();
});

test("editing in the console keeps versions; a problem is shown with its line and nothing is saved", async ({ page }) => {
  test.setTimeout(120_000);
  await signedInWithSeedAuthentication(page);
  await page.goto("/workflows");
  await page.getByLabel("Project name").fill("edited");
  await page.getByLabel("Project files").setInputFiles(["kakao_register.dig", "upload.sql"].map(seedFile));
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "Project “edited”" })).toBeVisible();

  await page.getByRole("link", { name: "Edit in the console" }).click();
  const editor = page.getByTestId("workflow-editor").locator(".cm-content");
  await expect(editor).toContainText("td>: upload.sql");
  await editor.fill("+kakao_task:\n  py>: tasks.Run\n");
  await page.getByRole("button", { name: "Save new version" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "problem" })).toContainText('kakao_register.dig:2: py>: unknown operator "py>"');

  await page.getByRole("button", { name: "upload.sql", exact: true }).click();
  await page.getByTestId("workflow-editor").locator(".cm-content").fill("select adid from customers where age < 30");
  await page.getByRole("button", { name: "kakao_register.dig", exact: true }).click();
  await page.getByTestId("workflow-editor").locator(".cm-content").fill(
    "_export:\n  td:\n    database: kakao_db\n\n+kakao_task:\n  td>: upload.sql\n  database: ${td.database}\n  result_connection: new_kakao_auth\n  result_settings:\n    type: kakao_moment\n    data_source: customer_file\n    ad_account_id: 27429\n    mode: register\n    file_name: young_${session_date_compact}\n",
  );
  await page.getByRole("button", { name: "Save new version" }).click();
  await expect(page.getByRole("heading", { name: "Project “edited”" })).toBeVisible();
  await expect(page.getByText("Revision 2", { exact: false }).first()).toBeVisible();
  const versions = page.getByRole("table", { name: "Versions of the project" });
  await expect(versions.getByRole("row")).toHaveCount(3);
});
