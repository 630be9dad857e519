import { expect, test } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { keyedLines, serverBrokers } from "./support";

/** The e2e server is one instance on SQLite: its runtime takes every job it is asked to run. */
test("the Instances page lists the server's one live instance owning a running job, and the job page names that owner", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-instances");
  await createTopic(brokers, topic, 2);
  await produceWithKcat(brokers, topic, keyedLines(50, 5));
  const name = `e2e-owned-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name, topics: [topic], processor: "count-by-key", batchIntervalMs: 300 } })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${name}/start`)).status()).toBe(200);

  // The API: one instance, live, owning the job under a live lease.
  let instanceId = "";
  await expect(async () => {
    const answer = (await (await request.get("/api/instances")).json()) as { leaseTtlMs: number; instances: { id: string; host: string; live: boolean; jobs: { name: string }[] }[] };
    expect(answer.leaseTtlMs).toBe(15_000);
    expect(answer.instances).toHaveLength(1);
    expect(answer.instances[0].live).toBe(true);
    expect(answer.instances[0].jobs.map((j) => j.name)).toContain(name);
    instanceId = answer.instances[0].id;
  }).toPass({ timeout: 30_000 });
  const job = (await (await request.get(`/api/jobs/${name}`)).json()) as { owner: { instanceId: string; host: string; live: boolean; epoch: number } | null };
  expect(job.owner).toMatchObject({ instanceId, live: true });
  expect(job.owner!.epoch).toBeGreaterThanOrEqual(1);

  // The page, reached through the navigation.
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Instances" }).click();
  await expect(page).toHaveURL(/\/instances$/);
  await expect(page.getByRole("heading", { name: "Instances" })).toBeVisible();
  const rows = page.getByTestId("instance-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(instanceId);
  await expect(rows.first()).toContainText("live");
  await expect(rows.first()).toContainText(/now|\d+ s ago/);
  await expect(page.getByTestId("instances-summary")).toHaveText("1 live of 1 · lease TTL 15 s");
  await rows.first().getByRole("link", { name }).click();

  // The job page names its owner.
  await expect(page).toHaveURL(new RegExp(`/jobs/${name}$`));
  await expect(page.getByTestId("job-owner")).toContainText(`runs on ${job.owner!.host}`);
  await expect(page.getByTestId("job-owner")).toHaveAttribute("title", new RegExp(`instance ${instanceId}, lease epoch \\d+`));

  // Stopped: the lease is given back and the job has no owner.
  expect((await request.post(`/api/jobs/${name}/stop`)).status()).toBe(200);
  await expect.poll(async () => ((await (await request.get(`/api/jobs/${name}`)).json()) as { owner: unknown }).owner, { timeout: 30_000 }).toBeNull();
  await expect(page.getByTestId("job-owner")).toHaveCount(0);
});
