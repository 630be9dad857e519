import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTopic, quietKafka, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { serverBrokers } from "./support";

const HOUR = 3_600_000;

async function totalCount(request: APIRequestContext, job: string): Promise<number> {
  const results = (await (await request.get(`/api/jobs/${job}/results?limit=1000`)).json()) as { items: { count: number }[] };
  return results.items.reduce((sum, r) => sum + r.count, 0);
}

async function lagOf(request: APIRequestContext, job: string): Promise<number> {
  const partitions = (await (await request.get(`/api/jobs/${job}/partitions`)).json()) as { items: { lag: number }[] };
  return partitions.items.reduce((sum, p) => sum + p.lag, 0);
}

test("stop, rewind to a date-time with a preview, confirm, restart, reprocess; then rewind to a record from the browser", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-replay");
  await createTopic(brokers, topic, 2);
  const now = Date.now();
  const producer = quietKafka(brokers).producer();
  await producer.connect();
  for (const partition of [0, 1]) {
    // 20 records two hours old, then 10 from ten minutes ago: a rewind to one hour ago re-reads 10 per partition.
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `k${i % 5}`,
      value: JSON.stringify({ i, partition }),
      partition,
      timestamp: String(i < 20 ? now - 2 * HOUR + i * 1000 : now - 10 * 60_000 + i * 1000),
    }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();

  const job = `replay-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name: job, topics: [topic], processor: "count-by-key", batchIntervalMs: 200 } })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${job}/start`)).status()).toBe(200);
  await expect.poll(() => lagOf(request, job), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => totalCount(request, job)).toBe(60);

  await page.goto(`/jobs/${job}`);
  await page.getByRole("tab", { name: "Replay" }).click();
  await expect(page.getByRole("button", { name: "Reset offsets…" })).toBeDisabled();
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByRole("button", { name: "Reset offsets…" })).toBeEnabled();

  await page.getByRole("button", { name: "Reset offsets…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Date and time").click();
  await dialog.getByLabel("ISO-8601 date-time").fill(new Date(now - HOUR).toISOString());
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByTestId("plan-row")).toHaveCount(2);
  await expect(dialog.getByTestId("plan-delta")).toHaveText(["10 again", "10 again"]);
  await expect(dialog.getByTestId("plan-summary")).toContainText("20 records will be processed again, and counted again");
  await dialog.getByLabel("Reason").fill("e2e replay of the last hour");
  await dialog.getByRole("button", { name: "Confirm reset" }).click();
  await expect(dialog.getByText(/Reset applied to 2 partitions/)).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();

  await expect.poll(() => totalCount(request, job), { timeout: 30_000 }).toBe(80);
  await expect.poll(() => lagOf(request, job)).toBe(0);
  await expect(page.getByTestId("reset-row").first()).toContainText("to-datetime");
  await page.getByRole("tab", { name: "Audit" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: "offsets.reset" }).first()).toBeVisible();
  await page.getByRole("tab", { name: "Replay" }).click();

  // Find a record in the browser and rewind that partition to it.
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByRole("button", { name: "Reset offsets…" })).toBeEnabled();
  await page.getByLabel("Partition", { exact: true }).selectOption("1");
  await page.getByLabel("From offset").fill("25");
  await page.getByRole("button", { name: "Go" }).click();
  const row = page.getByTestId("record-row").first();
  await expect(row).toContainText("25");
  await expect(row).toContainText('"partition":1');
  await row.getByRole("button", { name: "Rewind to here" }).click();
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByTestId("plan-row")).toHaveCount(1);
  await expect(dialog.getByTestId("plan-delta")).toHaveText(["5 again"]);
  await dialog.getByRole("button", { name: "Confirm reset" }).click();
  await expect(dialog.getByText(/Reset applied to 1 partition/)).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect.poll(() => totalCount(request, job), { timeout: 30_000 }).toBe(85);
});
