import { expect, type APIRequestContext } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { keyedLines, serverBrokers } from "./support";

/** The jobs the accessibility specs look at, by name: fixed, so a restarted worker finds them again. */
export const A11Y = { running: "a11y-running", failed: "a11y-failed", hook: "a11y-hook", failedRule: "a11y-job-failed", lagRule: "a11y-lag" } as const;

const SILENCE_REASON = "accessibility check";
const json = async <T>(response: Promise<{ json(): Promise<unknown> }>) => (await (await response).json()) as T;
const jobOf = (request: APIRequestContext, name: string) => json<{ status: string; totalLag: number; deadLetters: number; recordsProcessed: number }>(request.get(`/api/jobs/${name}`));

async function stop(request: APIRequestContext, name: string) {
  expect((await request.post(`/api/jobs/${name}/stop`)).status()).toBe(200);
  await expect.poll(async () => (await jobOf(request, name)).status, { timeout: 30_000 }).toMatch(/stopped|failed/);
}

/**
 * Data on every page: a running job with batches, lag history and a reset in its history; a failed
 * job with dead letters; a channel, a rule that fires on the failed job, one that does not, a silence.
 */
export async function ensureA11yData(request: APIRequestContext): Promise<void> {
  // The silence is made last: with it, an earlier run in this server (a restarted worker) made everything.
  const silences = await json<{ items: { reason: string }[] }>(request.get("/api/alerts/silences"));
  if (silences.items.some((s) => s.reason === SILENCE_REASON)) return;
  const brokers = await serverBrokers(request);

  const topic = uniqueTopicName("e2e-a11y");
  await createTopic(brokers, topic, 2);
  await produceWithKcat(brokers, topic, keyedLines(400, 8));
  const running = { name: A11Y.running, topics: [topic], processor: "count-by-key", batchIntervalMs: 300, maxRecordsPerPartition: 40 };
  expect((await request.post("/api/jobs", { data: running })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${A11Y.running}/start`)).status()).toBe(200);
  await expect.poll(async () => (await jobOf(request, A11Y.running)).recordsProcessed, { timeout: 30_000 }).toBe(400);
  await stop(request, A11Y.running);
  const choice = { mode: "shift-by", value: -20, results: "keep", reason: "accessibility check" };
  const preview = await json<{ partitions: unknown[] }>(request.post(`/api/jobs/${A11Y.running}/offsets/reset`, { data: choice }));
  const apply = await request.post(`/api/jobs/${A11Y.running}/offsets/reset`, { data: { ...choice, dryRun: false, expect: preview.partitions } });
  expect(apply.status(), await apply.text()).toBe(200);
  expect((await request.post(`/api/jobs/${A11Y.running}/start`)).status()).toBe(200);

  // forward with keyField reads values as JSON: "not-json" is dead-lettered under skip and fails the job under fail.
  const source = uniqueTopicName("e2e-a11y-dl");
  const target = uniqueTopicName("e2e-a11y-out");
  await createTopic(brokers, source, 1);
  await createTopic(brokers, target, 1);
  await produceWithKcat(brokers, source, ['k1:{"id":"a"}', "k2:not-json", 'k3:{"id":"b"}']);
  const failing = { name: A11Y.failed, topics: [source], processor: "forward", processorConfig: { topic: target, keyField: "id" }, onError: "skip", batchIntervalMs: 300 };
  expect((await request.post("/api/jobs", { data: failing })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${A11Y.failed}/start`)).status()).toBe(200);
  await expect.poll(async () => (await jobOf(request, A11Y.failed)).deadLetters, { timeout: 30_000 }).toBe(1);
  await stop(request, A11Y.failed);
  expect((await request.patch(`/api/jobs/${A11Y.failed}`, { data: { onError: "fail", maxAttempts: 1 } })).status()).toBe(200);
  await produceWithKcat(brokers, source, ["k4:also-not-json"]);
  expect((await request.post(`/api/jobs/${A11Y.failed}/start`)).status()).toBe(200);
  await expect.poll(async () => (await jobOf(request, A11Y.failed)).status, { timeout: 30_000 }).toBe("failed");
  // Asked to stop, it stays failed, and its reset dialog opens at the preview step.
  await stop(request, A11Y.failed);

  // Nothing listens on port 9: deliveries fail, which the history shows too.
  expect((await request.post("/api/alerts/channels", { data: { name: A11Y.hook, type: "webhook", url: "http://127.0.0.1:9/hook" } })).status()).toBe(201);
  const failedRule = { name: A11Y.failedRule, target: { type: "job", job: A11Y.failed }, condition: { type: "job-failed" }, forSeconds: 0, severity: "critical", channels: [A11Y.hook] };
  expect((await request.post("/api/alerts/rules", { data: failedRule })).status()).toBe(201);
  const lagRule = { name: A11Y.lagRule, target: { type: "job", job: A11Y.running }, condition: { type: "lag", threshold: 1_000_000 }, channels: [A11Y.hook] };
  expect((await request.post("/api/alerts/rules", { data: lagRule })).status()).toBe(201);
  const silence = { target: { type: "job", job: A11Y.running }, durationSeconds: 3600, reason: SILENCE_REASON };
  expect((await request.post("/api/alerts/silences", { data: silence })).status()).toBe(201);
  await expect
    .poll(async () => (await json<{ items: { ruleName: string; state: string }[] }>(request.get("/api/alerts/active"))).items.map((a) => `${a.ruleName} ${a.state}`), { timeout: 30_000 })
    .toContain(`${A11Y.failedRule} firing`);
}
