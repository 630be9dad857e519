import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { spawnServer, type SpawnedServer } from "./spawn-server";
import { serverBrokers } from "./support";

/**
 * Issue 17: a processor of the user's own, in a processors folder (TIDEMARK_PROCESSORS_DIR), with its
 * own table, used from the browser like a built-in one; replayed with rollback; its code changed and
 * the server restarted. And a broken folder stops the start, naming the file and the problem.
 */
const root = path.resolve(__dirname, "..");
const example = fs.readFileSync(path.join(root, "processors/examples/windowed-totals.ts"), "utf8");
const DAY = 86_400_000;
const KEYS = ["k0", "k1", "k2", "k3", "k4"];

interface ResultRow {
  window: string;
  key: string;
  records: number;
  total: number;
}

function processorsFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-e2e-processors-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** n records per partition, keyed k0..k4, each {"n": i}; expected per key: records and the sum of n. */
function lines(from: number, count: number, expected: Map<string, { records: number; total: number }>): string[] {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const key = KEYS[i % KEYS.length];
    const e = expected.get(key) ?? { records: 0, total: 0 };
    expected.set(key, { records: e.records + 1, total: e.total + i });
    return `${key}:{"n":${i}}`;
  });
}

async function json<T>(request: APIRequestContext, url: string): Promise<T> {
  const response = await request.get(url);
  expect(response.status(), `${url}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

/** The job's results per key (one window each: the records are all of today). */
async function totals(request: APIRequestContext, server: SpawnedServer, job: string): Promise<Map<string, { records: number; total: number }>> {
  const { items } = await json<{ items: ResultRow[] }>(request, `${server.baseURL}/api/jobs/${job}/results?limit=100`);
  return new Map(items.map((r) => [r.key, { records: r.records, total: r.total }]));
}

const caughtUp = async (request: APIRequestContext, server: SpawnedServer, job: string) => {
  const j = await json<{ totalLag: number | null; status: string }>(request, `${server.baseURL}/api/jobs/${job}`);
  return j.status === "running" && j.totalLag === 0;
};

test("a processor dropped into the processors folder: created from the New job form, results exact, replay with rollback, code changed and restarted", async ({ page, request }) => {
  test.setTimeout(240_000);
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-folder");
  await createTopic(brokers, topic, 2);
  const expected = new Map<string, { records: number; total: number }>();
  await produceWithKcat(brokers, topic, lines(0, 200, expected), { partition: 0 });
  await produceWithKcat(brokers, topic, lines(200, 100, expected), { partition: 1 });

  const dir = processorsFolder({ "windowed-totals.ts": example });
  const env = { KAFKA_BROKERS: brokers.join(","), TIDEMARK_PROCESSORS_DIR: dir, TIDEMARK_RECONCILE_INTERVAL_MS: "200", NEXT_MANUAL_SIG_HANDLE: "true" };
  let server = await spawnServer(env);
  const servers = [server];
  const job = `folder-${Date.now().toString(36)}`;
  try {
    const processors = await json<{ items: { name: string; source: string; configSchema: { properties: Record<string, unknown> }; results: unknown }[] }>(request, `${server.baseURL}/api/processors`);
    expect(processors.items.find((p) => p.name === "windowed-totals")).toMatchObject({ source: "windowed-totals.ts", results: { columns: expect.any(Array) } });

    // The New job form: the folder's processor in the list, its config form from its schema.
    await page.goto(`${server.baseURL}/jobs/new`);
    await page.getByLabel("Name", { exact: true }).fill(job);
    await page.getByRole("checkbox", { name: new RegExp(topic) }).check();
    await page.getByLabel("Processor", { exact: true }).selectOption("windowed-totals");
    await expect(page.getByText("Counts records and sums a JSON field per key and tumbling window of record time")).toBeVisible();
    await expect(page.getByLabel("windowMs (optional)")).toHaveValue("60000");
    await page.getByRole("button", { name: "Create job" }).click();
    await expect(page.locator("#config-field-error")).toHaveText("field is required");
    // The processor's own schema, on the server: windowMs is at least 1000.
    await page.getByLabel("field", { exact: true }).fill("n");
    await page.getByLabel("windowMs (optional)").fill("500");
    await page.getByRole("button", { name: "Create job" }).click();
    await expect(page.locator("#config-windowMs-error")).toContainText("1000");
    await page.getByLabel("windowMs (optional)").fill(String(DAY));
    await page.getByLabel("Batch interval (ms)").fill("300");
    await page.getByLabel("Max records per partition per batch").fill("40");
    await page.getByRole("button", { name: "Create job" }).click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${job}$`));
    const created = await json<{ processor: string; processorConfig: unknown }>(request, `${server.baseURL}/api/jobs/${job}`);
    expect(created).toMatchObject({ processor: "windowed-totals", processorConfig: { field: "n", windowMs: DAY } });

    await page.getByRole("button", { name: "Start", exact: true }).click();
    await expect.poll(() => caughtUp(request, server, job), { timeout: 60_000 }).toBe(true);
    expect(await totals(request, server, job)).toEqual(expected);

    // Its results tab: the processor's columns and rows.
    await page.getByRole("tab", { name: "Results" }).click();
    const table = page.getByRole("table", { name: "Job results" });
    await expect(table.getByRole("columnheader")).toHaveText(["Window start", "Key", "Records", "Total"]);
    await expect(table.getByTestId("result-row")).toHaveCount(KEYS.length);
    const k3 = expected.get("k3")!;
    await expect(table.getByTestId("result-row").filter({ hasText: "k3" }).getByRole("cell")).toHaveText([/^\d{4}-\d\d-\d\dT00:00:00.000Z$/, "k3", String(k3.records), k3.total.toLocaleString("en-US")]);

    // Replay with rollback from the job's second batch: same results after the catch-up.
    await request.post(`${server.baseURL}/api/jobs/${job}/stop`);
    await expect.poll(async () => (await json<{ status: string }>(request, `${server.baseURL}/api/jobs/${job}`)).status, { timeout: 30_000 }).toBe("stopped");
    const batches = await json<{ items: { id: number; status: string; records: number }[] }>(request, `${server.baseURL}/api/jobs/${job}/batches?limit=500`);
    const withRecords = batches.items.filter((b) => b.status === "succeeded" && b.records > 0).map((b) => b.id).sort((a, b) => a - b);
    expect(withRecords.length).toBeGreaterThan(2);
    const choice = { mode: "to-batch", value: withRecords[1], results: "rollback" };
    const preview = await request.post(`${server.baseURL}/api/jobs/${job}/offsets/reset`, { data: { ...choice, dryRun: true } });
    expect(preview.status(), await preview.text()).toBe(200);
    const plan = (await preview.json()) as { partitions: unknown[]; summary: { rolledBackBatches: number } };
    expect(plan.summary.rolledBackBatches).toBeGreaterThanOrEqual(withRecords.length - 1);
    const applied = await request.post(`${server.baseURL}/api/jobs/${job}/offsets/reset`, { data: { ...choice, dryRun: false, expect: plan.partitions } });
    expect(applied.status(), await applied.text()).toBe(200);
    const rolledBack = await totals(request, server, job);
    expect([...rolledBack.values()].reduce((n, t) => n + t.records, 0)).toBeLessThan(300);
    await request.post(`${server.baseURL}/api/jobs/${job}/start`);
    await expect.poll(() => caughtUp(request, server, job), { timeout: 60_000 }).toBe(true);
    expect(await totals(request, server, job)).toEqual(expected);

    // A code change: a new description and a second migration. Restarted on the same database, the job
    // carries on from its offsets.
    await server.kill("SIGTERM");
    const changed = example
      .replace("Counts records and sums a JSON field per key and tumbling window of record time", "Windowed totals, second version")
      .replace(/(\n  \],\n  reprocessing)/, `\n    { id: "002-index", sql: 'CREATE INDEX windowed_totals_by_total ON windowed_totals ("jobId", "total")' },$1`);
    expect(changed).toContain("002-index");
    fs.writeFileSync(path.join(dir, "windowed-totals.ts"), changed);
    await produceWithKcat(brokers, topic, lines(300, 50, expected), { partition: 0 });
    server = await spawnServer(env, undefined, server.dbFile);
    servers.push(server);
    expect(server.output()).toContain("applied processor migrations: windowed-totals/002-index");
    const after = await json<{ items: { name: string; description: string }[] }>(request, `${server.baseURL}/api/processors`);
    expect(after.items.find((p) => p.name === "windowed-totals")?.description).toBe("Windowed totals, second version");
    await expect.poll(() => caughtUp(request, server, job), { timeout: 60_000 }).toBe(true);
    expect(await totals(request, server, job)).toEqual(expected);

    // Both of its migrations recorded once, in Tidemark's table.
    await server.kill("SIGTERM");
    const db = new Database(server.dbFile, { readonly: true });
    try {
      const migrations = db.prepare(`SELECT "processor", "migrationId" FROM "ProcessorMigration" ORDER BY "migrationId"`).all();
      expect(migrations).toEqual([
        { processor: "windowed-totals", migrationId: "001-create" },
        { processor: "windowed-totals", migrationId: "002-index" },
      ]);
    } finally {
      db.close();
    }
  } finally {
    // The first server's folder holds the database: stopped last.
    for (const s of servers.reverse()) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const valid = (name: string, migration = "") => `import { z } from "zod";
import { defineProcessor } from "tidemark/processor";
export default defineProcessor({
  name: "${name}",
  description: "e2e",
  configSchema: z.strictObject({}),
  tables: ["${name.replace(/-/g, "_")}"],
  migrations: [{ id: "001", sql: 'CREATE TABLE ${name.replace(/-/g, "_")} (x INTEGER)' }${migration}],
  async process() {},
});
`;

const brokenFolders: { why: string; files: Record<string, string>; says: string[] }[] = [
  { why: "a syntax error", files: { "good.ts": valid("good"), "broken.ts": `${valid("broken")}\nexport const oops = {;\n` }, says: ['broken.ts: does not compile: Expected identifier but found ";" (at broken.ts:12:21)'] },
  { why: "a duplicate name", files: { "a.ts": valid("twice"), "b.ts": valid("twice") }, says: ["b.ts: processor name 'twice' is also used in a.ts"] },
  { why: "a failing migration", files: { "m.ts": valid("migrating", `, { id: "002-broken", sql: "INSERT INTO migrating (y) VALUES (1)" }`) }, says: ["processor 'migrating', migration '002-broken': failed: table migrating has no column named y"] },
];

for (const broken of brokenFolders) {
  test(`a processors folder with ${broken.why} stops the start with a message naming the problem`, async ({ request }) => {
    const brokers = await serverBrokers(request);
    const dir = processorsFolder(broken.files);
    try {
      const started = spawnServer({ KAFKA_BROKERS: brokers.join(","), TIDEMARK_PROCESSORS_DIR: dir }).then(
        async (server) => {
          await server.stop();
          return "started";
        },
        (error: Error) => error.message,
      );
      const message = await started;
      expect(message).toMatch(/^server exited \(1\) before it answered/);
      for (const text of broken.says) expect(message).toContain(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
