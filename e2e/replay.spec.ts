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

// The record browser's "from time" field is local time: make that UTC. Tall enough to see the whole dialog.
test.use({ timezoneId: "UTC", viewport: { width: 1280, height: 1100 } });

test("stop, rewind to a date-time with a preview, confirm, restart, reprocess; then rewind to a record from the browser", async ({ page, request }, testInfo) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-replay");
  await createTopic(brokers, topic, 2);
  const now = Date.now();
  const recordTime = (i: number) => (i < 20 ? now - 2 * HOUR + i * 1000 : now - 10 * 60_000 + i * 1000);
  const producer = quietKafka(brokers).producer();
  await producer.connect();
  for (const partition of [0, 1]) {
    // 20 records two hours old, then 10 from ten minutes ago: a rewind to one hour ago re-reads 10 per partition.
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `k${i % 5}`,
      value: JSON.stringify({ i, partition }),
      partition,
      timestamp: String(recordTime(i)),
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
  // One flow: the dialog stops the running job, previews, confirms and starts it again.
  await page.getByRole("button", { name: "Reset offsets…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("stop-step")).toContainText("The job is running");
  await expect(dialog.getByRole("button", { name: "Preview" })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("reset-dialog-stop.png") });
  await dialog.getByRole("button", { name: "Stop job" }).click();
  await expect(dialog.getByTestId("stop-step")).toBeHidden();
  await expect(dialog.getByRole("button", { name: "Preview" })).toBeEnabled();

  // Rollback goes with "Start of a batch" only: switching away puts the choice back to keep.
  await dialog.getByText("Start of a batch", { exact: true }).click();
  await dialog.getByLabel(/Roll back the results/).check();
  await expect(dialog.getByTestId("rollback-retention")).toContainText("kept 7 days");
  await expect(dialog.getByTestId("whole-job-scope")).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: `${topic}/0` })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("reset-dialog-rollback.png") });
  await dialog.getByText("Date and time", { exact: true }).click();
  await expect(dialog.getByLabel(/Keep results/)).toBeChecked();
  await expect(dialog.getByLabel(/Roll back the results/)).toBeDisabled();
  await expect(dialog.getByLabel(/Keep results/)).toHaveAccessibleName(/counted again/);

  await dialog.getByLabel("ISO-8601 date-time").fill(new Date(now - HOUR).toISOString());
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByTestId("plan-row")).toHaveCount(2);
  await expect(dialog.getByTestId("plan-delta")).toHaveText(["10 again", "10 again"]);
  await expect(dialog.getByTestId("plan-summary")).toContainText("20 records will be processed again, and counted again");
  await dialog.getByLabel("Reason").fill("e2e replay of the last hour");
  await page.screenshot({ path: testInfo.outputPath("reset-dialog.png") });
  await dialog.getByRole("button", { name: "Confirm reset" }).click();
  await expect(dialog.getByText(/Reset applied to 2 partitions; the job is starting/)).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();

  await expect.poll(() => totalCount(request, job), { timeout: 30_000 }).toBe(80);
  await expect.poll(() => lagOf(request, job)).toBe(0);

  // GET /api/jobs/:id/resets: the applied reset with its per-partition before and after.
  const resets = (await (await request.get(`/api/jobs/${job}/resets`)).json()) as { items: Record<string, unknown>[]; next: string | null };
  expect(resets.next).toBeNull();
  expect(resets.items).toHaveLength(1);
  expect(resets.items[0]).toMatchObject({
    actor: "local",
    dryRun: false,
    mode: "to-datetime",
    value: new Date(now - HOUR).toISOString(),
    results: "keep",
    reason: "e2e replay of the last hour",
    partitions: [0, 1].map((partition) => ({ topic, partition, currentOffset: 30, targetOffset: 20, delta: -10, clamped: false, note: null })),
    summary: { reprocessed: 20, skipped: 0, rolledBackBatches: 0, rolledBackRecords: 0 },
  });
  expect(Object.keys(resets.items[0]).sort()).toEqual(["actor", "at", "dryRun", "id", "mode", "partitions", "reason", "results", "summary", "value"]);

  // The history shows each reset's before and after per partition.
  const resetRow = page.getByTestId("reset-row").first();
  await expect(resetRow).toContainText("to-datetime");
  await resetRow.getByRole("button", { name: /Show partitions/ }).click();
  await expect(page.getByTestId("reset-partition")).toHaveText([/\/0\s*30\s*20\s*10 again/, /\/1\s*30\s*20\s*10 again/]);
  await page.screenshot({ path: testInfo.outputPath("reset-history.png"), fullPage: true });

  // So does the audit entry, with its reason.
  await page.getByRole("tab", { name: "Audit" }).click();
  const auditRow = page.getByTestId("audit-row").filter({ hasText: "offsets.reset" }).first();
  await expect(auditRow).toContainText("to-datetime");
  await expect(auditRow).toContainText("e2e replay of the last hour");
  await auditRow.getByRole("button", { expanded: false }).click();
  await expect(auditRow.getByTestId("audit-partition")).toHaveText([/\/0\s*30\s*20/, /\/1\s*30\s*20/]);
  await page.screenshot({ path: testInfo.outputPath("audit.png"), fullPage: true });
  await page.getByRole("tab", { name: "Replay" }).click();

  // Find a record by time in the browser (partition 1, record 25) and rewind that partition to it.
  await page.getByLabel("Partition", { exact: true }).selectOption("1");
  await page.getByLabel("From time").fill(new Date(recordTime(25)).toISOString().slice(0, 19));
  await page.getByRole("button", { name: "Go" }).click();
  const row = page.getByTestId("record-row").first();
  await expect(row).toContainText("25");
  await expect(row).toContainText('"partition":1');
  await expect(row).toContainText('"i":25');
  await row.getByRole("button", { name: "Rewind to here" }).click();
  // The job runs again: the dialog's first step stops it.
  await dialog.getByRole("button", { name: "Stop job" }).click();
  await expect(dialog.getByRole("button", { name: "Preview" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Preview" }).click();
  await expect(dialog.getByTestId("plan-row")).toHaveCount(1);
  await expect(dialog.getByTestId("plan-delta")).toHaveText(["5 again"]);
  await dialog.getByRole("button", { name: "Confirm reset" }).click();
  await expect(dialog.getByText(/Reset applied to 1 partition/)).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect.poll(() => totalCount(request, job), { timeout: 30_000 }).toBe(85);
});

test("a forward job's reset dialog offers no clear or rollback, and says what re-reading does", async ({ page, request }, testInfo) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-replay-fwd");
  const target = uniqueTopicName("e2e-replay-fwd-out");
  await createTopic(brokers, topic, 1);
  await createTopic(brokers, target, 1);
  const job = `fwd-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name: job, topics: [topic], processor: "forward", processorConfig: { topic: target } } })).status()).toBe(201);
  const clear = await request.post(`/api/jobs/${job}/offsets/reset`, { data: { mode: "to-earliest", results: "clear" } });
  expect(clear.status()).toBe(422);
  expect(((await clear.json()) as { error: { code: string } }).error.code).toBe("CLEAR_UNSUPPORTED");

  await page.goto(`/jobs/${job}`);
  await page.getByRole("tab", { name: "Replay" }).click();
  await page.getByRole("button", { name: "Reset offsets…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel(/Clear all results/)).toBeDisabled();
  await expect(dialog.getByText("records sent to Kafka, which Tidemark cannot delete")).toBeVisible();
  await dialog.getByText("Start of a batch", { exact: true }).click();
  await expect(dialog.getByLabel(/Roll back the results/)).toBeDisabled();
  await expect(dialog.getByText("the forward processor cannot roll back its results")).toBeVisible();
  await dialog.getByText("Earliest", { exact: true }).click();
  await expect(dialog.getByLabel(/Keep results/)).toHaveAccessibleName(/sent to the target topic again/);
  await page.screenshot({ path: testInfo.outputPath("reset-dialog-forward.png") });
});
