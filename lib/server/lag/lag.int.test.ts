/**
 * Lag sampling on the real broker: a job stopped while records arrive, then restarted; and an external
 * kafkajs consumer group. Short sample interval (200 ms) and window (10 samples) keep it fast.
 */
import type { Consumer } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { batchSeriesSchema, groupDetailSchema, groupSummarySchema, lagEvaluationSchema, lagSeriesSchema, overviewSchema, topicDetailSchema } from "@/lib/contracts/lag";
import { systemClock } from "@/lib/domain/ports";
import { partitionKey } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { KafkaLagSource } from "./kafka-lag-source";
import { LagSampler } from "./lag-sampler";
import { jobBatchSeries } from "./batch-series-service";
import { groupDetail, groupLagSeries, listGroupSummaries, topicDetail } from "./cluster-lag-service";
import { jobLagSeries, jobLagStatus, overview } from "./lag-service";
import { readLatestTick, TOTAL_PARTITION } from "./lag-store";

const INTERVAL_MS = 200;
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `k${(i + from) % 50}:{"i":${i + from}}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An answer is what the OpenAPI document says of it: the contract's schemas are strict, no field more or less. */
const expectDescribed = (schema: ZodType, answer: unknown) => expect(schema.safeParse(answer).error).toBeUndefined();

describe("lag sampler on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const source = new KafkaLagSource(createKafka(testBrokers(), "lag-int-test"));
  const ctx = () => ({ db, nowMs: Date.now(), intervalMs: INTERVAL_MS });

  afterAll(async () => {
    await source.close();
    await db.$disconnect();
    database.remove();
  });

  it("stopped job: exact lag, growing time lag, STOP and ETA never; restarted: ETA falls, then OK", async () => {
    const topic = uniqueTopicName("lag-job");
    await createTopic(testBrokers(), topic, 2);
    await produceWithKcat(testBrokers(), topic, lines(400));
    const job = await insertJob(db, {
      name: `lag-${Date.now().toString(36)}`,
      topics: [topic],
      processor: "count-by-key",
      batchIntervalMs: 200,
      maxRecordsPerPartition: 150,
      startingOffsets: "earliest",
    } as never);
    await setDesiredState(db, job.id, "running");

    const runtime = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "lag-int-runtime", reconcileIntervalMs: 100 });
    const sampler = new LagSampler({ db, source, clock: systemClock, intervalMs: INTERVAL_MS, retentionMs: 3_600_000, windowSize: 10, groups: false });
    await runtime.start();
    await sampler.start();
    try {
      const status = () => jobLagStatus(ctx(), job);
      await waitFor(async () => (await status()).totalLag === 0, "the job to catch up", 30_000);

      // Stop the job, then produce: the lag is exactly log end − committed, per partition.
      await setDesiredState(db, job.id, "stopped");
      await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: job.id } })).status === "stopped", "the job to stop", 15_000);
      await produceWithKcat(testBrokers(), topic, lines(3000, 400));
      const ends = new Map((await source.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
      const committed = new Map((await readOffsets(db, job.id)).map((o) => [partitionKey(o), o.offset]));
      await waitFor(async () => (await readLatestTick(db, "job", job.id)).some((r) => r.partition === TOTAL_PARTITION && r.lag === 3000), "a sample after producing", 10_000);
      const first = await readLatestTick(db, "job", job.id);
      for (const r of first.filter((x) => x.partition !== TOTAL_PARTITION)) {
        expect(r.committedOffset).toBe(committed.get(partitionKey(r)));
        expect(r.lag).toBe(ends.get(partitionKey(r))! - committed.get(partitionKey(r))!);
        expect(r.timeLagMs).toBeGreaterThanOrEqual(0);
      }
      const timeLag1 = first.find((r) => r.partition === TOTAL_PARTITION)!.timeLagMs;
      await sleep(1000);
      const timeLag2 = (await readLatestTick(db, "job", job.id)).find((r) => r.partition === TOTAL_PARTITION)!.timeLagMs;
      expect(timeLag2 - timeLag1).toBeGreaterThanOrEqual(700);
      expect(timeLag2 - timeLag1).toBeLessThanOrEqual(1600);

      // No commits for longer than the window spans: STOP, and no ETA.
      // (A partition whose log end equalled its offset within the window is not STOP yet: Burrow #303.)
      await waitFor(async () => (await status()).partitions.every((p) => p.status === "STOP"), "STOP on every partition", 10_000);
      const stopped = await status();
      expect(stopped).toMatchObject({ status: "ERR", worst: "STOP", eta: { state: "never" }, totalLag: 3000 });
      expect(stopped.partitions.map((p) => p.status)).toEqual(["STOP", "STOP"]);
      expectDescribed(lagEvaluationSchema, stopped);

      // Restart: 2 × 150 records per 200 ms batch; the ETA is finite and falls, then the job is OK at lag 0.
      await setDesiredState(db, job.id, "running");
      const etas: number[] = [];
      await waitFor(
        async () => {
          const s = await status();
          if (s.eta.state === "catching-up" && s.eta.ms !== null) etas.push(s.eta.ms);
          return s.totalLag === 0;
        },
        "the restarted job to catch up",
        30_000,
        100,
      );
      expect(etas.length).toBeGreaterThanOrEqual(3);
      expect(etas.at(-1)!).toBeLessThan(etas[0]);
      await waitFor(async () => (await status()).status === "OK", "OK after catching up", 10_000);
      expect(await status()).toMatchObject({ status: "OK", worst: "OK", eta: { state: "caught-up", ms: 0 } });

      const series = await jobLagSeries(ctx(), job, { points: 500, from: Date.now() - 30_000, partition: "all" });
      expect(series.bucketMs).toBe(1000);
      // Seconds with samples: ~7 on an idle machine, fewer when ticks are slow under load.
      expect(series.total.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...series.total.map((p) => p.lagMax))).toBe(3000);
      expect(series.partitions?.map((p) => p.partition)).toEqual([0, 1]);
      expectDescribed(lagSeriesSchema, series);
      expectDescribed(batchSeriesSchema, await jobBatchSeries(ctx(), job, { points: 500, from: Date.now() - 30_000 }));
      expectDescribed(overviewSchema, await overview(ctx(), source));
      expectDescribed(topicDetailSchema, await topicDetail(source, topic, Date.now()));
    } finally {
      await sampler.stop();
      await runtime.stop();
    }
  });

  it("external kafkajs group: per-partition lag and owners; STALL with members, STOP without", async () => {
    const topic = uniqueTopicName("lag-group");
    const groupId = uniqueTopicName("lag-int-group");
    await createTopic(testBrokers(), topic, 4);
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: `v${i}` })) });
    await producer.disconnect();

    const assignments = new Map<string, number[]>();
    const consumers: Consumer[] = [];
    for (const clientId of ["lag-int-a", "lag-int-b"]) {
      const consumer = testKafka(testBrokers(), clientId).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
      consumer.on(consumer.events.GROUP_JOIN, (e) => assignments.set(clientId, e.payload.memberAssignment[topic] ?? []));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      consumers.push(consumer);
    }
    const sampler = new LagSampler({ db, source, clock: systemClock, intervalMs: INTERVAL_MS, retentionMs: 3_600_000, windowSize: 10 });
    try {
      await waitFor(async () => [...assignments.values()].flat().length === 4 && assignments.size === 2 && [...assignments.values()].every((a) => a.length === 2), "both members assigned", 30_000);
      for (const [i, clientId] of ["lag-int-a", "lag-int-b"].entries()) {
        await consumers[i].commitOffsets(assignments.get(clientId)!.map((partition) => ({ topic, partition, offset: "10" })));
        consumers[i].pause([{ topic }]);
      }

      const detail = await groupDetail(ctx(), source, groupId);
      expect(detail.state).toBe("Stable");
      expect(detail.members.map((m) => m.clientId).sort()).toEqual(["lag-int-a", "lag-int-b"]);
      expect(detail.partitions.map((p) => [p.partition, p.committedOffset, p.logEndOffset, p.lag])).toEqual([0, 1, 2, 3].map((p) => [p, 10, 100, 90]));
      for (const p of detail.partitions) {
        const owner = [...assignments].find(([, parts]) => parts.includes(p.partition))![0];
        expect(p.owner?.clientId, `owner of partition ${p.partition}`).toBe(owner);
        expect(p.owner?.memberId).toMatch(/^lag-int-/);
      }
      expect(detail.totalLag).toBe(360);
      expect(detail.tidemarkJob).toBeNull();
      expectDescribed(groupDetailSchema, detail);

      await sampler.start();
      await waitFor(async () => (await groupDetail(ctx(), source, groupId)).worst === "STALL", "STALL while members hold still", 15_000);
      const summaries = await listGroupSummaries(ctx(), source);
      expect(summaries.find((g) => g.group === groupId)).toMatchObject({ members: 2, status: "ERR", worst: "STALL", totalLag: 360, partitions: 4 });
      for (const summary of summaries) expectDescribed(groupSummarySchema, summary);
      const groupSeries = await groupLagSeries(ctx(), source, groupId, { points: 500, from: Date.now() - 30_000 });
      expect(Math.max(...groupSeries.total.map((p) => p.lag))).toBe(360);
      expectDescribed(lagSeriesSchema, groupSeries);

      await Promise.all(consumers.map((c) => c.disconnect()));
      consumers.length = 0;
      await waitFor(async () => (await groupDetail(ctx(), source, groupId)).worst === "STOP", "STOP once the group is empty", 20_000);
      expect((await groupDetail(ctx(), source, groupId)).state).toBe("Empty");
    } finally {
      await sampler.stop();
      await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
    }
  });
});
