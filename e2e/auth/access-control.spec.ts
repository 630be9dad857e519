/**
 * Roles in authenticated mode: what a viewer, an operator and an admin may do, for every mutating endpoint
 * and in the UI. Over 300 lines on purpose: one table of endpoints × roles and the users it signs in.
 */
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { mutatingEndpoints } from "../api-routes";

const ADMIN_PASSWORD = "e2e-admin-password";
const suffix = Date.now().toString(36);
const viewer = { name: `viewer-${suffix}`, password: "viewer-password-1", role: "viewer" };
const operator = { name: `operator-${suffix}`, password: "operator-password-1", role: "operator" };

let baseURL: string;
let admin: APIRequestContext;
let topic: string;
let brokers: string[];

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
  brokers = (await (await admin.get("/api/health")).json()).kafka.brokers;
  topic = uniqueTopicName("e2e-auth");
  await createTopic(brokers, topic, 1);
});

const jobBody = (name: string) => ({ name, topics: [topic], processor: "count-by-key" });

// ---------------------------------------------------------------------------------------------
// One table of every state-changing endpoint: the least role it needs and a real call to it.

/** Real targets for one run through the table (each role gets its own, since allowed calls change them). */
interface Targets {
  tag: string;
  job: string;
  jobToDelete: string;
  rule: string;
  ruleToDelete: string;
  channel: string;
  channelToDelete: string;
  silenceId: string;
  user: string;
  tokenId: string;
}

async function makeTargets(tag: string): Promise<Targets> {
  const t = { tag, job: `${tag}-job`, jobToDelete: `${tag}-job-del`, rule: `${tag}-rule`, ruleToDelete: `${tag}-rule-del`, channel: `${tag}-ch`, channelToDelete: `${tag}-ch-del`, user: `${tag}-user` };
  const ok = async (path: string, data: object) => {
    const response = await admin.post(path, { data });
    expect(response.status(), `${path}: ${await response.text()}`).toBe(201);
    return response.json();
  };
  await ok("/api/jobs", jobBody(t.job));
  await ok("/api/jobs", jobBody(t.jobToDelete));
  for (const channel of [t.channel, t.channelToDelete]) await ok("/api/alerts/channels", { name: channel, type: "webhook", url: "http://127.0.0.1:9/hook" });
  for (const rule of [t.rule, t.ruleToDelete]) await ok("/api/alerts/rules", { name: rule, target: { type: "job", job: t.job }, condition: { type: "lag", threshold: 1000 }, channels: [t.channel] });
  const silence = await ok("/api/alerts/silences", { target: { type: "job", job: t.job }, reason: `set up for ${tag}`, durationSeconds: 3600 });
  await ok("/api/users", { name: t.user, password: "user-password-1", role: "viewer" });
  const token = await ok("/api/tokens", { name: `${tag}-token`, role: "viewer" });
  return { ...t, silenceId: silence.id, tokenId: token.id };
}

type Least = "public" | "viewer" | "operator" | "admin";
interface Row {
  least: Least;
  call: (t: Targets) => { path: string; data?: object };
  /** The call ends the caller's session: make it on a session of its own. */
  endsSession?: boolean;
}

