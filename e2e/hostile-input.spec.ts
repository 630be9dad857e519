import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { serverBrokers } from "./support";

/** Every row of every table, in a stable order: the server's database as data. */
function dumpDatabase(): string {
  const file = path.join(process.env.E2E_RUN_DIR!, "local.db");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name)
      // Lag samples, evaluations and alert state are written by background loops on their own clock, not by requests.
      // (Alert rules, channels and silences are written only by requests, so they stay in.)
      .filter((name) => !/sample|^Lag|^Alert(State|Event|Delivery)/i.test(name));
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

let topic: string;
let jobName: string;
let runningJob: string;

test.beforeAll(async ({ request }) => {
  topic = uniqueTopicName("e2e-hostile");
  await createTopic(await serverBrokers(request), topic, 1);
  jobName = `hostile-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name: jobName, topics: [topic], processor: "count-by-key" } })).status()).toBe(201);
  // A running job on an empty topic: once it has stored its starting offsets it writes nothing more.
  runningJob = `${jobName}-running`;
  expect((await request.post("/api/jobs", { data: { name: runningJob, topics: [topic], processor: "count-by-key", batchIntervalMs: 100 } })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${runningJob}/start`)).status()).toBe(200);
  await expect
    .poll(async () => ((await (await request.get(`/api/jobs/${runningJob}/partitions`)).json()) as { items: { committedOffset: number | null }[] }).items[0]?.committedOffset)
    .toBe(0);
  await expect.poll(async () => (await (await request.get(`/api/jobs/${runningJob}`)).json()).status).toBe("running");
});

const raw = (text: string) => ({ raw: Buffer.from(text) });
const injection = "'; DROP TABLE \"Job\"; --";
const huge = "x".repeat(70 * 1024);

