import { expect, test } from "@playwright/test";
import { createTopic, produceWithKcat, quietKafka, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { keyedLines, serverBrokers } from "./support";

test("job page: the lag chart has points and the range picker changes the query", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-lag");
  await createTopic(brokers, topic, 3);
  await produceWithKcat(brokers, topic, keyedLines(300, 10));
  const name = `e2e-lag-${Date.now().toString(36)}`;
  const created = await request.post("/api/jobs", { data: { name, topics: [topic], processor: "count-by-key", batchIntervalMs: 300 } });
  expect(created.status()).toBe(201);
  // The page is addressed by name; it fetches everything of the job by its id.
  const { id } = (await created.json()) as { id: string };
  expect((await request.post(`/api/jobs/${name}/start`)).status()).toBe(200);

  await page.goto(`/jobs/${name}`);
  const chart = page.getByTestId("lag-chart");
  await expect(async () => {
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(0);
  }).toPass({ timeout: 20_000 });
  // The average line is drawn from those points (a flat line at lag 0 has no height, so check its path, not
  // visibility). Recharts draws it once there are two points; the chart applies new data in its own task.
  await expect(chart.locator("path.recharts-line-curve").first()).toHaveAttribute("d", /^M[\d.]+,[\d.]+/);
  await expect(page.getByTestId("lag-status").first()).toBeVisible();

  // The picker asks the server for the chosen window, and the chart then shows that window's data. The shown
  // range's query refetches every few seconds, so a request is told apart by its window, not taken as the
  // first one after the click: a refetch of the previous range can go out between the waiter and the click.
  const HOUR = 3_600_000;
  const lagTotalRequest = (rangeMs: number) =>
    page.waitForRequest(
      (r) => {
        if (!r.url().includes(`/api/jobs/${id}/lag?`) || r.url().includes("partition=")) return false;
        const from = Number(new URL(r.url()).searchParams.get("from"));
        return Math.abs(Date.now() - rangeMs - from) < 60_000;
      },
      { timeout: 30_000 },
    );
  // While the new range loads, the chart keeps the previous range's points (placeholder data): wait for the
  // chart's own window (the answer's from and to) to be the chosen one before counting its points.
  const chartShows = (rangeMs: number) =>
    expect(async () => {
      const span = Number(await chart.getAttribute("data-to")) - Number(await chart.getAttribute("data-from"));
      expect(Math.abs(span - rangeMs)).toBeLessThan(60_000);
      expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(0);
    }).toPass({ timeout: 30_000 });
  for (const [label, rangeMs] of [
    ["Last 6h", 6 * HOUR],
    ["Last 7d", 7 * 24 * HOUR],
  ] as const) {
    const asked = lagTotalRequest(rangeMs);
    await page.getByRole("radio", { name: label }).click();
    await asked;
    await expect(page.getByRole("radio", { name: label })).toHaveAttribute("data-state", "on");
    await chartShows(rangeMs);
  }

  // The overview lists the job with its lag status.
  await page.goto("/");
  await expect(page.getByTestId("overview-job-row").filter({ hasText: name })).toBeVisible();
  await request.post(`/api/jobs/${name}/stop`);
});

test("consumer groups page lists the test group, and its page shows lag per partition and owners", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-group");
  const groupId = uniqueTopicName("e2e-group");
  await createTopic(brokers, topic, 2);
  await produceWithKcat(brokers, topic, keyedLines(50, 5));
  const consumer = quietKafka(brokers, "e2e-lag-consumer").consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => void (joined = true));
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await expect.poll(() => joined, { timeout: 20_000 }).toBe(true);
    await consumer.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: "0" })));

    await page.goto("/groups");
    const row = page.getByTestId("group-row").filter({ hasText: groupId });
    await expect(row).toBeVisible();
    await expect(row).toContainText("Stable");
    await row.getByRole("link", { name: groupId }).click();
    await expect(page.getByRole("heading", { name: groupId })).toBeVisible();
    await expect(page.getByTestId("group-partition-row")).toHaveCount(2);
    await expect(page.getByTestId("group-partition-row").first()).toContainText("e2e-lag-consumer");
    await expect(page.getByText("50", { exact: true }).first()).toBeVisible();
  } finally {
    await consumer.disconnect();
  }
});
