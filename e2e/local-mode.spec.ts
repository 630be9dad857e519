import { expect, test } from "@playwright/test";

test("local mode says so in the header, and the API reports it", async ({ page, request }) => {
  expect(await (await request.get("/api/auth/me")).json()).toEqual({ mode: "local", user: { name: "local", role: "admin", kind: "local" } });
  await page.goto("/");
  const banner = page.getByText("local mode — no authentication");
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute("title", /TIDEMARK_ADMIN_PASSWORD/);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
});
