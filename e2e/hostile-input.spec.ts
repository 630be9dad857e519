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
      // Samples are written by the sampler on its own clock, not by requests.
      .filter((name) => !/sample/i.test(name));
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

let topic: string;
let jobName: string;

test.beforeAll(async ({ request }) => {
  topic = uniqueTopicName("e2e-hostile");
  await createTopic(await serverBrokers(request), topic, 1);
  jobName = `hostile-${Date.now().toString(36)}`;
  expect((await request.post("/api/jobs", { data: { name: jobName, topics: [topic], processor: "count-by-key" } })).status()).toBe(201);
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
  { endpoint: "POST /api/auth/login", method: "POST", path: () => "/api/auth/login", body: { name: ["admin"], password: "x" }, status: 400, code: "VALIDATION_FAILED" },
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
  await expect(page.getByText(payload, { exact: true })).toBeVisible();
  await expect(page.getByText("<script>window.__xss=2</script>", { exact: true })).toBeVisible();
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
