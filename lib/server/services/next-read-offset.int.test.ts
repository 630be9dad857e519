/**
 * One rule for where a job reads next (lib/domain/next-read-offset.ts), on the real broker: a partition
 * added to the topic of a `startingOffsets: "latest"` job is read from its log start by the runtime, and
 * the lag sampler, the partitions API, the planner and a reset preview all count it from there.
 */
import { afterAll, describe, expect, it } from "vitest";
import { resetRequestSchema } from "@/lib/contracts/resets";
import { planOffsetRanges } from "@/lib/domain/plan-offset-ranges";
import { systemClock } from "@/lib/domain/ports";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { KafkaLagSource } from "../lag/kafka-lag-source";
import { LagSampler } from "../lag/lag-sampler";
import { readLatestTick, TOTAL_PARTITION } from "../lag/lag-store";
import { RuntimeHost } from "../runtime/runtime-host";
import { findJob, insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { jobPartitions } from "./jobs";
import { resetOffsets } from "./resets";

describe("a partition added to the topic of a latest job", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("next-read");
  const log = new KafkajsLog(createKafka(testBrokers(), "next-read-test"));
  const source = new KafkaLagSource(createKafka(testBrokers(), "next-read-lag"));

  afterAll(async () => {
    await source.close();
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  async function produce(partition: number, count: number) {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `p${partition}`, value: `v${i}`, partition })) });
    await producer.disconnect();
  }

  async function run(jobId: string, until: () => Promise<boolean>) {
    await setDesiredState(db, jobId, "running");
    const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "next-read-runtime", reconcileIntervalMs: 100 });
    await host.start();
    await waitFor(until, "the job to catch up", 60_000);
    await setDesiredState(db, jobId, "stopped");
    await host.stop();
  }

  it("is read from its log start, and lag, the partitions API, the planner and resets agree", async () => {
    await createTopic(testBrokers(), topic, 1);
    await produce(0, 7); // before the job: a latest job never reads these
    const job = await insertJob(db, { name: "latest-job", topics: [topic], processor: "count-by-key", batchIntervalMs: 100, startingOffsets: "latest" });
    await run(job.id, async () => (await readOffsets(db, job.id)).length === 1);
    expect((await readOffsets(db, job.id)).map((o) => o.offset)).toEqual([7]);

    const admin = testKafka().admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });
    await admin.disconnect();
    await waitFor(async () => (await log.logOffsets([topic])).length === 2, "partition 1 in the metadata", 30_000);
    await produce(1, 5);
    await produce(0, 3);
    const logOffsets = await log.logOffsets([topic]);
    const stopped = (await findJob(db, job.id))!;

    // The partitions API: 3 behind on partition 0, all 5 of the new partition 1.
    const partitions = await jobPartitions({ db, log }, stopped);
    expect(partitions.map((p) => [p.partition, p.committedOffset, p.lag])).toEqual([
      [0, 7, 3],
      [1, null, 5],
    ]);
    // The lag sampler.
    const sampler = new LagSampler({ db, source, clock: systemClock, intervalMs: 1000, retentionMs: 3_600_000, groups: false });
    await sampler.tick();
    const sampled = await readLatestTick(db, "job", job.id);
    expect(sampled.filter((r) => r.partition !== TOTAL_PARTITION).map((r) => [r.partition, r.lag])).toEqual([
      [0, 3],
      [1, 5],
    ]);
    expect(sampled.find((r) => r.partition === TOTAL_PARTITION)?.lag).toBe(8);
    // The planner.
    const plan = planOffsetRanges({ owned: logOffsets, stored: await readOffsets(db, job.id), log: logOffsets, startingOffsets: "latest" });
    expect(plan.ranges.map((r) => [r.partition, r.fromOffset, r.untilOffset])).toEqual([
      [0, 7, 10],
      [1, 0, 5],
    ]);
    // A reset's preview: to-latest skips those 3 and 5 records.
    const preview = await resetOffsets({ db, log, actor: "user:tester" }, job.id, resetRequestSchema.parse({ mode: "to-latest" }));
    expect(preview.partitions.map((p) => [p.partition, p.currentOffset, p.targetOffset, p.delta])).toEqual([
      [0, 7, 10, 3],
      [1, null, 5, 5],
    ]);

    // The runtime reads exactly those 8 records.
    await run(job.id, () => caughtUp(db, log, job.id, [topic]));
    expect(await readCounts(db, job.id)).toEqual(new Map([["p0", 3], ["p1", 5]]));
  });
});