// In the order the allowed calls run: a job is changed while stopped, then started, then stopped.
const table: Record<string, Row> = {
  "POST /api/jobs": { least: "operator", call: (t) => ({ path: "/api/jobs", data: jobBody(`${t.tag}-new`) }) },
  "PATCH /api/jobs/:id": { least: "operator", call: (t) => ({ path: `/api/jobs/${t.job}`, data: { batchIntervalMs: 3000 } }) },
  "POST /api/jobs/:id/offsets/reset": { least: "operator", call: (t) => ({ path: `/api/jobs/${t.job}/offsets/reset`, data: { mode: "to-earliest", dryRun: true } }) },
  "POST /api/jobs/:id/start": { least: "operator", call: (t) => ({ path: `/api/jobs/${t.job}/start` }) },
  "POST /api/jobs/:id/stop": { least: "operator", call: (t) => ({ path: `/api/jobs/${t.job}/stop` }) },
  "DELETE /api/jobs/:id": { least: "operator", call: (t) => ({ path: `/api/jobs/${t.jobToDelete}` }) },
  "POST /api/alerts/rules": { least: "operator", call: (t) => ({ path: "/api/alerts/rules", data: { name: `${t.tag}-rule-new`, target: { type: "all-jobs" }, condition: { type: "job-failed" } } }) },
  "PATCH /api/alerts/rules/:id": { least: "operator", call: (t) => ({ path: `/api/alerts/rules/${t.rule}`, data: { forSeconds: 120 } }) },
  "DELETE /api/alerts/rules/:id": { least: "operator", call: (t) => ({ path: `/api/alerts/rules/${t.ruleToDelete}` }) },
  "POST /api/alerts/channels": { least: "operator", call: (t) => ({ path: "/api/alerts/channels", data: { name: `${t.tag}-ch-new`, type: "webhook", url: "http://127.0.0.1:9/new" } }) },
  "PATCH /api/alerts/channels/:id": { least: "operator", call: (t) => ({ path: `/api/alerts/channels/${t.channel}`, data: { enabled: false } }) },
  "POST /api/alerts/channels/:id/test": { least: "operator", call: (t) => ({ path: `/api/alerts/channels/${t.channel}/test` }) },
  "DELETE /api/alerts/channels/:id": { least: "operator", call: (t) => ({ path: `/api/alerts/channels/${t.channelToDelete}` }) },
  "POST /api/alerts/silences": { least: "operator", call: (t) => ({ path: "/api/alerts/silences", data: { target: { type: "group", group: `${t.tag}-g` }, reason: "maintenance", durationSeconds: 600 } }) },
  "DELETE /api/alerts/silences/:id": { least: "operator", call: (t) => ({ path: `/api/alerts/silences/${t.silenceId}` }) },
  "POST /api/users": { least: "admin", call: (t) => ({ path: "/api/users", data: { name: `${t.tag}-user-new`, password: "password-123", role: "viewer" } }) },
  "PATCH /api/users/:id": { least: "admin", call: (t) => ({ path: `/api/users/${t.user}`, data: { role: "operator" } }) },
  "POST /api/tokens": { least: "admin", call: (t) => ({ path: "/api/tokens", data: { name: `${t.tag}-token-new`, role: "admin" } }) },
  "DELETE /api/tokens/:id": { least: "admin", call: (t) => ({ path: `/api/tokens/${t.tokenId}` }) },
  "POST /api/auth/logout": { least: "viewer", call: () => ({ path: "/api/auth/logout" }), endsSession: true },
  "POST /api/auth/login": { least: "public", call: () => ({ path: "/api/auth/login", data: { name: viewer.name, password: viewer.password } }) },
};
const rank: Record<Least, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

async function call(client: APIRequestContext, endpoint: string, t: Targets) {
  const { path, data } = table[endpoint].call(t);
  return client.fetch(path, { method: endpoint.split(" ")[0], data });
}

/** The newest audit entry's id: a refused call must not have written one. */
const lastAuditId = async () => (await (await admin.get("/api/audit?limit=1")).json()).items[0]?.id as number;

test("the role table lists every mutating endpoint in app/api", () => {
  expect(Object.keys(table).sort()).toEqual(mutatingEndpoints());
});

