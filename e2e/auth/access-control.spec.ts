import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { createTopic, uniqueTopicName } from "@/lib/testing/kafka-tools";

const ADMIN_PASSWORD = "e2e-admin-password";
const suffix = Date.now().toString(36);
const viewer = { name: `viewer-${suffix}`, password: "viewer-password-1", role: "viewer" };
const operator = { name: `operator-${suffix}`, password: "operator-password-1", role: "operator" };

let baseURL: string;
let admin: APIRequestContext;
let topic: string;

/** A signed-in API client; it sends this server's Origin, as a browser on the dashboard would. */
async function signedIn(name: string, password: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const response = await context.post("/api/auth/login", { data: { name, password } });
  expect(response.status(), `sign-in of ${name}`).toBe(200);
  return context;
}

test.beforeAll(async ({}, testInfo) => {
  baseURL = testInfo.project.use.baseURL!;
  admin = await signedIn("admin", ADMIN_PASSWORD);
  for (const user of [viewer, operator]) expect((await admin.post("/api/users", { data: user })).status()).toBe(201);
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const health = await (await anonymous.get("/api/health")).json();
  expect(health.kafka.brokers).toEqual([]); // not told to anonymous callers
  const me = await (await admin.get("/api/health")).json();
  topic = uniqueTopicName("e2e-auth");
  await createTopic(me.kafka.brokers, topic, 1);
});

const jobBody = (name: string) => ({ name, topics: [topic], processor: "count-by-key" });

test("without a session or token every API call but sign-in and health answers 401", async () => {
  const anonymous = await playwrightRequest.newContext({ baseURL });
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  expect(await (await anonymous.get("/api/auth/me")).json()).toEqual({ mode: "authenticated", user: null });
  const calls: [string, string][] = [
    ["GET", "/api/jobs"],
    ["POST", "/api/jobs"],
    ["POST", "/api/jobs/x/start"],
    ["POST", "/api/jobs/x/stop"],
    ["DELETE", "/api/jobs/x"],
    ["GET", "/api/audit"],
    ["POST", "/api/users"],
    ["POST", "/api/tokens"],
    ["DELETE", "/api/tokens/x"],
    ["GET", "/api/alerts/rules"],
    ["POST", "/api/alerts/rules"],
    ["GET", "/api/metrics"],
  ];
  for (const [method, path] of calls) {
    const response = await anonymous.fetch(path, { method, data: method === "GET" ? undefined : jobBody("nope") });
    expect(response.status(), `${method} ${path}`).toBe(401);
    expect((await response.json()).error.code).toBe("UNAUTHENTICATED");
  }
});

test("a viewer reads everything and changes nothing", async () => {
  const client = await signedIn(viewer.name, viewer.password);
  expect((await client.get("/api/jobs")).status()).toBe(200);
  expect((await client.get("/api/audit")).status()).toBe(200);
  const created = await admin.post("/api/jobs", { data: jobBody(`viewer-target-${suffix}`) });
  expect(created.status()).toBe(201);
  const mutations: [string, string, unknown?][] = [
    ["POST", "/api/jobs", jobBody(`by-viewer-${suffix}`)],
    ["POST", `/api/jobs/viewer-target-${suffix}/start`],
    ["POST", `/api/jobs/viewer-target-${suffix}/stop`],
    ["DELETE", `/api/jobs/viewer-target-${suffix}`],
    ["POST", "/api/users", { name: "x-user", password: "password-123", role: "admin" }],
    ["POST", "/api/tokens", { name: "x", role: "admin" }],
    ["POST", "/api/alerts/rules", { name: "x", target: { type: "all-jobs" }, condition: { type: "job-failed" } }],
    ["PATCH", "/api/alerts/rules/x", { enabled: false }],
    ["DELETE", "/api/alerts/rules/x"],
    ["POST", "/api/alerts/channels", { name: "x", type: "webhook", url: "http://127.0.0.1:9/x" }],
    ["PATCH", "/api/alerts/channels/x", { enabled: false }],
    ["DELETE", "/api/alerts/channels/x"],
    ["POST", "/api/alerts/channels/x/test"],
    ["POST", "/api/alerts/silences", { target: { type: "group", group: "g" }, reason: "x", durationSeconds: 600 }],
    ["DELETE", "/api/alerts/silences/x"],
  ];
  for (const [method, path, data] of mutations) {
    const response = await client.fetch(path, { method, data });
    expect(response.status(), `${method} ${path}`).toBe(403);
    expect((await response.json()).error.code).toBe("FORBIDDEN");
  }
  expect((await admin.get(`/api/jobs/by-viewer-${suffix}`)).status()).toBe(404);
  expect((await admin.get(`/api/jobs/viewer-target-${suffix}`)).status()).toBe(200);
});

