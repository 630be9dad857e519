import { expect, test, type Page } from "@playwright/test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { startTestReceivers, type TestReceivers } from "@/lib/server/alerts/test-receivers";
import { serverBrokers } from "./support";

let receivers: TestReceivers;

/** Full-page screenshots for a look by eye: set ALERTS_SCREENSHOT_DIR. */
async function shot(page: Page, name: string) {
  if (process.env.ALERTS_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.ALERTS_SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}
let jobName: string;
const suffix = Date.now().toString(36);

test.beforeAll(async ({ request }) => {
  receivers = await startTestReceivers();
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-alerts");
  await createTopic(brokers, topic, 1);
  await produceWithKcat(brokers, topic, Array.from({ length: 20 }, (_, i) => `k${i}:v`));
  jobName = `alerts-${suffix}`;
  // Stopped, with 20 records waiting: lag 20.
  expect((await request.post("/api/jobs", { data: { name: jobName, topics: [topic], processor: "count-by-key" } })).status()).toBe(201);
});

test.afterAll(async () => {
  await receivers?.close();
});

test("create a webhook channel and a rule in the UI, send a test, see the delivery in the history", async ({ page, request }) => {
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();

  // Channel: the URL is kept on the server and shown masked.
  const channelName = `hook-${suffix}`;
  await page.getByRole("button", { name: "Add channel" }).click();
  const channelForm = page.getByRole("form", { name: "New channel" });
  await channelForm.getByLabel("Name").fill(channelName);
  await channelForm.getByLabel("Type").selectOption("webhook");
  await channelForm.getByLabel("Webhook URL").fill("javascript:alert(1)");
  await channelForm.getByRole("button", { name: "Create channel" }).click();
  await expect(channelForm.getByText("url must be an http:// or https:// URL")).toBeVisible();
  await channelForm.getByLabel("Webhook URL").fill(receivers.url("/generic/secret-token-123"));
  await channelForm.getByRole("button", { name: "Create channel" }).click();
  const channelRow = page.getByRole("table", { name: "Alert channels" }).getByRole("row", { name: new RegExp(channelName) });
  await expect(channelRow).toBeVisible();
  await expect(channelRow).toContainText(`${new URL(receivers.url("/")).origin}/••••••`);
  await expect(page.locator("body")).not.toContainText("secret-token-123");

  // Send test: delivered, and recorded in the history with its attempt.
  await channelRow.getByRole("button", { name: `Send test to ${channelName}` }).click();
  await expect(channelRow.getByText(/Test delivered \(HTTP 200\)/)).toBeVisible();
  expect(receivers.received("/generic/secret-token-123")[0].body).toMatchObject({ kind: "test", rule: { name: `Test of channel ${channelName}` } });
  const history = page.getByRole("table", { name: "Alert history" });
  const testRow = history.getByRole("row", { name: new RegExp(`Test of channel ${channelName}`) });
  await expect(testRow).toContainText("1/1 delivered");
  await testRow.getByRole("button", { name: /1\/1 delivered/ }).click();
  const attempts = page.getByRole("table", { name: /Deliveries of event/ });
  await expect(attempts).toContainText(`${channelName} (webhook)`);
  await expect(attempts).toContainText("delivered");
  await expect(attempts).toContainText("200");

  // Rule: validated in the form before anything is sent, then created.
  const ruleName = `lag-${suffix}`;
  await page.getByRole("button", { name: "New rule" }).click();
  const ruleForm = page.getByRole("form", { name: "New rule" });
  await ruleForm.getByLabel("Name").fill(ruleName);
  await ruleForm.getByLabel("Job").selectOption(jobName);
  await ruleForm.getByLabel("Condition").selectOption("lag");
  await ruleForm.getByLabel("Threshold (records)").fill("-5");
  await ruleForm.getByLabel("For at least (seconds)").fill("0");
  await ruleForm.getByLabel("Repeat every (seconds)").fill("");
  await ruleForm.getByRole("checkbox", { name: new RegExp(channelName) }).check();
  await ruleForm.getByRole("button", { name: "Create rule" }).click();
  await expect(ruleForm.getByText("condition.threshold must be at least 0")).toBeVisible();
  // The refused rule was not created (other specs' rules may exist on this shared server).
  const rules = (await (await request.get("/api/alerts/rules")).json()).items as { name: string }[];
  expect(rules.filter((r) => r.name === ruleName)).toEqual([]);
  await ruleForm.getByLabel("Threshold (records)").fill("5");
  await ruleForm.getByRole("button", { name: "Create rule" }).click();
  const ruleRow = page.getByRole("table", { name: "Alert rules" }).getByRole("row", { name: new RegExp(ruleName) });
  await expect(ruleRow).toContainText("lag > 5 records");
  await expect(ruleRow).toContainText("once");

  // The stopped job has lag 20: the rule fires at the next samples, shows on top and on the overview, and is delivered.
  await expect(page.getByRole("table", { name: "Open alerts" }).getByRole("row", { name: new RegExp(ruleName) })).toContainText("firing", { timeout: 20_000 });
  await expect.poll(() => receivers.received("/generic/secret-token-123").map((r) => (r.body as { kind: string }).kind)).toContain("firing");
  const firing = receivers.received("/generic/secret-token-123").find((r) => (r.body as { kind: string }).kind === "firing")!.body;
  expect(firing).toMatchObject({ state: "firing", rule: { name: ruleName }, target: { kind: "job", name: jobName }, value: 20, threshold: 5, unit: "records" });
  await expect(history.getByRole("row", { name: new RegExp(`firing.*${ruleName}`) })).toContainText("1/1 delivered");
  await shot(page, "alerts-firing");

  await page.goto("/");
  const banner = page.getByRole("list", { name: "Firing alerts" });
  await expect(banner).toContainText(ruleName);
  await expect(banner).toContainText(jobName);
  await shot(page, "overview-firing");

  // Disabling the rule closes its alert, and the channel is told it ended, and why.
  await page.goto("/alerts");
  await page.getByRole("button", { name: `Disable rule ${ruleName}` }).click();
  await expect(page.getByRole("table", { name: "Alert rules" }).getByRole("row", { name: new RegExp(ruleName) })).toContainText("disabled");
  // Its alert is no longer open (other specs' alerts may be, on this shared server).
  await expect(page.getByRole("table", { name: "Open alerts" }).getByRole("row", { name: new RegExp(ruleName) })).toHaveCount(0);
  await expect.poll(() => receivers.received("/generic/secret-token-123").map((r) => (r.body as { kind: string }).kind)).toContain("resolved");
  const resolved = receivers.received("/generic/secret-token-123").find((r) => (r.body as { kind: string }).kind === "resolved")!.body;
  expect(resolved).toMatchObject({ state: "resolved", reason: "rule disabled", rule: { name: ruleName }, target: { name: jobName } });
  await expect(history.getByRole("row", { name: new RegExp(`resolved.*${ruleName}`) })).toContainText("rule disabled");
  await expect(history.getByRole("row", { name: new RegExp(`resolved.*${ruleName}`) })).toContainText("1/1 delivered");
  await shot(page, "alerts-resolved-by-disable");
});

test("a silence is created and ended in the UI", async ({ page }) => {
  await page.goto("/alerts");
  const form = page.getByRole("form", { name: "New silence" });
  await form.getByLabel("Job").selectOption(jobName);
  await form.getByRole("button", { name: "Create silence" }).click();
  await expect(form.getByText("Give a reason.")).toBeVisible();
  await form.getByLabel("Reason").fill("upgrading the broker");
  await form.getByRole("button", { name: "Create silence" }).click();
  const row = page.getByRole("table", { name: "Silences" }).getByRole("row", { name: /upgrading the broker/ });
  await expect(row).toContainText(jobName);
  await row.getByRole("button", { name: /End silence/ }).click();
  await expect(row).toContainText("ended");
});

test("GET /api/metrics is Prometheus text a real parser reads", async ({ request }) => {
  const response = await request.get("/api/metrics");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/plain/);
  const families = new Map(parsePrometheusTextFormat(await response.text()).map((f) => [f.name, f]));
  expect(families.get("tidemark_job_status")!.metrics).toContainEqual({ labels: { job_name: jobName, status: "stopped" }, value: "1" });
  await expect
    .poll(async () => {
      const f = parsePrometheusTextFormat(await (await request.get("/api/metrics")).text()).find((x) => x.name === "tidemark_job_lag_records");
      return f?.metrics.find((m) => m.labels?.job_name === jobName)?.value;
    })
    .toBe("20");
  const after = new Map(parsePrometheusTextFormat(await (await request.get("/api/metrics")).text()).map((f) => [f.name, f]));
  expect(after.get("tidemark_job_partition_lag_records")!.metrics).toContainEqual({ labels: { job_name: jobName, topic: expect.any(String), partition: "0" }, value: "20" });
  for (const name of ["tidemark_job_records_processed_total", "tidemark_job_batch_processing_seconds", "tidemark_job_time_lag_seconds", "tidemark_alerts"]) {
    expect(after.has(name), name).toBe(true);
  }
});

