import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn } from "./helpers";

/**
 * Every page of the console passes axe-core's WCAG 2.1 A/AA rules, in English and in Korean
 * (lang, contrast and labels differ by language). Dynamic pages are visited on real objects the
 * test creates: an authentication, a saved query, a job, a parent segment, segment, activation,
 * and a workflow project with a run.
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SEED = path.join(import.meta.dirname, "../lib/workflows/fixtures/seed");

async function expectAccessible(page: Page, name: string) {
  await page.waitForLoadState("load");
  await expect(page.locator("h1").first()).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const violations = results.violations.map((v) => `${name}: ${v.id} — ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join(" | ")}`);
  expect.soft(violations, `axe on ${name} (${page.url()})`).toEqual([]);
}

test("every console page passes axe (WCAG 2.1 AA), on real objects", async ({ page }) => {
  test.setTimeout(360_000);
  await page.goto("/sign-in");
  await expectAccessible(page, "sign-in");
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await expectAccessible(page, "home");

  // Integrations Hub, with the connect flow's pages on the way.
  for (const [href, name] of [["/integrations/catalog", "catalog"], ["/integrations/catalog/kakao-moment", "kakao moment"], ["/integrations/kakao-moment/connect/failed?reason=access_denied", "connect failed"]]) {
    await page.goto(href);
    await expectAccessible(page, name);
  }
  await page.goto("/integrations/catalog/kakao-moment");
  await page.getByRole("link", { name: "Click here" }).click();
  await page.getByLabel("E-mail").fill("moment@example.com");
  await page.getByLabel("Password").fill("kakao1234");
  await page.getByRole("button", { name: "Log In" }).click();
  await page.getByRole("button", { name: "Agree" }).click();
  await expect(page.getByRole("heading", { name: "Connect Kakao Moment" })).toBeVisible();
  await expectAccessible(page, "connect (granted)");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Authentication name").fill("a11y_auth");
  await expectAccessible(page, "connect (name)");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("heading", { name: "Authentications" })).toBeVisible();
  await expectAccessible(page, "authentications");

  // Data Workbench.
  await page.goto("/workbench/databases");
  await expectAccessible(page, "databases");
  await page.goto("/workbench/databases/kakao_db");
  await expectAccessible(page, "database kakao_db");
  await page.goto("/workbench/queries/new");
  await expectAccessible(page, "new query");
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers where country = 'JP'");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByText("Ready to export to Kakao Moment").first()).toBeVisible();
  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Authentication").selectOption({ label: "a11y_auth" });
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Register", { exact: true }).check();
  await page.getByLabel("Customer File Name").fill("a11y_jp");
  await expectAccessible(page, "query editor with result and Export Results");
  await page.getByLabel("Query name").fill("a11y JP customers");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "a11y JP customers", level: 1 })).toBeVisible();
  await expectAccessible(page, "saved query (with schedule)");
  await page.goto("/workbench/queries");
  await expectAccessible(page, "queries");

  // A job, run to the end.
  await page.goto("/workbench/queries/new");
  await page.getByTestId("sql-editor").locator(".cm-content").fill("select adid from customers where country = 'KR' limit 500");
  await page.getByRole("button", { name: "Export Results" }).click();
  await page.getByLabel("Authentication").selectOption({ label: "a11y_auth" });
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Register", { exact: true }).check();
  await page.getByLabel("Customer File Name").fill("a11y_kr");
  await page.getByRole("button", { name: "Run and export" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByText("Success").first()).toBeVisible({ timeout: 60_000 });
  await expectAccessible(page, "job detail");
  for (const [href, name] of [["/jobs", "jobs"], ["/outbox", "outbox"], ["/admin/users", "admin users"], ["/account/api-keys", "api keys"], ["/", "home with a job"]]) {
    await page.goto(href);
    await expectAccessible(page, name);
  }

  // Audience Studio: parent segment → segment → activation.
  await page.goto("/audiences");
  await expectAccessible(page, "parent segments");
  const form = page.getByRole("form", { name: "New parent segment" });
  await form.getByLabel("Name").fill("a11y parent");
  await form.getByLabel("Database").selectOption("kakao_db");
  await form.getByLabel("Table").selectOption("customers");
  await form.getByRole("checkbox", { name: /^country / }).check();
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "a11y parent" })).toBeVisible();
  await expectAccessible(page, "parent segment");
  await page.getByRole("link", { name: "New segment" }).click();
  await page.getByLabel("Segment name").fill("a11y KR");
  await page.getByRole("button", { name: "+ Add condition" }).click();
  await page.getByLabel("Attribute").first().selectOption("country");
  await page.getByLabel("Operator").first().selectOption("eq");
  await page.getByLabel("Value", { exact: true }).first().fill("KR");
  await expect(page.getByTestId("population")).toContainText("Population:");
  await expectAccessible(page, "segment editor (new)");
  await page.getByRole("button", { name: "Save segment" }).click();
  await expect(page).toHaveURL(/\/audiences\/segments\/\d+$/);
  await expectAccessible(page, "segment");
  await page.goto(`${page.url()}/activations/new`);
  await page.getByLabel("Activation name").fill("a11y activation");
  await page.getByLabel("Authentication").selectOption({ label: "a11y_auth" });
  await page.getByLabel("Ad Account ID").selectOption("27429");
  await page.getByLabel("Register", { exact: true }).check();
  await page.getByLabel("Customer File Name").fill("a11y_segment");
  await page.getByRole("button", { name: "+ Add Columns" }).click();
  await page.getByLabel("Source column 1").selectOption("adid");
  await expect(page.getByTestId("mapping-check")).toContainText("Ready for Kakao Moment");
  await expectAccessible(page, "create activation");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/audiences\/segments\/\d+$/);
  const activation = page.locator('a[href^="/audiences/activations/"]').first();
  await page.goto((await activation.getAttribute("href"))!);
  await expectAccessible(page, "activation");

  // Workflows: a project from the seed's files, its editor, and a run.
  await page.goto("/workflows");
  await expectAccessible(page, "workflows");
  await page.getByLabel("Project name").fill("a11y_seed");
  // The seed's register workflow, exporting through this test's authentication.
  const dig = fs.readFileSync(path.join(SEED, "kakao_register.dig"), "utf8").replace("new_kakao_auth", "a11y_auth").replace("file_name: test", "file_name: a11y_workflow");
  await page.getByLabel("Project files").setInputFiles([
    { name: "kakao_register.dig", mimeType: "text/plain", buffer: Buffer.from(dig) },
    { name: "upload.sql", mimeType: "text/plain", buffer: fs.readFileSync(path.join(SEED, "upload.sql")) },
  ]);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "Project “a11y_seed”" })).toBeVisible();
  await expectAccessible(page, "workflow project");
  const projectUrl = page.url();
  await page.goto(`${projectUrl}/edit`);
  await expectAccessible(page, "workflow editor");
  await page.goto(projectUrl);
  await page.getByRole("button", { name: "Run kakao_register" }).click();
  await expect(page).toHaveURL(/\/workflows\/attempts\/\d+$/);
  await expectAccessible(page, "workflow attempt");

  // The pages that say something is missing.
  await page.goto("/jobs/999999");
  await expectAccessible(page, "job not found");
  await page.goto("/no-such-page");
  await expectAccessible(page, "not found");
});

test("Korean pages pass axe too", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ locale: "ko-KR", baseURL: E2E.business.baseURL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await expectAccessible(page, "sign-in (ko)");
  await page.getByLabel("이메일").fill(E2E.adminEmail);
  await page.getByLabel("비밀번호").fill(E2E.adminPassword);
  await page.getByRole("button", { name: "로그인" }).click();
  await expect(page.getByText(`${E2E.adminEmail}(으)로 로그인됨`)).toBeVisible();
  for (const href of ["/", "/integrations/catalog/kakao-moment", "/integrations/authentications", "/workbench/queries/new", "/jobs", "/audiences", "/workflows"]) {
    await page.goto(href);
    await expectAccessible(page, `${href} (ko)`);
  }
  await context.close();
});
