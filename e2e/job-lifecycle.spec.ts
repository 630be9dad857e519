import { expect, test } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { keyedLines, serverBrokers } from "./support";

test("create a job with the form, run it to lag 0, stop it, see its batches", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-orders");
  await createTopic(brokers, topic, 3);
  await produceWithKcat(brokers, topic, keyedLines(600, 12));
  const name = `e2e-${Date.now().toString(36)}`;

  await page.goto("/jobs/new");
  // Inline validation before anything is sent.
  await page.getByLabel("Name").fill("Bad Name!");
  await page.getByRole("button", { name: "Create job" }).click();
  await expect(page.getByText("name must be 1 to 64 characters")).toBeVisible();
  await expect(page.getByText("choose at least one topic")).toBeVisible();

  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: topic }).check();
  await page.getByLabel("Batch interval (ms)").fill("300");
  await page.getByRole("button", { name: "Create job" }).click();

  await expect(page).toHaveURL(new RegExp(`/jobs/${name}$`));
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText("stopped").first()).toBeVisible();

  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(page.getByTestId("partition-row")).toHaveCount(3);

  // Records arriving while the job runs are picked up within a few batches.
  await produceWithKcat(brokers, topic, keyedLines(400, 12, 600));
  await expect(async () => {
    const lags = await page.getByTestId("partition-lag").allTextContents();
    expect(lags).toEqual(["0", "0", "0"]);
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText("1,000", { exact: true }).first()).toBeVisible();

  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Start" })).toBeVisible();
  await expect(page.locator("header").getByText("stopped").or(page.getByText("stopped").first())).toBeVisible();
  const batchRows = page.getByTestId("batch-row");
  expect(await batchRows.count()).toBeGreaterThanOrEqual(1);

  // The API agrees with the page: every record counted once.
  const results = (await (await request.get(`/api/jobs/${name}/results?limit=100`)).json()) as { items: { key: string; count: number }[] };
  expect(results.items.reduce((sum, r) => sum + r.count, 0)).toBe(1000);
  expect(results.items).toHaveLength(12);
});

test("the new-job form filters a crowded topic list by name and keeps chosen topics in it", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  // Ten topics of one prefix: the filter shows from nine topics on, whatever else the broker holds.
  const prefix = uniqueTopicName("e2e-filter");
  const names = Array.from({ length: 10 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
  for (const name of names) await createTopic(brokers, name, 1);

  await page.goto("/jobs/new");
  const filter = page.getByRole("searchbox", { name: "Filter topics" });
  const boxes = page.getByRole("group", { name: "Topics" }).getByRole("checkbox");
  await filter.fill(prefix.toUpperCase());
  await expect(boxes).toHaveCount(10);
  await filter.fill(`${prefix}-07`);
  await expect(boxes).toHaveCount(1);
  await boxes.first().check();
  await expect(page.getByText(/1 of [\d,]+, 1 chosen/)).toBeVisible();
  // A filter that matches nothing still lists the chosen topic, checked.
  await filter.fill("no-such-topic-name");
  await expect(boxes).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: `${prefix}-07` })).toBeChecked();
  // Unchecked, it stays listed until the filter changes: a slip is undone in place.
  await page.getByRole("checkbox", { name: `${prefix}-07` }).uncheck();
  await expect(boxes).toHaveCount(1);
  await filter.fill("no-such-topic-name ");
  await expect(boxes).toHaveCount(0);
  await expect(page.getByText("No topic name contains “no-such-topic-name”.")).toBeVisible();
  await filter.fill("");
  await expect(page.getByRole("checkbox", { name: `${prefix}-00` })).toBeVisible();
});