test("an HTTP template channel from the keyboard: an unknown placeholder is refused, the secret header masked, a test delivered", async ({ page }) => {
  await page.goto("/alerts");
  await page.getByRole("button", { name: "Add channel" }).click();
  const form = page.getByRole("form", { name: "New channel" });
  const name = `template-${suffix}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Type").selectOption("http-template");
  await form.getByLabel("URL", { exact: true }).fill(receivers.url("/template/{{target.name}}"));
  await form.getByRole("button", { name: "Add header" }).focus();
  await page.keyboard.press("Enter");
  await form.getByLabel("header 1 name").fill("X-Api-Key");
  await form.getByLabel("header 1 value").fill("e2e-secret-key-123");
  await form.getByRole("checkbox", { name: "header 1 secret" }).focus();
  await page.keyboard.press("Space");
  await expect(form.getByRole("checkbox", { name: "header 1 secret" })).toBeChecked();
  await form.getByLabel("Body template").fill('{"who":"{{rule.nmae}}"}');
  await form.getByRole("button", { name: "Create channel" }).focus();
  await page.keyboard.press("Enter");
  await expect(form.getByText("{{rule.nmae}} is not a field")).toBeVisible();
  await form.getByLabel("Body template").fill('{"who":"{{rule.name}}","text":"{{summary}}"}');
  await form.getByRole("button", { name: "Create channel" }).focus();
  await page.keyboard.press("Enter");

  const row = page.getByRole("table", { name: "Alert channels" }).getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(`POST ${new URL(receivers.url("/")).origin}/••••••`);
  await expect(page.locator("body")).not.toContainText("e2e-secret-key-123");
  await row.getByRole("button", { name: `Send test to ${name}` }).click();
  await expect(row.getByText(/Test delivered \(HTTP 200\)/)).toBeVisible();
  expect(receivers.received("/template/Tidemark")[0].body).toMatchObject({ who: `Test of channel ${name}` });
});
