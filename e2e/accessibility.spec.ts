import { expect, test, type Locator, type Page } from "@playwright/test";
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
    name: "running job: results",
    open: async (page) => {
      await jobTab(A11Y.running, "Results")(page);
      await expect(page.getByRole("table", { name: "Job results" }).getByTestId("result-row").first()).toBeVisible();
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
    name: "failed job: delete dialog",
    scope: "[role=alertdialog]",
    open: async (page) => {
      await jobTab(A11Y.failed, "Overview")(page);
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await expect(page.getByRole("alertdialog")).toContainText(`Delete ${A11Y.failed}?`);
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

/**
 * A field is named by its label's words alone: not by a select's options, a hint or another control inside its
 * label. getByLabel reads a label's whole text, so a select inside its label made "Job" find every field offering
 * a job named a11y-job-…, and a hint inside a label joined the field's accessible name.
 */
async function expectNamedByLabels(scope: Locator, names: string[]) {
  for (const name of names) {
    const field = scope.getByLabel(name, { exact: true });
    // Soft: one run lists every misnamed field.
    await expect.soft(field, `the field labelled "${name}"`).toHaveCount(1, { timeout: 10_000 });
    if ((await field.count()) === 1) await expect.soft(field, `the name of the field labelled "${name}"`).toHaveAccessibleName(name);
  }
}

test("form fields are named by their label's words alone; hints describe them", async ({ page }) => {
  test.setTimeout(180_000);
  await jobTab(A11Y.failed, "Settings")(page);
  const settings = page.getByRole("form", { name: "Job settings" });
  await expectNamedByLabels(settings, [
    "Processor",
    "Batch interval (ms)",
    "Processor config (JSON)",
    "Max records per partition",
    "Max bytes per batch",
    "On error",
    "Attempts before failing",
    "First retry delay (ms)",
    "Offsets out of range",
  ]);
  await expect.soft(settings.getByLabel("Max records per partition", { exact: true })).toHaveAccessibleDescription(/^Per batch\. Empty: the server's default/, { timeout: 10_000 });
  await expect.soft(settings.getByLabel("On error", { exact: true })).toHaveAccessibleDescription(/^skip moves a record/, { timeout: 10_000 });

  await jobTab(A11Y.running, "Replay")(page);
  await expectNamedByLabels(page.locator("form", { has: page.getByRole("button", { name: "Go" }) }), ["Topic", "Partition", "From offset", "From time"]);

  await page.goto("/jobs/new");
  await expect(page.getByRole("checkbox").first()).toBeVisible();
  await expectNamedByLabels(page.locator("form"), ["Name", "Processor", "Start new partitions at", "Batch interval (ms)", "Max records per partition per batch", "Max bytes per batch"]);

  await page.goto("/alerts");
  await expectNamedByLabels(page.getByRole("form", { name: "New silence" }), ["Rule", "Job", "For", "Reason"]);
  await page.getByRole("button", { name: "New rule" }).click();
  await expectNamedByLabels(page.getByRole("form", { name: "New rule" }), ["Name", "Target", "Job", "Condition", "Threshold (records)", "For at least (seconds)", "Severity", "Repeat every (seconds)"]);
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Add channel" }).click();
  await expectNamedByLabels(page.getByRole("form", { name: "New channel" }), ["Name", "Type", "Webhook URL"]);
});

/**
 * A chart's drawing is hidden from assistive technology; what it shows is said in text: the figure's name,
 * its latest values and a table of its samples (or, with no samples, a message saying so).
 */
async function expectTextAlternative(figure: Locator) {
  const name = (await figure.getAttribute("aria-label")) ?? "";
  expect(name, "a chart's name").toMatch(/\S/);
  await expect(figure).toHaveAccessibleName(name);
  expect(await figure.locator("svg").evaluateAll((svgs) => svgs.every((svg) => svg.closest('[aria-hidden="true"]'))), `${name}: drawing hidden`).toBe(true);
  if (Number(await figure.getAttribute("data-points")) === 0) {
    await expect(figure.getByRole("status"), `${name}: says it has no samples`).toHaveText(/^No /);
    return;
  }
  await expect(figure.getByText(/^Latest \(.+\): .*\d/), `${name}: latest values`).toBeVisible();
  await figure.getByRole("button", { name: "Show as table" }).click();
  const table = figure.getByRole("region", { name: `${name}, as a table` }).getByRole("table");
  await expect(table.getByRole("rowheader").first(), `${name}: a table of its samples`).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Time", exact: true })).toBeVisible();
  await figure.getByRole("button", { name: "Hide table" }).click();
}

test("every chart has an accessible name and a text alternative; sparklines are named images", async ({ page }) => {
  test.setTimeout(180_000);
  await jobTab(A11Y.running, "Overview")(page);
  // Total lag, time lag, lag per partition, and the four batch charts.
  const figures = page.getByRole("figure");
  await expect(figures).toHaveCount(7);
  // The running job's lag is sampled every second: its lag charts have samples, so their values and table are checked.
  for (const testId of ["lag-chart", "time-lag-chart", "partition-lag-chart"]) {
    await expect(page.getByTestId(testId)).not.toHaveAttribute("data-points", "0");
  }
  for (const figure of await figures.all()) await expectTextAlternative(figure);

  await page.goto(`/groups/tidemark.${A11Y.running}`);
  await expect(page.getByRole("figure")).toHaveCount(1);
  await expectTextAlternative(page.getByRole("figure", { name: "Group lag over time" }));

  await page.goto("/");
  await expect(page.getByRole("img", { name: new RegExp(`^${A11Y.running} lag over the last 15 minutes`) })).toBeVisible();
});
