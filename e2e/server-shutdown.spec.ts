import Database from "better-sqlite3";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTopic, produceWithKcat, uniqueTopicName } from "@/lib/testing/kafka-tools";
import { spawnServer, type SpawnedServer } from "./spawn-server";
import { keyedLines, serverBrokers } from "./support";

/**
 * `next start` with the job runtime in its worker thread (the default), stopped the two ways a server
 * stops: a signal (SIGINT twice, as Ctrl-C under `npm start` sends it; NEXT_MANUAL_SIG_HANDLE set) lets the runtime finish or roll
 * back its batch and stop its jobs before the process exits within 10 s; SIGKILL mid-flow loses and
 * doubles nothing. Both restart on the same database and end with exact counts.
 */
const PARTITIONS = 4;
const PER_PARTITION = 15_000;
const KEYS = 100;
const TOTAL = PARTITIONS * PER_PARTITION;

interface JobView {
  status: string;
  totalLag: number | null;
}

async function job(request: APIRequestContext, server: SpawnedServer, name: string): Promise<JobView> {
  const response = await request.get(`${server.baseURL}/api/jobs/${name}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as JobView;
}

/** The stored state of a stopped server's job, read straight from its SQLite file. */
function stored(dbFile: string, jobName: string) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const { id, status, desiredState } = db.prepare("SELECT id, status, desiredState FROM Job WHERE name = ?").get(jobName) as { id: string; status: string; desiredState: string };
    const offsets = db.prepare("SELECT SUM(offset) AS total FROM JobOffset WHERE jobId = ?").get(id) as { total: number | null };
    const counted = db.prepare("SELECT SUM(count) AS total FROM KeyCount WHERE jobId = ?").get(id) as { total: number | null };
    const batches = db.prepare("SELECT SUM(records) AS total FROM Batch WHERE jobId = ? AND status = 'succeeded'").get(id) as { total: number | null };
    return { status, desiredState, offsets: offsets.total ?? 0, counted: counted.total ?? 0, committedRecords: batches.total ?? 0 };
  } finally {
    db.close();
  }
}

test("SIGINT (twice, as Ctrl-C under npm start) stops the runtime thread's jobs before exit (within 10 s); SIGKILL mid-flow loses and doubles nothing", async ({ request }) => {
  test.setTimeout(240_000);
  const brokers = await serverBrokers(request);
  const topic = uniqueTopicName("e2e-shutdown");
  await createTopic(brokers, topic, PARTITIONS);
  for (let p = 0; p < PARTITIONS; p++) await produceWithKcat(brokers, topic, keyedLines(PER_PARTITION, KEYS, p * PER_PARTITION), { partition: p });
  const env = { KAFKA_BROKERS: brokers.join(","), NEXT_MANUAL_SIG_HANDLE: "true", TIDEMARK_RECONCILE_INTERVAL_MS: "100" };
  const name = `shutdown-${Date.now().toString(36)}`;

  const first = await spawnServer(env);
  const servers = [first];
  try {
    // Small batches, so that a signal lands while one is in flight.
    const created = await request.post(`${first.baseURL}/api/jobs`, {
      data: { name, topics: [topic], processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: 300 },
    });
    expect(created.status(), await created.text()).toBe(201);
    expect((await request.post(`${first.baseURL}/api/jobs/${name}/start`)).status()).toBeLessThan(300);
    await expect.poll(async () => stored(first.dbFile, name).committedRecords, { timeout: 60_000 }).toBeGreaterThan(2_000);

    // Twice, as Ctrl-C under `npm start` does (the terminal, then scripts/start.ts): the second must not cut the stop short.
    const term = await first.kill("SIGINT", 2);
    expect(term.ms).toBeLessThan(10_000);
    expect(term.code).toBe(130);
    const afterTerm = stored(first.dbFile, name);
    // The runtime stopped its job (a process that just exited would leave "running"), and what it
    // committed is whole: offsets, counts and succeeded batches agree.
    expect(afterTerm).toMatchObject({ status: "stopped", desiredState: "running" });
    expect(afterTerm.counted).toBe(afterTerm.offsets);
    expect(afterTerm.committedRecords).toBe(afterTerm.offsets);
    expect(afterTerm.offsets).toBeLessThan(TOTAL);

    // Restarted on the same database, the job resumes by itself; killed outright mid-flow.
    const second = await spawnServer(env, undefined, first.dbFile);
    servers.push(second);
    await expect.poll(async () => stored(first.dbFile, name).committedRecords, { timeout: 60_000 }).toBeGreaterThan(afterTerm.offsets + 2_000);
    const kill = await second.kill("SIGKILL");
    expect(kill.signal).toBe("SIGKILL");
    const afterKill = stored(first.dbFile, name);
    expect(afterKill.status).toBe("running"); // nothing ran to change it
    expect(afterKill.counted).toBe(afterKill.offsets);

    const third = await spawnServer(env, undefined, first.dbFile);
    servers.push(third);
    await expect.poll(async () => (await job(request, third, name)).totalLag, { timeout: 90_000 }).toBe(0);
    const results = await request.get(`${third.baseURL}/api/jobs/${name}/results?limit=${KEYS + 1}`);
    const counts = ((await results.json()) as { items: { key: string; count: number }[] }).items;
    expect(counts).toHaveLength(KEYS);
    expect(counts.every((c) => c.count === TOTAL / KEYS)).toBe(true);
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
});
