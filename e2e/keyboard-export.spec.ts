import { expect, test, type Locator, type Page } from "@playwright/test";
import { E2E } from "../playwright.config";
import { connectKakaoMoment, signIn } from "./helpers";

/**
 * The seed's export path from the keyboard alone: from the home page, Tab/Enter/Space/arrows and
 * typing only — Queries → New Query → SQL → Ctrl+Enter → Export Results → settings → Run and
 * export → the job succeeds. Every control on the way is reached by Tab and shows its focus.
 */
async function tabTo(page: Page, target: Locator, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) {
      const outline = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 ? "outline" : style.boxShadow !== "none" ? "ring" : el.closest(".cm-editor")?.classList.contains("cm-focused") ? "editor" : "none";
      });
      expect(outline, "focus is visible").not.toBe("none");
      return;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

async function chooseWithArrows(page: Page, select: Locator, matches: (value: string, label: string) => boolean) {
  for (let i = 0; i < 20; i++) {
    const [value, label] = await select.evaluate((el: HTMLSelectElement) => [el.value, el.selectedOptions[0]?.textContent ?? ""]);
    if (matches(value, label)) return;
    await page.keyboard.press("ArrowDown");
    await page.waitForTimeout(100); // let React re-render the form after each change
  }
  throw new Error("option not reached with the arrow keys");
}

test("the export path works from the keyboard only", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await connectKakaoMoment(page, "keyboard_auth");
  await page.goto("/");

  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await tabTo(page, nav.getByRole("link", { name: "Queries" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Queries", level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: "New Query" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "New Query", level: 1 })).toBeVisible();

  await tabTo(page, page.getByTestId("sql-editor").locator(".cm-content"));
  await page.keyboard.type("select adid from customers where country = 'US' limit 2000");
  await page.keyboard.press("Control+Enter");
  await expect(page.getByText("Ready to export to Kakao Moment").first()).toBeVisible();

  await tabTo(page, page.getByRole("button", { name: "Export Results" }));
  await page.keyboard.press("Enter");
  const authentication = page.getByLabel("Authentication");
  await tabTo(page, authentication);
  await chooseWithArrows(page, authentication, (_, label) => label === "keyboard_auth");
  const adAccount = page.getByLabel("Ad Account ID");
  await tabTo(page, adAccount);
  await chooseWithArrows(page, adAccount, (value) => value === "27429");
  const register = page.getByLabel("Register", { exact: true });
  await tabTo(page, register);
  await page.keyboard.press("Space");
  await expect(register).toBeChecked();
  await tabTo(page, page.getByLabel("Customer File Name"));
  await page.keyboard.type("keyboard_us");
  await tabTo(page, page.getByRole("button", { name: "Run and export" }));
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/jobs\/\d+$/).catch(async (error) => {
    throw new Error(`${error.message}\nalerts: ${(await page.getByRole("alert").allTextContents()).join(" | ")}\nfocused: ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
  });
  await expect(page.getByText("Success").first()).toBeVisible({ timeout: 60_000 });
});
