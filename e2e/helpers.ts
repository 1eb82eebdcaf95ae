import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

/** The seed's "新しい認証の作成", click for click, against the Kakao emulator. */
export async function connectKakaoMoment(page: Page, name: string) {
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await nav.getByRole("link", { name: "Catalog" }).click();
  await page.getByLabel("Search integrations").fill("Kakao");
  await page.getByRole("link", { name: /Kakao Moment/ }).click();
  await expect(page.getByRole("heading", { name: "Kakao Moment", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Click here" }).click();

  // Kakao's (the emulator's) login page, then its consent page.
  await page.getByLabel("E-mail").fill("moment@example.com");
  await page.getByLabel("Password").fill("kakao1234");
  await page.getByRole("button", { name: "Log In" }).click();
  await page.getByRole("button", { name: "Agree" }).click();

  // Back in the console: what was granted, Continue, a name, Done.
  await expect(page.getByRole("heading", { name: "Connect Kakao Moment" })).toBeVisible();
  await expect(page.getByText("moment@example.com")).toBeVisible();
  await expect(page.getByText("Emulator Brand A")).toBeVisible();
  await expect(page.getByText("Emulator Brand B")).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Authentication name").fill(name);
  await page.getByRole("button", { name: "Done" }).click();

  await expect(page.getByRole("heading", { name: "Authentications" })).toBeVisible();
  await expect(page.getByText(`Authentication “${name}” created.`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByText("Healthy")).toBeVisible();
  return row;
}

