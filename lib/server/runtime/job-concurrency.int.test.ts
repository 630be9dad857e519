import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createPrismaClient } from "../db/client";
import { registerProcessor } from "../processors/registry";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState, type NewJob } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { RuntimeHost } from "./runtime-host";

/** How long the slow job's batch spends outside the database, e.g. a forward to a slow target. */
const SLOW_MS = 5_000;
const slow = { inFlight: false, startedAt: 0, batches: 0 };

// A processor whose batches wait SLOW_MS on something outside the database, in its deliver phase
// (before the batch's transaction opens), as forward does with its Kafka send.
registerProcessor({
  name: "test.slow-deliver",
  description: "waits 5 s outside the database per batch",
  configSchema: z.strictObject({}),
  async deliver() {
    slow.inFlight = true;
    slow.startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    slow.inFlight = false;
    slow.batches += 1;
  },
  async process() {},
});

describe("several jobs at once on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  // A second connection made as the web server makes its own (lib/server/web-context.ts): same 10 s busy timeout.
  const web = createPrismaClient(database.url, { busyTimeoutMs: 10_000 });
  let host: RuntimeHost;

  beforeAll(async () => {
    // Two batch slots shared by all jobs (the default): the slow job holds one at most.
    host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "concurrency-int-test", reconcileIntervalMs: 100 });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await web.$disconnect();
    await db.$disconnect();
    database.remove();
  });

  const newJob = async (job: Partial<NewJob> & Pick<NewJob, "name" | "topics">) => {
    const created = await insertJob(db, { processor: "count-by-key", batchIntervalMs: 200, startingOffsets: "earliest", retryBackoffMs: 50, ...job });
    await setDesiredState(db, created.id, "running");
    return created;
  };

  it("a job slow outside the database stalls neither a count-by-key job nor the web server's writes", async () => {
    const slowTopic = uniqueTopicName("slow-src");
    const fastTopic = uniqueTopicName("fast-src");
    await createTopic(testBrokers(), slowTopic, 1);
    await createTopic(testBrokers(), fastTopic, 2);
    const producer = testKafka().producer();
    await producer.connect();
    try {
      const fast = await newJob({ name: "fast", topics: [fastTopic] });
      await waitFor(async () => (await readOffsets(db, fast.id)).length === 2, "the fast job to take its starting offsets", 15_000, 50);
      await produceWithKcat(testBrokers(), slowTopic, ["s:1", "s:2", "s:3"]);
      const slowJob = await newJob({ name: "slow", topics: [slowTopic], processor: "test.slow-deliver" });
      await waitFor(async () => slow.inFlight, "the slow job's batch to start", 15_000, 20);
      const windowEnd = slow.startedAt + SLOW_MS;

      // The web server writes meanwhile (a job created through its own connection): no waiting for the slow batch.
      // It writes while the fast job is idle: better-sqlite3 waits for a lock synchronously, which in this one
      // process would also freeze the runtime holding it (the web server has its own thread or process).
      const writeStarted = Date.now();
      await insertJob(web, { name: "created-meanwhile", processor: "count-by-key", topics: [fastTopic], batchIntervalMs: 1000, startingOffsets: "earliest" });
      expect(Date.now() - writeStarted, "the web write's wait in ms").toBeLessThan(1_000);

      // The fast job takes three bursts, each to lag 0, while the slow batch is still in flight.
      const expected = new Map<string, number>();
      const committedBefore = (await listBatches(db, fast.id, { limit: 1_000 })).filter((b) => b.status === "succeeded" && b.records > 0).length;
      for (let burst = 0; burst < 3; burst++) {
        const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${(i + burst) % 5}`, value: String(i) }));
        for (const m of messages) expected.set(m.key, (expected.get(m.key) ?? 0) + 1);
        await producer.send({ topic: fastTopic, messages });
        await waitFor(() => caughtUp(db, host.log, fast.id, [fastTopic]), `the fast job to reach lag 0 (burst ${burst + 1}) while the slow batch runs`, Math.max(1, windowEnd - Date.now()), 25);
      }
      expect(slow.inFlight, "the slow job's batch is still in flight").toBe(true);
      expect(await readCounts(db, fast.id)).toEqual(expected);
      const committed = (await listBatches(db, fast.id, { limit: 1_000 })).filter((b) => b.status === "succeeded" && b.records > 0).length;
      expect(committed - committedBefore).toBeGreaterThanOrEqual(3);

      // The slow batch then commits as usual.
      await waitFor(() => caughtUp(db, host.log, slowJob.id, [slowTopic]), "the slow job's batch to commit", SLOW_MS + 10_000);
      expect(slow.batches).toBe(1);
      expect((await listBatches(db, slowJob.id, { limit: 10 }))[0]).toMatchObject({ status: "succeeded", records: 3 });
    } finally {
      await producer.disconnect();
    }
  });
});