/** For every mutating endpoint: bad input → the expected status and code, and no change at all. */
const cases: { endpoint: string; method: string; path: () => string; body: unknown; status: number; code: string }[] = [
  // POST /api/jobs
  ...[
    [{ name: 7, topics: ["t"], processor: "count-by-key" }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: ["t"], processor: "count-by-key", batchIntervalMs: -5 }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: ["t"], processor: "count-by-key", batchIntervalMs: 1e12 }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: Array.from({ length: 21 }, (_, i) => `t${i}`), processor: "count-by-key" }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: ["t"], processor: "count-by-key", isAdmin: true }, 400, "VALIDATION_FAILED"],
    [{ name: injection, topics: ["t"], processor: "count-by-key" }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: ["<script>alert(1)</script>"], processor: "count-by-key" }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: [injection], processor: "count-by-key" }, 400, "VALIDATION_FAILED"],
    [{ name: "ok", topics: ["t"], processor: "count-by-key", __proto__: { polluted: 1 }, constructor: {} }, 400, "VALIDATION_FAILED"],
    [null, 400, "VALIDATION_FAILED"],
    [raw("{ not json"), 400, "INVALID_JSON"],
    [raw(""), 400, "INVALID_JSON"],
    [raw(JSON.stringify({ name: "big", topics: ["t"], processor: "count-by-key", pad: huge })), 413, "PAYLOAD_TOO_LARGE"],
  ].map(([body, status, code]) => ({ endpoint: "POST /api/jobs", method: "POST", path: () => "/api/jobs", body, status: status as number, code: code as string })),
  // Job actions on a job that does not exist
  { endpoint: "POST start", method: "POST", path: () => `/api/jobs/${encodeURIComponent(injection)}/start`, body: undefined, status: 404, code: "JOB_NOT_FOUND" },
  { endpoint: "POST stop", method: "POST", path: () => "/api/jobs/no-such-job/stop", body: undefined, status: 404, code: "JOB_NOT_FOUND" },
  { endpoint: "DELETE job", method: "DELETE", path: () => "/api/jobs/..%2F..%2Fetc", body: undefined, status: 404, code: "JOB_NOT_FOUND" },
  // Users and tokens (local mode acts as admin)
  ...[
    [{ name: "Robert'); DROP TABLE User;--", password: "password-123", role: "admin" }],
    [{ name: "ann", password: "short", role: "admin" }],
    [{ name: "ann", password: "password-123", role: "root" }],
    [{ name: "ann", password: "password-123", role: "admin", extra: 1 }],
    [{ name: "ann", password: 12345678, role: "admin" }],
  ].map(([body]) => ({ endpoint: "POST /api/users", method: "POST", path: () => "/api/users", body, status: 400, code: "VALIDATION_FAILED" })),
  { endpoint: "PATCH /api/users/:id", method: "PATCH", path: () => "/api/users/nobody", body: { role: "admin" }, status: 404, code: "USER_NOT_FOUND" },
  { endpoint: "PATCH /api/users/:id", method: "PATCH", path: () => "/api/users/nobody", body: {}, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "POST /api/tokens", method: "POST", path: () => "/api/tokens", body: { name: "", role: "viewer" }, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "POST /api/tokens", method: "POST", path: () => "/api/tokens", body: { name: "x".repeat(101), role: "viewer" }, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "DELETE /api/tokens/:id", method: "DELETE", path: () => "/api/tokens/nope", body: undefined, status: 404, code: "TOKEN_NOT_FOUND" },
  // Offset resets (issue: replay)
  ...[
    [{ mode: "to-offset", value: -5, dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-offset", value: 1.5, dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-offset", value: "12", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-datetime", value: "yesterday", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-datetime", value: "2026-13-45T99:00:00Z", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "by-duration", value: "15 minutes", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "teleport", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-offset", value: 0, results: "rollback", dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-earliest", dryRun: false, extra: 1 }, 400, "VALIDATION_FAILED"],
    [{ mode: "per-partition", targets: [{ topic: "t", partition: 0, offset: -1 }], dryRun: false }, 400, "VALIDATION_FAILED"],
    [{ mode: "to-earliest", partitions: [{ topic: "no-such-topic", partition: 0 }], dryRun: false }, 404, "UNKNOWN_PARTITION"],
    [{ mode: "to-batch", value: 999_999, results: "rollback", dryRun: false }, 404, "BATCH_NOT_FOUND"],
  ].map(([body, status, code]) => ({
    endpoint: "POST /api/jobs/:id/offsets/reset",
    method: "POST",
    path: () => `/api/jobs/${jobName}/offsets/reset`,
    body,
    status: status as number,
    code: code as string,
  })),
  { endpoint: "POST reset on a running job", method: "POST", path: () => `/api/jobs/${runningJob}/offsets/reset`, body: { mode: "to-earliest", dryRun: false }, status: 409, code: "JOB_RUNNING" },
  { endpoint: "POST reset on an unknown job", method: "POST", path: () => "/api/jobs/nope/offsets/reset", body: { mode: "to-earliest", dryRun: false }, status: 404, code: "JOB_NOT_FOUND" },
  { endpoint: "DELETE a running job", method: "DELETE", path: () => `/api/jobs/${runningJob}`, body: undefined, status: 409, code: "JOB_RUNNING" },
  { endpoint: "GET records with a negative offset", method: "GET", path: () => `/api/topics/${topic}/partitions/0/records?offset=-1`, body: undefined, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "GET records of an unknown partition", method: "GET", path: () => `/api/topics/${topic}/partitions/9/records`, body: undefined, status: 404, code: "UNKNOWN_PARTITION" },
  { endpoint: "POST /api/auth/login", method: "POST", path: () => "/api/auth/login", body: { name: ["admin"], password: "x" }, status: 400, code: "VALIDATION_FAILED" },
  // Alerts: rules, channels, silences
  ...(
    [
      [{ name: "r", target: { type: "job", job: "no-such-job" }, condition: { type: "lag", threshold: 1 } }, 422, "UNKNOWN_TARGET"],
      [{ name: "r", target: { type: "job", job: "JOB" }, condition: { type: "lag", threshold: 1 }, channels: ["no-such-channel"] }, 422, "UNKNOWN_CHANNEL"],
      [{ name: "r", target: { type: "job", job: "JOB" }, condition: { type: "lag", threshold: -1 } }, 400, "VALIDATION_FAILED"],
      [{ name: "r", target: { type: "job", job: "JOB" }, condition: { type: "time-lag", thresholdSeconds: -3 } }, 400, "VALIDATION_FAILED"],
      [{ name: "r", target: { type: "job", job: "JOB" }, condition: { type: "lag", threshold: 1 }, forSeconds: -1 }, 400, "VALIDATION_FAILED"],
      [{ name: "r", target: { type: "groups", pattern: "*" }, condition: { type: "job-failed" } }, 400, "VALIDATION_FAILED"],
      [{ name: "r", target: { type: "job", job: "JOB" }, condition: { type: "lag", threshold: 1 }, isAdmin: true }, 400, "VALIDATION_FAILED"],
      [{ name: injection, target: { type: "cluster" }, condition: { type: "lag", threshold: 1 } }, 400, "VALIDATION_FAILED"],
      [raw("{ not json"), 400, "INVALID_JSON"],
      [raw(JSON.stringify({ name: "big", pad: huge })), 413, "PAYLOAD_TOO_LARGE"],
    ] as const
  ).map(([body, status, code]) => ({
    endpoint: "POST /api/alerts/rules",
    method: "POST",
    path: () => "/api/alerts/rules",
    get body() {
      // "JOB" stands for the job made in beforeAll (its name is known only then)
      return "raw" in body ? body : (JSON.parse(JSON.stringify(body).replaceAll('"JOB"', JSON.stringify(jobName))) as unknown);
    },
    status: status as number,
    code: code as string,
  })),
  { endpoint: "PATCH /api/alerts/rules/:id", method: "PATCH", path: () => "/api/alerts/rules/nope", body: { enabled: false }, status: 404, code: "ALERT_RULE_NOT_FOUND" },
  { endpoint: "PATCH /api/alerts/rules/:id", method: "PATCH", path: () => "/api/alerts/rules/nope", body: {}, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "DELETE /api/alerts/rules/:id", method: "DELETE", path: () => `/api/alerts/rules/${encodeURIComponent(injection)}`, body: undefined, status: 404, code: "ALERT_RULE_NOT_FOUND" },
  ...[
    { name: "c", type: "webhook", url: "javascript:alert(1)" },
    { name: "c", type: "slack", url: "ftp://hooks.example.com/x" },
    { name: "c", type: "teams", url: "https://user:pw@example.com/x" },
    { name: "c", type: "pager", url: "https://example.com/x" },
    { name: "c", type: "wecom" },
    { name: "c", type: "email", host: "smtp.example.com", port: 587, from: "a@example.com", to: [] },
    { name: "c", type: "email", host: "smtp.example.com; rm -rf /", port: 587, from: "a@example.com", to: ["b@example.com"] },
  ].map((body) => ({ endpoint: "POST /api/alerts/channels", method: "POST", path: () => "/api/alerts/channels", body, status: 400, code: "VALIDATION_FAILED" })),
  { endpoint: "PATCH /api/alerts/channels/:id", method: "PATCH", path: () => "/api/alerts/channels/nope", body: { enabled: false }, status: 404, code: "ALERT_CHANNEL_NOT_FOUND" },
  { endpoint: "DELETE /api/alerts/channels/:id", method: "DELETE", path: () => "/api/alerts/channels/nope", body: undefined, status: 404, code: "ALERT_CHANNEL_NOT_FOUND" },
  { endpoint: "POST /api/alerts/channels/:id/test", method: "POST", path: () => "/api/alerts/channels/nope/test", body: undefined, status: 404, code: "ALERT_CHANNEL_NOT_FOUND" },
  { endpoint: "POST /api/alerts/silences", method: "POST", path: () => "/api/alerts/silences", body: { reason: "x", durationSeconds: 600 }, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "POST /api/alerts/silences", method: "POST", path: () => "/api/alerts/silences", body: { rule: "nope", reason: "x", durationSeconds: 600 }, status: 404, code: "ALERT_RULE_NOT_FOUND" },
  { endpoint: "POST /api/alerts/silences", method: "POST", path: () => "/api/alerts/silences", body: { target: { type: "job", job: "nope" }, reason: "x", durationSeconds: 600 }, status: 422, code: "UNKNOWN_TARGET" },
  { endpoint: "POST /api/alerts/silences", method: "POST", path: () => "/api/alerts/silences", body: { target: { type: "group", group: "g" }, reason: "x", endsAt: "2000-01-01T00:00:00Z" }, status: 400, code: "VALIDATION_FAILED" },
  { endpoint: "DELETE /api/alerts/silences/:id", method: "DELETE", path: () => "/api/alerts/silences/nope", body: undefined, status: 404, code: "ALERT_SILENCE_NOT_FOUND" },
];

