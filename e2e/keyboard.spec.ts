import { expect, test, type Locator, type Page } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { keyedLines, serverBrokers } from "./support";

/**
 * Keyboard only: no clicks, no fill(). Tab reaches each control, Enter/Space/arrows/typing operate it, the
 * focused control shows a focus ring, and focus comes back to a sensible place when a dialog or form closes.
 */

/** Presses Tab until `target` has focus (Shift+Tab with `back`), and checks that its focus ring shows. */
async function tabTo(page: Page, target: Locator, { back = false, max = 1500 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      await expectFocusRing(page);
      return;
    }
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The focused element (or the label drawn for a hidden input) has a visible outline. */
async function expectFocusRing(page: Page) {
  const ring = await page.evaluate(() => {
    const focused = document.activeElement as HTMLElement;
    const shown = focused.classList.contains("sr-only") ? (focused.closest("label") ?? focused) : focused;
    const style = getComputedStyle(shown);
    return { tag: `${focused.tagName} ${focused.textContent?.slice(0, 30)}`, style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(ring.style, `focus ring of ${ring.tag}`).not.toBe("none");
  expect(ring.width, `focus ring of ${ring.tag}`).toBeGreaterThanOrEqual(2);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

/** Picks an option of a focused <select> with the arrow keys. */
async function arrowToOption(page: Page, select: Locator, label: string) {
  await tabTo(page, select);
  for (let i = 0; i < 100; i++) {
    if ((await select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent)) === label) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`no option ${label}`);
}

test.use({ viewport: { width: 1280, height: 1000 } });

test("create a job, start and stop it, reset its offsets (stop, preview, confirm, start), all from the keyboard", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-keyboard");
  await createTopic(brokers, topic, 2);
  for (const partition of [0, 1]) await produceWithKcat(brokers, topic, keyedLines(100, 5), { partition });
  const name = `kbd-${Date.now().toString(36)}`;

  await page.goto("/jobs/new");
  await expect(page.getByRole("checkbox", { name: topic })).toBeVisible();
  await typeInto(page, page.getByLabel("Name"), name);
  // With many topics on the broker the list has a filter: typing the name there spares a long walk.
  const filter = page.getByRole("searchbox", { name: "Filter topics" });
  if ((await filter.count()) > 0) await typeInto(page, filter, topic);
  await tabTo(page, page.getByRole("checkbox", { name: topic }));
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: topic })).toBeChecked();
  await typeInto(page, page.getByLabel("Batch interval (ms)"), "300");
  await tabTo(page, page.getByRole("button", { name: "Create job" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/jobs/${name}$`));

  // Start, then Stop: the same button changes its label and keeps the focus.
  await tabTo(page, page.getByRole("button", { name: "Start" }));
  await page.keyboard.press("Enter");
  // While its request is on its way the button is aria-disabled (and ignores Enter), but keeps the focus.
  const startStop = page.getByRole("button", { name: /^(Start|Stop)$/ });
  await expect(page.getByRole("button", { name: "Stop" })).toBeFocused();
  await expect(startStop).toHaveAttribute("aria-disabled", "false");
  await expect.poll(async () => (await (await request.get(`/api/jobs/${name}`)).json()).recordsProcessed, { timeout: 30_000 }).toBe(200);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Start" })).toBeFocused();
  await expect(startStop).toHaveAttribute("aria-disabled", "false");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();

  // Tabs: Tab into the tab list, the arrow keys move along it to Replay.
  await tabTo(page, page.getByRole("tab", { name: "Overview" }));
  // Each press is awaited before the next: checking right after a press raced the re-render and overshot.
  for (const next of ["Results", "Replay"]) {
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("tab", { name: next })).toBeFocused();
    await expect(page.getByRole("tab", { name: next })).toHaveAttribute("aria-selected", "true");
  }
  await expectFocusRing(page);
  const resetButton = page.getByRole("button", { name: "Reset offsets…" });
  await tabTo(page, resetButton);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();

  // Stop → preview → confirm → start, inside the dialog (focus stays trapped in it).
  await tabTo(page, dialog.getByRole("button", { name: "Stop job" }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "Preview" })).toBeEnabled({ timeout: 30_000 });
  await tabTo(page, dialog.getByRole("radio", { name: "Date and time" }));
  // Arrows within the radio group: Date and time → Back by duration → Shift by.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(dialog.getByRole("radio", { name: "Shift by" })).toBeChecked();
  await expectFocusRing(page);
  await typeInto(page, dialog.getByLabel("Records (negative rewinds)"), "-10");
  await typeInto(page, dialog.getByLabel(/^Reason/), "keyboard replay");
  await tabTo(page, dialog.getByRole("button", { name: "Preview" }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByTestId("plan-row")).toHaveCount(2);
  await expect(dialog.getByTestId("plan-summary")).toContainText("20 records will be processed again");
  await tabTo(page, dialog.getByRole("button", { name: "Confirm reset" }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByText(/Reset applied to 2 partitions; the job is starting/)).toBeVisible();
  await tabTo(page, dialog.getByRole("button", { name: "Close" }));
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  // Focus is back on the button that opened the dialog.
  await expect(resetButton).toBeFocused();
  await expect.poll(async () => (await (await request.get(`/api/jobs/${name}`)).json()).recordsProcessed, { timeout: 30_000 }).toBe(220);

  // Escape closes the dialog too, and focus again returns to its opener.
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(resetButton).toBeFocused();
});

test("create an alert rule from the keyboard; focus goes into the form and back to New rule", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-keyboard-alert");
  await createTopic(brokers, topic, 1);
  const job = `kbd-alert-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name: job, topics: [topic], processor: "count-by-key" } })).status()).toBe(201);

  await page.goto("/alerts");
  const newRule = page.getByRole("button", { name: "New rule" });
  await tabTo(page, newRule);
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "New rule" });
  // The form opens with its first field focused.
  await expect(form.getByLabel("Name")).toBeFocused();
  const rule = `kbd-rule-${Date.now().toString(36)}`;
  await page.keyboard.type(rule);
  await arrowToOption(page, form.getByLabel("Job"), job);
  await typeInto(page, form.getByLabel("Threshold (records)"), "100");
  await tabTo(page, form.getByRole("button", { name: "Create rule" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("table", { name: "Alert rules" }).getByRole("row", { name: new RegExp(rule) })).toContainText("lag > 100 records");
  await expect(form).toBeHidden();
  await expect(newRule).toBeFocused();
});