test("without a session or token every change answers 401 (sign-in aside), and nothing is written", async () => {
  const t = await makeTargets(`anon-${suffix}`);
  const anonymous = await playwrightRequest.newContext({ baseURL });
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  expect(await (await anonymous.get("/api/auth/me")).json()).toEqual({ mode: "authenticated", user: null });
  for (const path of ["/api/jobs", "/api/instances", "/api/audit", "/api/alerts/rules", "/api/metrics", "/api/users", "/api/tokens"]) expect((await anonymous.get(path)).status(), path).toBe(401);
  const before = await lastAuditId();
  for (const endpoint of Object.keys(table)) {
    if (table[endpoint].least === "public") continue;
    const response = await call(anonymous, endpoint, t);
    expect(response.status(), endpoint).toBe(401);
    expect((await response.json()).error.code, endpoint).toBe("UNAUTHENTICATED");
  }
  expect(await lastAuditId()).toBe(before);
  const signIn = await call(anonymous, "POST /api/auth/login", t);
  expect(signIn.status(), "sign-in is public").toBe(200);
});

for (const role of ["viewer", "operator", "admin"] as const) {
  test(`${role}: allowed exactly the changes its role allows (403 for the rest, with nothing written)`, async () => {
    const who = role === "viewer" ? viewer : role === "operator" ? operator : { name: "admin", password: ADMIN_PASSWORD };
    const client = await signedIn(who.name, who.password);
    const t = await makeTargets(`${role}-${suffix}`);
    const refused = Object.keys(table).filter((e) => rank[table[e].least] > rank[role]);
    const allowed = Object.keys(table).filter((e) => rank[table[e].least] <= rank[role] && table[e].least !== "public");
    expect(refused.length + allowed.length).toBe(Object.keys(table).length - 1);

    const before = await lastAuditId();
    for (const endpoint of refused) {
      const response = await call(client, endpoint, t);
      expect(response.status(), endpoint).toBe(403);
      expect((await response.json()).error.code, endpoint).toBe("FORBIDDEN");
    }
    expect(await lastAuditId(), "refused calls wrote nothing").toBe(before);

    for (const endpoint of allowed) {
      const caller = table[endpoint].endsSession ? await signedIn(who.name, who.password) : client;
      const response = await call(caller, endpoint, t);
      expect(response.status(), `${endpoint}: ${await response.text()}`).toBeLessThan(300);
    }
    if (role === "viewer") {
      expect((await client.get("/api/jobs")).status()).toBe(200);
      expect((await client.get("/api/audit")).status()).toBe(200);
      expect((await client.get("/api/instances")).status()).toBe(200);
      expect((await admin.get(`/api/jobs/${t.job}`)).status()).toBe(200);
      expect((await admin.get(`/api/jobs/${t.tag}-new`)).status()).toBe(404);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The audit log: who, what, before and after, for every kind of change.

interface AuditEntry {
  action: string;
  actor: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown> & { before?: Record<string, unknown>; after?: Record<string, unknown> };
}
const auditOf = async (targetType: string, targetId: string): Promise<AuditEntry[]> =>
  (await (await admin.get(`/api/audit?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`)).json()).items;

test("every change to a job is audited with who, what, before and after", async () => {
  const client = await signedIn(operator.name, operator.password);
  const name = `audited-${suffix}`;
  const job = await (await client.post("/api/jobs", { data: jobBody(name) })).json();
  expect((await client.patch(`/api/jobs/${name}`, { data: { batchIntervalMs: 3000, onError: "skip" } })).status()).toBe(200);
  expect((await client.post(`/api/jobs/${name}/start`)).status()).toBe(200);
  expect((await client.post(`/api/jobs/${name}/stop`)).status()).toBe(200);
  await expect.poll(async () => (await (await client.get(`/api/jobs/${name}`)).json()).status, { timeout: 30_000 }).toBe("stopped");
  expect((await client.delete(`/api/jobs/${name}`)).status()).toBe(204);

  const entries = await auditOf("job", job.id);
  expect(entries.map((e) => `${e.action} by ${e.actor}`)).toEqual(["job.delete", "job.stop", "job.start", "job.update", "job.create"].map((a) => `${a} by user:${operator.name}`));
  const [deleted, stopped, started, updated, created] = entries;
  expect(created.details.after).toMatchObject({ name, topics: [topic], processor: "count-by-key", batchIntervalMs: 2000 });
  expect(updated.details).toMatchObject({ before: { batchIntervalMs: 2000, onError: "fail" }, after: { batchIntervalMs: 3000, onError: "skip" } });
  expect(started.details).toMatchObject({ before: { desiredState: "stopped" }, after: { desiredState: "running" } });
  expect(stopped.details).toMatchObject({ before: { desiredState: "running" }, after: { desiredState: "stopped" } });
  expect(deleted.details.before).toMatchObject({ name, topics: [topic], processor: "count-by-key" });
});

test("users and tokens: every change is audited with who, what, before and after", async () => {
  const name = `audited-user-${suffix}`;
  const user = await (await admin.post("/api/users", { data: { name, password: "password-123", role: "viewer" } })).json();
  expect((await admin.patch(`/api/users/${user.id}`, { data: { role: "operator", password: "password-456" } })).status()).toBe(200);
  expect((await admin.patch(`/api/users/${name}`, { data: { disabled: true } })).status()).toBe(200);
  const users = await auditOf("user", name);
  expect(users.map((e) => `${e.action} by ${e.actor}`)).toEqual(["user.update by user:admin", "user.update by user:admin", "user.create by user:admin"]);
  expect(users[2].details.after).toMatchObject({ name, role: "viewer" });
  expect(users[1].details).toMatchObject({ before: { role: "viewer", disabled: false }, after: { role: "operator", disabled: false }, passwordChanged: true });
  expect(users[0].details).toMatchObject({ before: { role: "operator", disabled: false }, after: { role: "operator", disabled: true }, passwordChanged: false });
  expect(JSON.stringify(users)).not.toContain("password-456");

  const token = await (await admin.post("/api/tokens", { data: { name: `audited-token-${suffix}`, role: "operator" } })).json();
  expect((await admin.delete(`/api/tokens/${token.id}`)).status()).toBe(200);
  const tokens = await auditOf("token", token.id);
  expect(tokens.map((e) => `${e.action} by ${e.actor}`)).toEqual(["token.revoke by user:admin", "token.create by user:admin"]);
  expect(tokens[1].details.after).toMatchObject({ name: `audited-token-${suffix}`, role: "operator" });
  expect(tokens[0].details).toMatchObject({ before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
  expect(JSON.stringify(tokens)).not.toContain(token.token);
});

test("alert rules, channels and silences: every change is audited with who, what, before and after", async () => {
  const client = await signedIn(operator.name, operator.password);
  const by = `user:${operator.name}`;
  const channel = await (await client.post("/api/alerts/channels", { data: { name: `audited-ch-${suffix}`, type: "webhook", url: "http://127.0.0.1:9/secret-path" } })).json();
  expect((await client.patch(`/api/alerts/channels/${channel.id}`, { data: { enabled: false } })).status()).toBe(200);
  expect((await client.post(`/api/alerts/channels/${channel.id}/test`)).status()).toBe(200);
  const rule = await (await client.post("/api/alerts/rules", { data: { name: `audited-rule-${suffix}`, target: { type: "all-jobs" }, condition: { type: "job-failed" }, channels: [channel.id] } })).json();
  expect((await client.patch(`/api/alerts/rules/${rule.id}`, { data: { forSeconds: 300 } })).status()).toBe(200);
  const silence = await (await client.post("/api/alerts/silences", { data: { rule: rule.id, reason: "audited", durationSeconds: 600 } })).json();
  expect((await client.delete(`/api/alerts/silences/${silence.id}`)).status()).toBe(200);
  expect((await client.delete(`/api/alerts/rules/${rule.id}`)).status()).toBe(204);
  expect((await client.delete(`/api/alerts/channels/${channel.id}`)).status()).toBe(204);

  const channels = await auditOf("alert-channel", channel.id);
  expect(channels.map((e) => `${e.action} by ${e.actor}`)).toEqual(["alert-channel.delete", "alert-channel.test", "alert-channel.update", "alert-channel.create"].map((a) => `${a} by ${by}`));
  expect(channels[3].details.after).toMatchObject({ name: `audited-ch-${suffix}`, type: "webhook" });
  expect(channels[2].details).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  expect(channels[0].details.before).toMatchObject({ name: `audited-ch-${suffix}` });
  expect(JSON.stringify(channels)).not.toContain("secret-path"); // the URL's origin at most

  const rules = await auditOf("alert-rule", rule.id);
  expect(rules.map((e) => `${e.action} by ${e.actor}`)).toEqual(["alert-rule.delete", "alert-rule.update", "alert-rule.create"].map((a) => `${a} by ${by}`));
  expect(rules[2].details.after).toMatchObject({ name: `audited-rule-${suffix}`, condition: { type: "job-failed" } });
  expect(rules[1].details).toMatchObject({ before: { forSeconds: 60 }, after: { forSeconds: 300 } });
  expect(rules[0].details.before).toMatchObject({ name: `audited-rule-${suffix}` });

  const silences = await auditOf("alert-silence", silence.id);
  expect(silences.map((e) => `${e.action} by ${e.actor}`)).toEqual(["alert-silence.expire", "alert-silence.create"].map((a) => `${a} by ${by}`));
  expect(silences[1].details.after).toMatchObject({ rule: `audited-rule-${suffix}`, reason: "audited", endsAt: expect.any(String) });
  expect(silences[0].details).toMatchObject({ before: { endsAt: expect.any(String) }, after: { endsAt: expect.any(String) } });
});

// ---------------------------------------------------------------------------------------------

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
  // A forged X-Forwarded-Host does not make another origin match (no trusted proxy here).
  const forged = await playwrightRequest.newContext({ baseURL, storageState: state, extraHTTPHeaders: { origin: "http://evil.example", "x-forwarded-host": "evil.example" } });
  expect((await forged.post("/api/jobs", { data: jobBody(`csrf3-${suffix}`) })).status()).toBe(403);
});

test("a sign-in posted from another site is refused (login CSRF); one from this origin or without Origin works", async () => {
  const evil = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: "http://evil.example" } });
  const response = await evil.post("/api/auth/login", { data: { name: viewer.name, password: viewer.password } });
  expect(response.status()).toBe(403);
  expect((await response.json()).error).toEqual({ code: "CROSS_ORIGIN", message: expect.any(String), details: null });
  expect(response.headers()["set-cookie"]).toBeUndefined();
  const script = await playwrightRequest.newContext({ baseURL });
  expect((await script.post("/api/auth/login", { data: { name: viewer.name, password: viewer.password } })).status()).toBe(200);
  await signedIn(viewer.name, viewer.password);
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
  expect((await limited.json()).error).toMatchObject({ code: "TOO_MANY_ATTEMPTS", details: { retryAfterSeconds: expect.any(Number) } });
});

test("the session cookie is HttpOnly and SameSite=Lax, not Secure over plain HTTP even if a client claims HTTPS; sign-out ends the session", async () => {
  const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL, "x-forwarded-proto": "https" } });
  const response = await context.post("/api/auth/login", { data: { name: viewer.name, password: viewer.password } });
  const setCookie = response.headers()["set-cookie"];
  expect(setCookie).toMatch(/tidemark_session=/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=lax/i);
  expect(setCookie).not.toMatch(/Secure/i); // X-Forwarded-Proto counts only with TIDEMARK_TRUST_PROXY=1
  expect((await context.get("/api/jobs")).status()).toBe(200);
  const stolen = await context.storageState();
  expect((await context.post("/api/auth/logout")).status()).toBe(204);
  const replay = await playwrightRequest.newContext({ baseURL, storageState: stolen });
  expect((await replay.get("/api/jobs")).status()).toBe(401);
});

