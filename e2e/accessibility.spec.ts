import { expect, test, type Page } from "@playwright/test";
import { A11Y, ensureA11yData } from "./a11y-data";
import { axeViolations } from "./axe";

/**
 * axe-core (WCAG 2.1 A + AA) on every page and dialog, in both colour schemes, with data on the page.
 * A11Y_SCREENSHOT_DIR=dir also saves a full-page screenshot of each, for a look by eye.
 */
interface View {
  name: string;
  /** Opens the view and waits for its data; axe then scans the page (or `scope`, a dialog). */
  open: (page: Page) => Promise<void>;
  scope?: string;
}

const settled = async (page: Page) => {
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
};
const jobTab = (job: string, tab: string) => async (page: Page) => {
  await page.goto(`/jobs/${job}`);
  await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
  await settled(page);
};

const views: View[] = [
  {
    name: "overview",
    open: async (page) => {
      await page.goto("/");
      await expect(page.getByRole("list", { name: "Firing alerts" })).toContainText(A11Y.failedRule);
      await expect(page.getByRole("link", { name: A11Y.running })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "new job",
    open: async (page) => {
      await page.goto("/jobs/new");
      await expect(page.getByRole("checkbox").first()).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "running job: overview",
    open: async (page) => {
      await jobTab(A11Y.running, "Overview")(page);
      await expect(page.getByTestId("partition-row")).toHaveCount(2);
      await expect(page.getByTestId("batch-row").first()).toBeVisible();
    },
  },
  {
    name: "running job: a chart shown as a table",
    open: async (page) => {
      await jobTab(A11Y.running, "Overview")(page);
      const chart = page.getByTestId("lag-chart");
      await chart.getByRole("button", { name: "Show as table" }).click();
      await expect(chart.getByRole("table")).toBeVisible();
    },
  },
  {
    name: "running job: replay (reset history)",
    open: async (page) => {
      await jobTab(A11Y.running, "Replay")(page);
      await expect(page.getByTestId("reset-row").first()).toBeVisible();
    },
  },
  {
    name: "running job: reset dialog (stop step)",
    scope: "[role=dialog]",
    open: async (page) => {
      await jobTab(A11Y.running, "Replay")(page);
      await page.getByRole("button", { name: "Reset offsets…" }).click();
      await expect(page.getByRole("dialog").getByTestId("stop-step")).toBeVisible();
    },
  },
  { name: "running job: settings", open: jobTab(A11Y.running, "Settings") },
  { name: "running job: audit", open: jobTab(A11Y.running, "Audit") },
  {
    name: "batch detail",
    open: async (page) => {
      await jobTab(A11Y.running, "Overview")(page);
      await page.getByTestId("batch-row").first().getByRole("link").first().click();
      await expect(page).toHaveURL(/\/batches\/\d+/);
      await settled(page);
    },
  },
  {
    name: "failed job: overview",
    open: async (page) => {
      await jobTab(A11Y.failed, "Overview")(page);
      await expect(page.getByText(/The job failed in batch/)).toBeVisible();
    },
  },
  {
    name: "failed job: dead letters",
    open: async (page) => {
      await jobTab(A11Y.failed, "Dead letters")(page);
      await expect(page.getByTestId("dead-letter-row").first()).toBeVisible();
    },
  },
  {
    name: "failed job: reset dialog (preview)",
    scope: "[role=dialog]",
    open: async (page) => {
      await jobTab(A11Y.failed, "Replay")(page);
      await page.getByRole("button", { name: "Reset offsets…" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText("Earliest", { exact: true }).click();
      await dialog.getByRole("button", { name: "Preview" }).click();
      await expect(dialog.getByTestId("plan-row")).toHaveCount(1);
    },
  },
  {
    name: "topics",
    open: async (page) => {
      await page.goto("/topics");
      await settled(page);
      await expect(page.getByRole("table").first()).toBeVisible();
    },
  },
  {
    name: "consumer groups",
    open: async (page) => {
      await page.goto("/groups");
      await expect(page.getByRole("link", { name: `tidemark.${A11Y.running}` })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "consumer group",
    open: async (page) => {
      await page.goto(`/groups/tidemark.${A11Y.running}`);
      await settled(page);
      await expect(page.getByRole("table").first()).toBeVisible();
    },
  },
  {
    name: "instances",
    open: async (page) => {
      await page.goto("/instances");
      await expect(page.getByRole("link", { name: A11Y.running })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "alerts",
    open: async (page) => {
      await page.goto("/alerts");
      await expect(page.getByRole("table", { name: "Open alerts" })).toContainText(A11Y.failedRule);
      await expect(page.getByRole("table", { name: "Alert history" })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "alerts: new rule",
    open: async (page) => {
      await page.goto("/alerts");
      await page.getByRole("button", { name: "New rule" }).click();
      await expect(page.getByRole("form", { name: "New rule" })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "alerts: new channel",
    open: async (page) => {
      await page.goto("/alerts");
      await page.getByRole("button", { name: "Add channel" }).click();
      await expect(page.getByRole("form", { name: "New channel" })).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "audit",
    open: async (page) => {
      await page.goto("/audit");
      await expect(page.getByTestId("audit-row").first()).toBeVisible();
      await settled(page);
    },
  },
  {
    name: "access",
    open: async (page) => {
      await page.goto("/settings/access");
      await expect(page.getByRole("heading", { name: "Access" })).toBeVisible();
      await settled(page);
    },
  },
];

test.beforeAll(async ({ request }) => {
  test.setTimeout(180_000);
  await ensureA11yData(request);
});

// One page load per view: scanned in the light scheme, then switched to dark (the page follows the system
// scheme live, as users see it) and scanned again.
test.describe("light and dark themes", () => {
  test.use({ colorScheme: "light", viewport: { width: 1280, height: 900 } });
  for (const view of views) {
    test(`${view.name}: no WCAG 2.1 AA violations`, async ({ page }) => {
      await view.open(page);
      // Colours must be final when axe reads them, not halfway through a transition to the other scheme.
      await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
      const violations: Record<string, unknown[]> = {};
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect(page.locator("html")).toHaveClass(scheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
        if (process.env.A11Y_SCREENSHOT_DIR) {
          const file = `${scheme}-${view.name.replace(/[^a-z0-9]+/gi, "-")}.png`;
          await page.screenshot({ path: `${process.env.A11Y_SCREENSHOT_DIR}/${file}`, fullPage: true });
        }
        violations[scheme] = await axeViolations(page, view.scope);
      }
      expect(violations).toEqual({ light: [], dark: [] });
    });
  }
});