test("every mutating endpoint answers bad input with a 4xx code and leaves the database byte-for-byte unchanged", async ({ request }) => {
  const before = dumpDatabase();
  for (const c of cases) {
    const body = c.body as { raw?: Buffer } | undefined;
    const response = await request.fetch(c.path(), {
      method: c.method,
      ...(body && "raw" in body && body.raw ? { data: body.raw, headers: { "content-type": "application/json" } } : c.body !== undefined ? { data: c.body } : {}),
    });
    const label = `${c.endpoint} ${JSON.stringify(c.body)?.slice(0, 80)}`;
    expect(response.status(), label).toBe(c.status);
    const json = await response.json();
    expect(json.error.code, label).toBe(c.code);
    expect(typeof json.error.message, label).toBe("string");
    expect(JSON.stringify(json), label).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack traces
  }
  expect(dumpDatabase()).toBe(before);
});

test("record keys with HTML are shown as text, never as markup", async ({ page, request }) => {
  const brokers = await serverBrokers(request);
  const xssTopic = uniqueTopicName("e2e-xss");
  await createTopic(brokers, xssTopic, 1);
  const payload = "<img src=x onerror=window.__xss=1>";
  await produceWithKcat(brokers, xssTopic, [`${payload}|v1`, `<script>window.__xss=2</script>|v2`], { keyDelimiter: "|" });
  const name = `xss-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name, topics: [xssTopic], processor: "count-by-key", batchIntervalMs: 200 } })).status()).toBe(201);
  expect((await request.post(`/api/jobs/${name}/start`)).status()).toBe(200);
  await page.goto(`/jobs/${name}`);
  // Shown in the results and in the record browser, each time as text.
  await expect(page.getByText(payload, { exact: true }).first()).toBeVisible();
  await expect(page.getByText("<script>window.__xss=2</script>", { exact: true }).first()).toBeVisible();
  await page.getByRole("tab", { name: "Replay" }).click();
  await expect(page.getByTestId("record-row")).toHaveCount(2);
  await expect(page.getByTestId("record-row").getByText(payload, { exact: true })).toBeVisible();
  expect(await page.locator("main img").count()).toBe(0);
  expect(await page.locator("main script").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await request.post(`/api/jobs/${name}/stop`);
});

test("responses carry the security headers", async ({ request }) => {
  const headers = (await request.get("/")).headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
});
