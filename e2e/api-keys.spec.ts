import { expect, test } from "@playwright/test";
import { E2E } from "../playwright.config";
import { signIn } from "./helpers";

test("a user creates an API key, sees it once, uses it with the v3 API, and revokes it", async ({ page, request }) => {
  const name = `e2e-key-${Date.now()}`;
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByText(/curl -H "Authorization: TD1 YOUR_KEY" http:\/\/127\.0\.0\.1:3100\/v3\/job\/list/)).toBeVisible();

  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("heading", { name: `Your new API key "${name}"` })).toBeVisible();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^kmh_[A-Za-z0-9_-]{43}$/);

  // The production Next server takes it; without it an API client gets JSON 401, not a sign-in redirect,
  // and a browser session alone never drives the API.
  const listed = await request.get("/v3/job/list", { headers: { authorization: `TD1 ${key}` } });
  expect(listed.status()).toBe(200);
  expect(await listed.json()).toMatchObject({ jobs: expect.any(Array), from: 0, to: 19 });
  const trailing = await request.get("/v3/job/list/", { headers: { authorization: `TD1 ${key}` } });
  expect(trailing.status()).toBe(200);
  const anonymous = await request.get("/v3/job/list", { maxRedirects: 0 });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: "unauthenticated" });
  expect((await page.request.get("/v3/job/list", { maxRedirects: 0 })).status()).toBe(401);
  expect((await request.get("/v3/openapi.json")).status()).toBe(200);

  // Shown once: after leaving the page only the prefix remains, and the key was used.
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(`${key.slice(0, 10)}…`);
  await expect(row).toContainText("Active");
  await expect(row).not.toContainText("Never");

  await row.getByRole("button", { name: `Revoke API key ${name}` }).click();
  await row.getByRole("button", { name: `Revoke "${name}" for good` }).click();
  await expect(page.getByRole("status")).toHaveText(`API key "${name}" revoked: requests with it now get 401.`);
  await expect(row).toContainText("Revoked");
  const revoked = await request.get("/v3/job/list", { headers: { authorization: `TD1 ${key}` } });
  expect(revoked.status()).toBe(401);
});
