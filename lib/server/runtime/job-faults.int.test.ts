/**
 * How a job behaves when things go wrong, on the real broker: poison records, Kafka outages, deleted topics,
 * retention past the stored offsets, a broker restart. Over 300 lines on purpose: one scenario per `it`,
 * sharing one broker, database and runtime setup that a split would repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock, type KafkaLog } from "@/lib/domain/ports";
import { partitionKey, type KafkaRecord } from "@/lib/domain/types";
import {
  canControlTestBroker,
  createTopic,
  produceWithKcat,
  startTestBroker,
  stopTestBroker,
  testBrokers,
  testKafka,
  uniqueTopicName,
} from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, jobRow, keyedLines, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { AppError } from "../http/app-error";
import { sumField } from "@/lib/testing/json-sum-processor";
import { eachRecord, jsonValue } from "../processors/processor";
import { registerProcessor } from "../processors/registry";
import { getJobDto, listJobDtos, updateJob } from "../services/jobs";
import { insertPlannedBatch, latestFailure, listBatches } from "../stores/batch-store";
import { listDeadLetters } from "../stores/dead-letter-store";
import { insertJob, setDesiredState, type NewJob } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { listStoredRecords } from "../stores/record-store";
import { JobRunner } from "./job-runner";
import { RuntimeHost } from "./runtime-host";
import { StaticOwnership } from "./static-ownership";

registerProcessor(sumField);
// sum-field with a fold that checks each record as it is read, and throws on the poison one: the
// runtime must then fall back to process() and apply onError exactly as without a fold.
registerProcessor({
  ...sumField,
  name: "test.folding-sum-field",
  fold(batch) {
    const seen: KafkaRecord[] = [];
    return {
      add: (records) =>
        eachRecord(records, (record) => {
          jsonValue(record);
          seen.push(record);
        }),
      commit: (tx) => sumField.process({ ...batch, records: seen }, tx),
    };
  },
});
// Backpressure test: 1 ms per 4 records keyed slow-*, none for others, so one topic holds a slow
// stretch and a fast one. The wait is in deliver (outside the transaction, as slow work must be),
// which counts in the batch's processing time.
registerProcessor({
  name: "test.slow-keys",
  description: "sleeps 1 ms per 4 records keyed slow-*",
  configSchema: z.strictObject({}),
  deliver: ({ records }) => new Promise((resolve) => setTimeout(resolve, records.filter((r) => r.key?.toString("utf8").startsWith("slow-")).length / 4)),
  process: async () => {},
});

describe("job runtime faults on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const admin = testKafka().admin();
  let host: RuntimeHost;

  beforeAll(async () => {
    await admin.connect();
    host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "faults-int-test", reconcileIntervalMs: 100 });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await admin.disconnect();
    await db.$disconnect();
    database.remove();
  });

  const deps = () => ({ db, log: host.log, actor: "test" });
  const newJob = async (job: Partial<NewJob> & Pick<NewJob, "name" | "topics">, run = true) => {
    const created = await insertJob(db, { processor: "count-by-key", batchIntervalMs: 200, startingOffsets: "earliest", retryBackoffMs: 50, ...job });
    if (run) await setDesiredState(db, created.id, "running");
    return created;
  };
  const statusIs = (jobId: string, status: string) => async () => (await jobRow(db, jobId)).status === status;

  it.each(["example.sum-field", "test.folding-sum-field"])("poison record (%s): onError=fail retries, then fails naming batch, partition and offset; skip dead-letters it after a PATCH", async (processor) => {
    const topic = uniqueTopicName("poison");
    await createTopic(testBrokers(), topic, 1);
    const lines: string[] = [];
    const sums = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      if (i === 57) {
        lines.push("k-7:this is not json");
        continue;
      }
      const key = `k-${i % 10}`;
      lines.push(`${key}:{"amount":${i}}`);
      sums.set(key, (sums.get(key) ?? 0) + i);
    }
    await produceWithKcat(testBrokers(), topic, lines);
    const job = await newJob({ name: `poison-${processor}`.replace(/\./g, "-"), topics: [topic], processor, processorConfig: { field: "amount" }, maxAttempts: 3 });

    await waitFor(statusIs(job.id, "failed"), "the job to fail on the poison record", 30_000);
    const failed = await jobRow(db, job.id);
    expect(failed.statusMessage).toContain("failed after 3 attempts");
    expect(failed.failureCode).toBe("ATTEMPTS_EXHAUSTED");
    expect(failed.statusMessage).toContain(`${topic}/0 offset 57`);
    const failure = await latestFailure(db, job.id);
    expect(failure).toMatchObject({ topic, partition: 0, offset: 57, attempts: 3 });
    expect(failure?.error).toContain("not JSON");
    const [batch] = await listBatches(db, job.id, { limit: 10 });
    expect(batch).toMatchObject({ status: "failed", failedAt: { topic, partition: 0, offset: 57 }, ranges: [{ fromOffset: 0, untilOffset: 100 }] });
    expect(await readCounts(db, job.id)).toEqual(new Map()); // nothing of the batch committed
    expect(await readOffsets(db, job.id)).toEqual([]);

    // A job that wants to run cannot be edited; a stopped one can, and the same batch runs again.
    await expect(updateJob(deps(), job.id, { onError: "skip" })).rejects.toMatchObject({ code: "JOB_RUNNING" } satisfies Partial<AppError>);
    await setDesiredState(db, job.id, "stopped");
    const patched = await updateJob(deps(), job.id, { onError: "skip" });
    expect(patched.onError).toBe("skip");
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the job to skip the poison record and catch up", 30_000);

    expect(await readCounts(db, job.id)).toEqual(sums);
    const letters = await listDeadLetters(db, job.id, { limit: 10 });
    expect(letters.items).toHaveLength(1);
    expect(letters.items[0]).toMatchObject({ batchId: batch.id, topic, partition: 0, offset: 57, key: "k-7", value: "this is not json" });
    expect(letters.items[0].error).toContain("not JSON");
    const [rerun] = await listBatches(db, job.id, { limit: 1 });
    expect(rerun).toMatchObject({ id: batch.id, status: "succeeded", records: 100, failedAt: null });
    expect(Number((await jobRow(db, job.id)).recordsProcessed)).toBe(100);
  });

  it("broker down mid-job: the job shows waiting, resumes by itself, loses and doubles nothing; offsets are mirrored to Kafka", async ({ skip }) => {
    if (!canControlTestBroker()) skip();
    const topic = uniqueTopicName("outage");
    await createTopic(testBrokers(), topic, 4);
    const expected = new Map<string, number>();
    await produceWithKcat(testBrokers(), topic, keyedLines(20_000, 50, 1, expected));
    const job = await newJob({ name: "outage", topics: [topic], maxRecordsPerPartition: 500 });
    await waitFor(async () => Number((await jobRow(db, job.id)).recordsProcessed) > 2_000, "some progress", 30_000);

    await stopTestBroker();
    try {
      await waitFor(async () => {
        const row = await jobRow(db, job.id);
        return row.status === "waiting" && (row.statusMessage ?? "").startsWith("waiting for Kafka");
      }, "the job to show waiting for Kafka", 30_000);
    } finally {
      await startTestBroker();
    }
    await produceWithKcat(testBrokers(), topic, keyedLines(5_000, 50, 2, expected));
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the job to resume and catch up", 60_000);
    await waitFor(statusIs(job.id, "running"), "status running again", 10_000);

    expect(await readCounts(db, job.id)).toEqual(expected);
    const logEnds = new Map((await host.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    const batches = (await listBatches(db, job.id, { limit: 10_000 })).filter((b) => b.status === "succeeded");
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
    expect(Number((await jobRow(db, job.id)).recordsProcessed)).toBe(25_000);

    // Best effort and asynchronous: Kafka's group tidemark.outage ends where the job's offsets are.
    await waitFor(async () => {
      const [mirrored] = await admin.fetchOffsets({ groupId: "tidemark.outage", topics: [topic] });
      return mirrored.partitions.every((p) => Number(p.offset) === logEnds.get(`${topic}:${p.partition}`));
    }, "the mirrored group offsets to reach the log end", 15_000);
  });

  it("partitions added to a topic are picked up within 30 s and read from their start", async () => {
    const topic = uniqueTopicName("grow");
    await createTopic(testBrokers(), topic, 1);
    await produceWithKcat(testBrokers(), topic, ["old:1", "old:2"]); // before the job: skipped under latest
    const job = await newJob({ name: "grow", topics: [topic], startingOffsets: "latest" });
    await waitFor(async () => (await readOffsets(db, job.id)).length === 1, "the job to take its starting offset", 15_000);

    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
    const added = Date.now();
    await produceWithKcat(testBrokers(), topic, ["p1:a", "p1:b"], { partition: 1 });
    await produceWithKcat(testBrokers(), topic, ["p2:a"], { partition: 2 });
    await produceWithKcat(testBrokers(), topic, ["p0:a"], { partition: 0 });
    await waitFor(async () => (await readCounts(db, job.id)).size === 3, "records of the added partitions", 30_000, 100);
    expect(Date.now() - added).toBeLessThan(30_000);
    expect(await readCounts(db, job.id)).toEqual(new Map([["p0", 1], ["p1", 2], ["p2", 1]]));
  });

  it("a deleted topic fails its job with an error naming it; other jobs carry on", async () => {
    const doomed = uniqueTopicName("doomed");
    const other = uniqueTopicName("other");
    await createTopic(testBrokers(), doomed, 2);
    await createTopic(testBrokers(), other, 1);
    await produceWithKcat(testBrokers(), doomed, ["a:1", "b:2"]);
    const victim = await newJob({ name: "doomed", topics: [doomed] });
    const bystander = await newJob({ name: "bystander", topics: [other] });
    await waitFor(() => caughtUp(db, host.log, victim.id, [doomed]), "the job to read the topic", 20_000);

    await admin.deleteTopics({ topics: [doomed] });
    await waitFor(statusIs(victim.id, "failed"), "the job to fail", 45_000);
    expect(await jobRow(db, victim.id)).toMatchObject({ failureCode: "TOPIC_DELETED", statusMessage: expect.stringContaining(`topic '${doomed}' no longer exists`) });

    await produceWithKcat(testBrokers(), other, ["x:1", "y:1", "x:2"]);
    await waitFor(async () => (await readCounts(db, bystander.id)).get("x") === 2, "the other job to go on counting", 30_000);
    expect((await jobRow(db, bystander.id)).status).toBe("running");

    // The job whose topic is gone shows an unknown lag (not 0), alone and in the list, which asks Kafka once for all jobs.
    const listed = new Map((await listJobDtos({ db, log: host.log })).map((j) => [j.name, j.totalLag]));
    expect(listed.get("doomed")).toBeNull();
    expect((await getJobDto({ db, log: host.log }, "doomed")).totalLag).toBeNull();
    expect(listed.get("bystander")).toBe(0);
  });

  it("offsets out of range: fail by default, or an audited reset to earliest with the records skipped", async () => {
    const topic = uniqueTopicName("retention");
    await createTopic(testBrokers(), topic, 1);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `a:${i}`));
    const job = await newJob({ name: "retention", topics: [topic] });
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the first 100 records", 20_000);
    await setDesiredState(db, job.id, "stopped");
    await waitFor(statusIs(job.id, "stopped"), "the job to stop", 10_000);

    // Records 100..199 arrive while the job is stopped; "retention" deletes up to 150 before it reads them.
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `b:${i}`));
    const freshAdmin = testKafka().admin(); // the shared one still has metadata of the deleted topic
    await freshAdmin.connect();
    await freshAdmin.fetchTopicOffsets(topic); // loads the topic's metadata, which deleteTopicRecords needs
    await freshAdmin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "150" }] }).finally(() => freshAdmin.disconnect());
    await setDesiredState(db, job.id, "running");
    await waitFor(statusIs(job.id, "failed"), "the job to fail out of range", 20_000);
    expect(await jobRow(db, job.id)).toMatchObject({ failureCode: "OFFSET_OUT_OF_RANGE", statusMessage: expect.stringMatching(/at offset 100 but the log now starts at 150/) });

    await setDesiredState(db, job.id, "stopped");
    await updateJob(deps(), job.id, { onOutOfRange: "earliest" });
    expect((await readOffsets(db, job.id))[0].offset).toBe(100); // the edit kept the offsets
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the job to reset and catch up", 20_000);
    expect(await readCounts(db, job.id)).toEqual(new Map([["a", 100], ["b", 50]]));
    const audit = await db.auditEvent.findMany({ where: { targetId: job.id, action: "offsets.auto-reset" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe("system");
    expect(JSON.parse(audit[0].details)).toMatchObject({ topic, partition: 0, fromOffset: 100, toOffset: 150, recordsSkipped: 50, policy: "earliest" });
  });

  it("a resumed batch whose range retention deleted is abandoned, so onOutOfRange applies: fail fails, earliest resets with an audit", async () => {
    const topic = uniqueTopicName("retention-resume");
    const other = uniqueTopicName("retention-other");
    await createTopic(testBrokers(), topic, 1);
    await createTopic(testBrokers(), other, 1);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `a:${i}`));
    const failing = await newJob({ name: "resume-fail", topics: [topic] });
    const resetting = await newJob({ name: "resume-earliest", topics: [topic], onOutOfRange: "earliest" });
    for (const job of [failing, resetting]) {
      await waitFor(() => caughtUp(db, host.log, job.id, [topic]), `${job.name}: the first 100 records`, 20_000);
      await setDesiredState(db, job.id, "stopped");
      await waitFor(statusIs(job.id, "stopped"), `${job.name} to stop`, 10_000);
    }

    // Each job stopped (or crashed) mid-batch: the plan [100, 200) is recorded, nothing of it committed.
    // Then retention deletes up to 150 before either runs again.
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `b:${i}`));
    const plans = new Map<string, number>();
    for (const job of [failing, resetting]) plans.set(job.id, await insertPlannedBatch(db, job.id, new Date(), [{ topic, partition: 0, fromOffset: 100, untilOffset: 200 }]));
    await deleteRecordsBefore(topic, 150);
    for (const job of [failing, resetting]) await setDesiredState(db, job.id, "running");

    await waitFor(statusIs(failing.id, "failed"), "the fail job to fail out of range", 20_000);
    expect(await jobRow(db, failing.id)).toMatchObject({ failureCode: "OFFSET_OUT_OF_RANGE", statusMessage: expect.stringMatching(/at offset 100 but the log now starts at 150/) });
    expect(await readOffsets(db, failing.id)).toEqual([{ topic, partition: 0, offset: 100 }]);

    await waitFor(() => caughtUp(db, host.log, resetting.id, [topic]), "the earliest job to reset and catch up", 20_000);
    expect(await readCounts(db, resetting.id)).toEqual(new Map([["a", 100], ["b", 50]]));
    const audit = await db.auditEvent.findMany({ where: { targetId: resetting.id, action: "offsets.auto-reset" } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details)).toMatchObject({ topic, partition: 0, fromOffset: 100, toOffset: 150, recordsSkipped: 50, policy: "earliest" });
    for (const job of [failing, resetting]) expect((await db.batch.findUniqueOrThrow({ where: { id: plans.get(job.id) } })).status).toBe("abandoned");

    // A stopped job given other topics never resumes a plan of the old ones.
    await setDesiredState(db, failing.id, "stopped");
    const oldPlan = await insertPlannedBatch(db, failing.id, new Date(), [{ topic, partition: 0, fromOffset: 150, untilOffset: 200 }]);
    await updateJob(deps(), failing.id, { topics: [other] });
    expect((await db.batch.findUniqueOrThrow({ where: { id: oldPlan } })).status).toBe("abandoned");
  });

  it("retention deleting a planned range before it is read: the fetch's OFFSET_OUT_OF_RANGE abandons the batch and re-plans under onOutOfRange", async () => {
    const topic = uniqueTopicName("retention-read");
    await createTopic(testBrokers(), topic, 1);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `a:${i}`));
    const job = await newJob({ name: "retention-read", topics: [topic], onOutOfRange: "earliest" }, false);
    let retention: (() => Promise<void>) | null = null;
    const log = interceptReads(host.log, async () => {
      const run = retention;
      retention = null;
      await run?.();
    });
    const runner = new JobRunner(job, { db, log, ownership: new StaticOwnership(host.log, [topic]), clock: systemClock });
    expect(await runner.runBatch(Date.now())).toMatchObject({ records: 100 });

    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `b:${i}`));
    retention = () => deleteRecordsBefore(topic, 150); // after the batch [100, 200) is planned, before it is read
    expect(await runner.runBatch(Date.now())).toMatchObject({ records: 50 });

    const batches = await listBatches(db, job.id, { limit: 10 });
    expect(batches.map((b) => [b.status, b.ranges[0].fromOffset, b.ranges[0].untilOffset])).toEqual([
      ["succeeded", 150, 200],
      ["abandoned", 100, 200],
      ["succeeded", 0, 100],
    ]);
    expect(await readCounts(db, job.id)).toEqual(new Map([["a", 100], ["b", 50]]));
    const audit = await db.auditEvent.findMany({ where: { targetId: job.id, action: "offsets.auto-reset" } });
    expect(audit.map((a) => JSON.parse(a.details))).toMatchObject([{ fromOffset: 100, toOffset: 150, recordsSkipped: 50 }]);
  });

  it("forward whose target topic is deleted mid-job fails naming that topic instead of waiting for Kafka", async () => {
    const source = uniqueTopicName("fwd-gone-src");
    const target = uniqueTopicName("fwd-gone-dst");
    await createTopic(testBrokers(), source, 1);
    await createTopic(testBrokers(), target, 1);
    await produceWithKcat(testBrokers(), source, ["a:1"]);
    const job = await newJob({ name: "fwd-gone", topics: [source], processor: "forward", processorConfig: { topic: target }, maxAttempts: 2 });
    await waitFor(() => caughtUp(db, host.log, job.id, [source]), "the first record to be forwarded", 20_000);

    const fresh = testKafka().admin(); // the shared one keeps metadata of topics deleted by other tests
    await fresh.connect();
    await fresh.deleteTopics({ topics: [target] }).finally(() => fresh.disconnect());
    await produceWithKcat(testBrokers(), source, ["b:2"]);
    await waitFor(statusIs(job.id, "failed"), "the job to fail", 30_000);
    const message = (await jobRow(db, job.id)).statusMessage ?? "";
    expect(message).toContain("failed after 2 attempts");
    expect(message).toContain(`cannot write to topic '${target}': the topic does not exist`);
    expect(await readOffsets(db, job.id)).toEqual([{ topic: source, partition: 0, offset: 1 }]);
  });

  it("two runners on one database racing for the same ranges: one commits, the other plans anew; nothing fails, nothing counts twice", async () => {
    const topic = uniqueTopicName("race");
    await createTopic(testBrokers(), topic, 1);
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 100 }, (_, i) => `a:${i}`));
    const job = await newJob({ name: "race", topics: [topic] }, false);
    // Two runtimes' runners of the job. They share one client: two better-sqlite3 connections in one
    // process would stall each other (SQLite's busy wait blocks the event loop the lock holder needs).
    const runners = (log: KafkaLog) => [0, 1].map(() => new JobRunner(job, { db, log, ownership: new StaticOwnership(host.log, [topic]), clock: systemClock }));
    // Both resume the same unfinished batch; neither reads until both have started it.
    const resumed = await insertPlannedBatch(db, job.id, new Date(), [{ topic, partition: 0, fromOffset: 0, untilOffset: 100 }]);
    const [a, b] = runners(readersMeet(host.log, 2));
    const outcomes = await Promise.allSettled([a.runBatch(Date.now()), b.runBatch(Date.now())]);
    expect(outcomes.map(settled)).toEqual(["fulfilled", "fulfilled"]);
    expect(await listBatches(db, job.id, { limit: 10 })).toMatchObject([{ id: resumed, status: "succeeded", records: 100 }]);

    // Both plan the next batch from the same offsets.
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 50 }, (_, i) => `b:${i}`));
    const [c, d] = runners(readersMeet(host.log, 2));
    const planned = await Promise.allSettled([c.runBatch(Date.now()), d.runBatch(Date.now())]);
    expect(planned.map(settled)).toEqual(["fulfilled", "fulfilled"]);
    for (const runner of [c, d]) expect(await runner.runBatch(Date.now())).toMatchObject({ batchId: null, records: 0 });

    // One runner finds the unfinished batch; the other commits it before the first has started it.
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 50 }, (_, i) => `c:${i}`));
    const late = await insertPlannedBatch(db, job.id, new Date(), [{ topic, partition: 0, fromOffset: 150, untilOffset: 200 }]);
    let found!: () => void;
    let proceed!: () => void;
    const foundIt = new Promise<void>((resolve) => (found = resolve));
    const mayProceed = new Promise<void>((resolve) => (proceed = resolve));
    // The slow one stops where it checks the found plan against the log, after findUnfinishedBatch.
    const [slow] = runners(interceptReads(host.log, async () => {}, () => (found(), mayProceed)));
    const [fast] = runners(host.log);
    const slowRun = slow.runBatch(Date.now());
    await foundIt;
    expect(await fast.runBatch(Date.now())).toMatchObject({ batchId: late, records: 50 });
    proceed();
    expect(await slowRun).toMatchObject({ batchId: null, records: 0 });

    const batches = await listBatches(db, job.id, { limit: 10 });
    expect(batches.find((batch) => batch.id === late)?.status).toBe("succeeded");
    expect(batches.filter((batch) => !["succeeded", "abandoned"].includes(batch.status))).toEqual([]);
    assertRangesTile(batches.filter((batch) => batch.status === "succeeded").flatMap((batch) => batch.ranges), new Map([[`${topic}:0`, 200]]));
    expect(await readCounts(db, job.id)).toEqual(new Map([["a", 100], ["b", 50], ["c", 50]]));
    expect(Number((await jobRow(db, job.id)).recordsProcessed)).toBe(200);
  });

  it("forward (filtered, re-keyed), store-records and windowed count-by-key", async () => {
    const source = uniqueTopicName("fwd-src");
    const target = uniqueTopicName("fwd-dst");
    await createTopic(testBrokers(), source, 2);
    await createTopic(testBrokers(), target, 1);
    const producer = testKafka().producer();
    await producer.connect();
    const base = Date.UTC(2026, 0, 1, 12, 0, 0);
    await producer.send({
      topic: source,
      messages: [
        { key: "a", value: JSON.stringify({ type: "order", customer: "c1" }), timestamp: String(base + 1_000), headers: { h: "v" } },
        { key: "b", value: JSON.stringify({ type: "click", customer: "c2" }), timestamp: String(base + 2_000) },
        { key: "a", value: JSON.stringify({ type: "order", customer: "c3" }), timestamp: String(base + 61_000) },
      ],
    });
    await producer.disconnect();

    const fwd = await newJob({ name: "fwd", topics: [source], processor: "forward", processorConfig: { topic: target, filter: { field: "type", equals: "order" }, keyField: "customer" } });
    const store = await newJob({ name: "store", topics: [source], processor: "store-records", processorConfig: { retentionMs: 3_600_000 } });
    const windowed = await newJob({ name: "windowed", topics: [source], processorConfig: { windowMs: 60_000 } });
    for (const j of [fwd, store, windowed]) await waitFor(() => caughtUp(db, host.log, j.id, [source]), `${j.name} to catch up`, 20_000);

    const forwarded = await readTopic(target, 2);
    expect(forwarded.map((m) => m.key).sort()).toEqual(["c1", "c3"]);
    expect(forwarded.every((m) => m.source?.startsWith(`${source}/`))).toBe(true);

    const stored = await listStoredRecords(db, store.id, { limit: 10 });
    expect(stored.items).toHaveLength(3);
    expect(stored.items.find((r) => r.key === "a" && r.headers.h === "v")).toMatchObject({ timestamp: new Date(base + 1_000).toISOString() });

    const windows = await db.keyCount.findMany({ where: { jobId: windowed.id }, orderBy: [{ windowStart: "asc" }, { key: "asc" }] });
    expect(windows.map((w) => [Number(w.windowStart) - base, w.key, Number(w.count)])).toEqual([
      [0, "a", 1],
      [0, "b", 1],
      [60_000, "a", 1],
    ]);
  });

  it("backpressure shrinks the batches after one overruns the interval, then grows them back to the configured cap", async () => {
    const topic = uniqueTopicName("slow");
    await createTopic(testBrokers(), topic, 1);
    // 8,000 slow records (2 s), then 24,000 fast ones, all there before the job starts.
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 8_000 }, (_, i) => `slow-${i % 10}:{}`));
    await produceWithKcat(testBrokers(), topic, Array.from({ length: 24_000 }, (_, i) => `fast-${i % 10}:{}`));
    const CAP = 8_000;
    const job = await newJob({ name: "slow", topics: [topic], processor: "test.slow-keys", backpressure: true, batchIntervalMs: 1000, maxRecordsPerPartition: CAP });
    await waitFor(() => caughtUp(db, host.log, job.id, [topic]), "the slow job to catch up", 40_000);

    const batches = (await listBatches(db, job.id, { limit: 100 })).reverse();
    expect(batches[0]).toMatchObject({ records: CAP, recordCap: CAP });
    expect(batches[0].processingTimeMs).toBeGreaterThanOrEqual(2_000);
    // 8,000 records in ≥ 2 s: the next batch reads at most what fits in 80% of 1 s at that rate.
    const shrunk = batches[1].recordCap as number;
    expect(shrunk).not.toBeNull();
    expect(shrunk).toBeLessThanOrEqual((CAP * 0.8 * 1000) / 2_000);
    // Fast and full batches grow the cap by half each time, back up to maxRecordsPerPartition, never above.
    const caps = batches.slice(1).map((b) => b.recordCap as number);
    for (let i = 1; i < caps.length; i++) expect(caps[i]).toBeGreaterThanOrEqual(caps[i - 1]);
    expect(caps.some((cap) => cap >= Math.ceil(shrunk * 1.5))).toBe(true);
    expect(caps.at(-1)).toBe(CAP);
    for (const b of batches) expect(b.records).toBeLessThanOrEqual(b.recordCap as number);
    const logEnds = new Map((await host.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
  });

  /** "fulfilled", or the reason it was not. */
  const settled = (outcome: PromiseSettledResult<unknown>) => (outcome.status === "fulfilled" ? outcome.status : String(outcome.reason));

  /** Deletes a partition-0 topic's records below `offset`, as retention would. */
  async function deleteRecordsBefore(topic: string, offset: number) {
    const fresh = testKafka().admin(); // the shared one keeps metadata of topics deleted by other tests
    await fresh.connect();
    try {
      await fresh.fetchTopicOffsets(topic); // loads the topic's metadata, which deleteTopicRecords needs
      await fresh.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(offset) }] });
    } finally {
      await fresh.disconnect();
    }
  }

  /** The log, with `beforeRead` awaited before each read of ranges and `beforeLogOffsets` before each look at the log's ends. */
  function interceptReads(log: KafkaLog, beforeRead: () => Promise<void>, beforeLogOffsets = async () => {}): KafkaLog {
    return {
      async logOffsets(topics) {
        await beforeLogOffsets();
        return log.logOffsets(topics);
      },
      topicNames: () => log.topicNames(),
      partitions: (topics) => log.partitions(topics),
      offsetsForTime: (topic, timestampMs) => log.offsetsForTime(topic, timestampMs),
      async readRanges(ranges, onRecords, signal) {
        await beforeRead();
        return log.readRanges(ranges, onRecords, signal);
      },
    };
  }

  /** The log, but the first `count` reads wait for each other: every runner has started its batch before any reads it. */
  function readersMeet(log: KafkaLog, count: number): KafkaLog {
    let arrived = 0;
    let meet!: () => void;
    const met = new Promise<void>((resolve) => (meet = resolve));
    return interceptReads(log, () => {
      if (++arrived === count) meet();
      return met;
    });
  }

  async function readTopic(topic: string, expected: number) {
    const consumer = testKafka().consumer({ groupId: uniqueTopicName("reader") });
    const out: { key: string | null; source: string | undefined }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ key: message.key?.toString() ?? null, source: message.headers?.["tidemark.source"]?.toString() });
      },
    });
    try {
      await waitFor(async () => out.length >= expected, `${expected} records on ${topic}`, 20_000, 100);
    } finally {
      await consumer.disconnect();
    }
    return out;
  }
});