test("an operator runs jobs but cannot manage users or tokens; the audit log names them", async () => {
  const client = await signedIn(operator.name, operator.password);
  const name = `by-operator-${suffix}`;
  expect((await client.post("/api/jobs", { data: jobBody(name) })).status()).toBe(201);
  expect((await client.post(`/api/jobs/${name}/start`)).status()).toBe(200);
  expect((await client.post(`/api/jobs/${name}/stop`)).status()).toBe(200);
  expect((await client.post("/api/users", { data: { name: "y-user", password: "password-123", role: "viewer" } })).status()).toBe(403);
  expect((await client.get("/api/tokens")).status()).toBe(403);
  const job = await (await client.get(`/api/jobs/${name}`)).json();
  const audit = await (await client.get(`/api/audit?targetType=job&targetId=${job.id}`)).json();
  expect(audit.items.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`)).toEqual([
    `job.stop by user:${operator.name}`,
    `job.start by user:${operator.name}`,
    `job.create by user:${operator.name}`,
  ]);
});

test("API tokens authenticate scripts by role, and a revoked token stops working at once", async () => {
  const created = await admin.post("/api/tokens", { data: { name: `ci-${suffix}`, role: "operator" } });
  expect(created.status()).toBe(201);
  const { id, token, prefix } = await created.json();
  expect(token).toMatch(/^tmk_/);
  expect(token.startsWith(prefix)).toBe(true);
  const listed = await (await admin.get("/api/tokens")).json();
  expect(JSON.stringify(listed)).not.toContain(token); // the secret is shown only once

  const script = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await script.post("/api/jobs", { data: jobBody(`by-token-${suffix}`) })).status()).toBe(201);
  expect((await script.post("/api/tokens", { data: { name: "escalate", role: "admin" } })).status()).toBe(403);
  const afterUse = (await (await admin.get("/api/tokens")).json()).items.find((t: { id: string }) => t.id === id);
  expect(afterUse.lastUsedAt).not.toBeNull();

  expect((await admin.delete(`/api/tokens/${id}`)).status()).toBe(200);
  const refused = await script.get("/api/jobs");
  expect(refused.status()).toBe(401);
  const wrong = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: "Bearer tmk_not-a-real-token" } });
  expect((await wrong.get("/api/jobs")).status()).toBe(401);

  // Prometheus scrapes /api/metrics with a viewer token.
  const scrape = await admin.post("/api/tokens", { data: { name: `prometheus-${suffix}`, role: "viewer" } });
  const scraper = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${(await scrape.json()).token}` } });
  const metrics = await scraper.get("/api/metrics");
  expect(metrics.status()).toBe(200);
  expect(await metrics.text()).toContain("# TYPE tidemark_job_status gauge");
});

test("a cross-origin write with a valid session cookie is refused", async () => {
  const cookieHolder = await signedIn("admin", ADMIN_PASSWORD);
  const state = await cookieHolder.storageState();
  const evil = await playwrightRequest.newContext({ baseURL, storageState: state, extraHTTPHeaders: { origin: "http://evil.example" } });
  const response = await evil.post("/api/jobs", { data: jobBody(`csrf-${suffix}`) });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe("CROSS_ORIGIN");
  // No Origin at all: a cookie alone does not prove the request came from the dashboard.
  const bare = await playwrightRequest.newContext({ baseURL, storageState: state });
  expect((await bare.post("/api/jobs", { data: jobBody(`csrf2-${suffix}`) })).status()).toBe(403);
  expect((await admin.get(`/api/jobs/csrf-${suffix}`)).status()).toBe(404);
});

test("sign-in attempts are rate-limited per user", async () => {
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const name = `nobody-${suffix}`;
  for (let i = 0; i < 5; i++) {
    const response = await anonymous.post("/api/auth/login", { data: { name, password: "wrong-password" } });
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("BAD_CREDENTIALS");
  }
  const limited = await anonymous.post("/api/auth/login", { data: { name, password: "wrong-password" } });
  expect(limited.status()).toBe(429);
  expect((await limited.json()).error.code).toBe("TOO_MANY_ATTEMPTS");
});

test("the session cookie is HttpOnly and SameSite=Lax; sign-out ends the session", async () => {
  const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const response = await context.post("/api/auth/login", { data: { name: viewer.name, password: viewer.password } });
  const setCookie = response.headers()["set-cookie"];
  expect(setCookie).toMatch(/tidemark_session=/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=lax/i);
  expect((await context.get("/api/jobs")).status()).toBe(200);
  const stolen = await context.storageState();
  expect((await context.post("/api/auth/logout")).status()).toBe(204);
  const replay = await playwrightRequest.newContext({ baseURL, storageState: stolen });
  expect((await replay.get("/api/jobs")).status()).toBe(401);
});

test("in the browser, a viewer signs in and sees no enabled mutation buttons", async ({ page }) => {
  const name = `viewer-page-${suffix}`;
  expect((await admin.post("/api/jobs", { data: jobBody(name) })).status()).toBe(201);
  await page.goto(`/jobs/${name}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("User name").fill(viewer.name);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("wrong user name or password")).toBeVisible();
  await page.getByLabel("Password").fill(viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${name}$`));
  await expect(page.getByText(`${viewer.name} (viewer)`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Start" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete" })).toBeDisabled();
  const enabledMutations = page.locator("main button:enabled", { hasText: /start|stop|delete|restart|create/i });
  await expect(enabledMutations).toHaveCount(0);
  await page.goto("/jobs/new");
  await expect(page.getByRole("button", { name: "Create job" })).toBeDisabled();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
});
