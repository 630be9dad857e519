/**
 * Jobs over the data a production cluster holds: record batches larger than the fetch sizes, a
 * compacted topic with gaps, transactions committed and aborted. Counted exactly against what kcat
 * (librdkafka, read_committed) reads from the log, never against our own reader.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigResourceTypes } from "kafkajs";
import { partitionKey } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, jobRow, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState, type NewJob } from "../stores/job-store";
import { RuntimeHost } from "./runtime-host";

/** Per key, how many records kcat reads from the whole topic. */
function kcatKeyCounts(topic: string): Map<string, number> {
  const out = spawnSync("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-X", "fetch.max.bytes=52428800", "-f", "%k\\n"], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  const counts = new Map<string, number>();
  for (const key of out.stdout.split("\n").filter(Boolean)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

describe("jobs on real-world data, counted against kcat", () => {
  const database = createTempDatabase();
  const db = database.client();
  let host: RuntimeHost;

  beforeAll(async () => {
    host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "real-world-int-test", reconcileIntervalMs: 100 });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await db.$disconnect();
    database.remove();
  });

  const runJob = async (job: Partial<NewJob> & Pick<NewJob, "name" | "topics">) => {
    const created = await insertJob(db, { processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "earliest", retryBackoffMs: 50, ...job });
    await setDesiredState(db, created.id, "running");
    return created;
  };

  /** Waits for lag 0, then checks counts, batch ranges and the job's health. */
  const expectExactlyOnce = async (jobId: string, topic: string) => {
    await waitFor(() => caughtUp(db, host.log, jobId, [topic]), "the job at lag 0", 90_000);
    expect(await readCounts(db, jobId)).toEqual(kcatKeyCounts(topic));
    const batches = await listBatches(db, jobId, { limit: 10_000 });
    expect(batches.filter((b) => b.status === "failed")).toEqual([]);
    const logEnds = new Map((await host.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(batches.filter((b) => b.status === "succeeded").flatMap((b) => b.ranges), logEnds);
    expect((await jobRow(db, jobId)).status).toBe("running");
  };

  it("counts every record of a partition whose record batches are larger than the fetch sizes, wherever it comes in a fetch", async () => {
    const topic = uniqueTopicName("big-batches");
    await createTopic(testBrokers(), topic, 4, [{ name: "max.message.bytes", value: String(4 * 1024 * 1024) }]);
    const kcat = ["-X", "message.max.bytes=20000000", "-X", "linger.ms=20"];
    const small = (p: number, n: number) => Array.from({ length: n }, () => `p${p}:${"s".repeat(1000)}`);
    for (const p of [0, 1, 3]) await produceWithKcat(testBrokers(), topic, small(p, 3000), { partition: p, extraArgs: kcat });
    // Partition 2's first record batch is a 2 MB record; five more among 3,000 records of 1 KB.
    for (let round = 0; round < 6; round++) {
      await produceWithKcat(testBrokers(), topic, [`p2:${"B".repeat(2 * 1024 * 1024)}`], { partition: 2, extraArgs: kcat });
      await produceWithKcat(testBrokers(), topic, small(2, 500), { partition: 2, extraArgs: kcat });
    }
    // The reader turns the order of the partitions in its fetches from one read to the next: among four
    // jobs reading the backlog at once, partition 2 comes first in one job's first fetch, and second,
    // third or last in the others', behind partitions that fill their share of the response.
    const jobs = [];
    for (let i = 0; i < 4; i++) jobs.push(await runJob({ name: uniqueTopicName(`big-batches-job-${i}`), topics: [topic] }));
    for (const job of jobs) {
      await expectExactlyOnce(job.id, topic);
      expect((await readCounts(db, job.id)).get("p2"), job.name).toBe(3006);
    }
  });

  it("counts a compacted topic with gaps and a transactional one, with a range ending on every offset", async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: "1", configEntries: [{ name: "log.cleaner.backoff.ms", value: "300" }] }] });
    const topic = uniqueTopicName("compacted-txn");
    await createTopic(testBrokers(), topic, 1, [
      { name: "cleanup.policy", value: "compact" },
      { name: "segment.ms", value: "100" },
      { name: "min.cleanable.dirty.ratio", value: "0.0001" },
      { name: "delete.retention.ms", value: "0" },
      { name: "min.compaction.lag.ms", value: "0" },
    ]);
    const pause = () => new Promise((r) => setTimeout(r, 300));
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 12 }, (_, i) => `k${i % 6}:v${i}`), { extraArgs: ["-X", "linger.ms=0"] });
    await pause();
    // Transactions in the same log: committed, aborted, aborted, committed.
    const producer = testKafka().producer({ transactionalId: uniqueTopicName("txn"), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [outcome, keys] of [["commit", ["t1", "t2"]], ["abort", ["x1", "x2"]], ["abort", ["x3"]], ["commit", ["t3"]]] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: keys.map((key) => ({ key, value: key })) });
      await (outcome === "commit" ? txn.commit() : txn.abort());
    }
    await producer.disconnect();
    await pause();
    await produceWithKcat(testBrokers(), topic, ["k0:last", "k1:last"], { extraArgs: ["-X", "linger.ms=0"] });
    await pause();
    await produceWithKcat(testBrokers(), topic, ["roll:r"]);
    await admin.disconnect();
    // Compaction keeps the newest of k0..k5: wait until the cleaner has removed the older ones.
    await waitFor(async () => (kcatKeyCounts(topic).get("k2") ?? 0) === 1, "the cleaner to compact the topic");

    // One offset per batch: every range ends on an offset, a compaction gap or a transaction marker.
    const job = await runJob({ name: uniqueTopicName("compacted-txn-job"), topics: [topic], maxRecordsPerPartition: 1 });
    await expectExactlyOnce(job.id, topic);
    const counts = await readCounts(db, job.id);
    expect(counts.has("x1") || counts.has("x3")).toBe(false);
    expect(counts.get("t3")).toBe(1);
  });
});