// ---------------------------------------------------------------------------------------------
// In the browser, a viewer finds nothing enabled that would change anything.

/**
 * Buttons that only change what the page shows: tabs, the time-range picker, chart series toggles,
 * the theme toggle, expanding a row, paging and jumping in the record browser, signing out.
 */
const readOnlyButton = (b: { name: string; role: string | null; expandable: boolean; toggle: boolean }) =>
  b.role === "tab" ||
  b.expandable ||
  b.toggle ||
  /^Last (15m|1h|6h|24h|7d)$/.test(b.name) ||
  /^Theme:/.test(b.name) ||
  ["Sign out", "Go", "← Previous", "Next →"].includes(b.name);

async function enabledChangeButtons(page: Page): Promise<string[]> {
  const buttons = await page.locator("button:enabled, [role=button]:not([aria-disabled=true])").evaluateAll((elements) =>
    elements
      .filter((e) => (e as HTMLElement).offsetParent !== null) // visible
      .map((e) => ({ name: (e.getAttribute("aria-label") ?? e.textContent ?? "").trim(), role: e.getAttribute("role"), expandable: e.hasAttribute("aria-expanded"), toggle: e.hasAttribute("aria-pressed") })),
  );
  return buttons.filter((b) => !readOnlyButton(b)).map((b) => b.name);
}

