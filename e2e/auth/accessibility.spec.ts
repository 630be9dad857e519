import { expect, test } from "@playwright/test";
import { axeViolations } from "../axe";

/** The pages only a server with sign-in has: the sign-in form, and Access with users and a new API token. */
const ADMIN_PASSWORD = "e2e-admin-password";

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test("sign-in page: no WCAG 2.1 AA violations", async ({ page }) => {
      await page.goto("/login");
      await expect(page.getByLabel("Password")).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);
    });

    test("access page with a new API token: no WCAG 2.1 AA violations", async ({ page, baseURL }) => {
      const login = await page.request.post("/api/auth/login", { data: { name: "admin", password: ADMIN_PASSWORD }, headers: { origin: baseURL! } });
      expect(login.status()).toBe(200);
      await page.goto("/settings/access");
      const tokens = page.locator("section", { has: page.getByRole("heading", { name: "API tokens" }) });
      await tokens.getByRole("textbox", { name: "Name" }).fill(`a11y-${scheme}-${Date.now().toString(36)}`);
      await page.getByRole("button", { name: "Create token" }).click();
      await expect(page.getByTestId("new-token")).toBeVisible();
      await expect(page.getByRole("table", { name: "API tokens" })).toBeVisible();
      if (process.env.A11Y_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.A11Y_SCREENSHOT_DIR}/${scheme}-access-token.png`, fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}

/** Each field is found and named by its label's words alone: getByLabel reads a label's whole text, a select's options included. */
test("access forms: each field is named by its label's words alone", async ({ page, baseURL }) => {
  const login = await page.request.post("/api/auth/login", { data: { name: "admin", password: ADMIN_PASSWORD }, headers: { origin: baseURL! } });
  expect(login.status()).toBe(200);
  await page.goto("/settings/access");
  for (const [heading, names] of [
    ["Users", ["Name", "Password", "Role"]],
    ["API tokens", ["Name", "Role"]],
  ] as const) {
    const form = page.locator("section", { has: page.getByRole("heading", { name: heading, exact: true }) }).locator("form");
    for (const name of names) {
      const field = form.getByLabel(name, { exact: true });
      await expect(field, `${heading}: the field labelled "${name}"`).toHaveCount(1);
      await expect(field).toHaveAccessibleName(name);
    }
  }
});
