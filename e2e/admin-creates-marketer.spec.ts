import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn, signOut } from "./helpers";

test("a visitor without a session is sent to sign-in", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(E2E.adminEmail);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not correct" })).toHaveText("The e-mail or password is not correct.");
});

test("admin creates a marketer, who then cannot reach Admin (403)", async ({ page }) => {
  const email = `marketer-${Date.now()}@example.com`;
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Name (optional)").fill("Mina Marketer");
  await page.getByLabel("Role", { exact: true }).selectOption("marketer");
  await page.getByLabel("Initial password").fill("marketer-pass-1");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toHaveText(`User ${email} created.`);
  await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();

  await signOut(page);
  await signIn(page, email, "marketer-pass-1");
  await expect(page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" })).toHaveCount(0);

  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403 — Not allowed" })).toBeVisible();
});