test("in the browser, a viewer signs in and sees no enabled button that changes anything, on any tab or page", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const name = `viewer-page-${suffix}`;
  expect((await admin.post("/api/jobs", { data: jobBody(name) })).status()).toBe(201);
  await produceWithKcat(brokers, topic, ["k1:v1", "k2:v2"]);
  // Something on every alerts panel, so their row buttons show.
  const t = await makeTargets(`page-${suffix}`);
  expect((await admin.post(`/api/alerts/channels/${t.channel}/test`)).status()).toBe(200);

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
  await expect(page.getByText("local mode — no authentication")).toHaveCount(0);

  await expect(page.getByRole("button", { name: "Start" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete" })).toBeDisabled();
  expect(await enabledChangeButtons(page), "job overview").toEqual([]);

  await page.getByRole("tab", { name: "Replay" }).click();
  await expect(page.getByTestId("record-row")).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Reset offsets…" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Rewind to here" }).first()).toBeDisabled();
  await page.getByTestId("record-row").first().getByRole("button").first().click(); // expand a record: read-only
  expect(await enabledChangeButtons(page), "job replay tab").toEqual([]);

  for (const tab of [/Dead letters/, "Settings", "Audit"]) {
    await page.getByRole("tab", { name: tab }).click();
    if (tab === "Settings") await expect(page.getByRole("button", { name: "Save settings" })).toBeDisabled();
    await page.waitForLoadState("networkidle");
    expect(await enabledChangeButtons(page), `job ${tab} tab`).toEqual([]);
  }

  await page.goto("/alerts");
  await expect(page.getByText(t.rule, { exact: true }).first()).toBeVisible();
  await expect(page.getByText(t.channel).first()).toBeVisible();
  await expect(page.getByText(`set up for page-${suffix}`)).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await enabledChangeButtons(page), "/alerts").toEqual([]);

  await page.goto("/jobs/new");
  await expect(page.getByRole("button", { name: "Create job" })).toBeDisabled();
  expect(await enabledChangeButtons(page), "/jobs/new").toEqual([]);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  // The same check on an admin's page does find the buttons that change things.
  const adminPage = await (await browser.newContext({ baseURL, storageState: await admin.storageState() })).newPage();
  await adminPage.goto("/alerts");
  await expect(adminPage.getByText(t.rule, { exact: true }).first()).toBeVisible();
  await adminPage.waitForLoadState("networkidle");
  expect(await enabledChangeButtons(adminPage)).toEqual(expect.arrayContaining([`Delete rule ${t.rule}`, `Send test to ${t.channel}`]));
  await adminPage.context().close();
});
