/**
 * Offset resets (replay) on the real broker: every mode, the preview, keep/rollback/clear of results and the
 * audit. Over 300 lines on purpose: the modes share one topic, job and runtime setup that a split would repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRequestSchema, type AppliedResetDto, type ResetPlanDto } from "@/lib/contracts/resets";
import { partitionKey } from "@/lib/domain/types";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { countStoredRecordsOfJob, storedRecordsOfJob } from "@/lib/testing/stored-records";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { listResets, resetOffsets, resetOptions, type ResetDeps } from "./resets";

type Body = Record<string, unknown>;
const code = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code ?? String(e));

/** Preview, then apply exactly that preview (as the dialog does): applying always needs `expect`. */
async function previewAndApply(deps: ResetDeps, jobId: string, body: Body): Promise<AppliedResetDto> {
  const preview = await resetOffsets(deps, jobId, resetRequestSchema.parse({ ...body, dryRun: true }));
  return (await resetOffsets(deps, jobId, resetRequestSchema.parse({ ...body, dryRun: false, expect: preview.partitions }))) as AppliedResetDto;
}

const HOUR = 3_600_000;
const PER_PARTITION = 60;
const now = Date.now();
/** Each partition: 20 records two hours old, 20 one hour old, 20 from the last minutes — known timestamps. */
const eraStart = [now - 2 * HOUR, now - HOUR, now - 5 * 60_000];

describe("offset resets on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("resets");
  const log = new KafkajsLog(createKafka(testBrokers(), "resets-int-test"));
  const produced = new Map<string, number>();
  let jobId: string;

  const deps = { db, log, actor: "user:tester" };
  const reset = (body: Body) => resetOffsets(deps, jobId, resetRequestSchema.parse(body));
  const apply = (body: Body) => previewAndApply(deps, jobId, body);
  const offsetsNow = async () => new Map((await readOffsets(db, jobId)).map((o) => [partitionKey(o), o.offset]));
  const targets = (plan: ResetPlanDto) => plan.partitions.map((p) => p.targetOffset);

  async function runToLagZero() {
    await setDesiredState(db, jobId, "running");
    const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "resets-int-runtime", reconcileIntervalMs: 100 });
    await host.start();
    await waitFor(() => caughtUp(db, log, jobId, [topic]), "lag 0", 60_000);
    await setDesiredState(db, jobId, "stopped");
    await host.stop();
  }

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 2);
    const producer = testKafka().producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      const messages = Array.from({ length: PER_PARTITION }, (_, i) => {
        const key = `k${(i + partition) % 7}`;
        produced.set(key, (produced.get(key) ?? 0) + 1);
        return { key, value: `v${i}`, partition, timestamp: String(eraStart[Math.floor(i / 20)] + i * 1000) };
      });
      await producer.send({ topic, messages });
    }
    await producer.disconnect();
    const job = await insertJob(db, {
      name: "reset-int",
      topics: [topic],
      processor: "count-by-key",
      batchIntervalMs: 100,
      maxRecordsPerPartition: 15,
      startingOffsets: "earliest",
    });
    jobId = job.id;
    await runToLagZero();
    expect(await readCounts(db, jobId)).toEqual(produced);
  });

  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it("previews every mode onto the expected offsets, with clamping, and changes nothing", async () => {
    const before = await offsetsNow();
    const auditBefore = await db.auditEvent.count();
    expect(targets(await reset({ mode: "to-earliest" }))).toEqual([0, 0]);
    expect(targets(await reset({ mode: "to-latest" }))).toEqual([60, 60]);
    expect(targets(await reset({ mode: "to-offset", value: 7 }))).toEqual([7, 7]);
    const high = await reset({ mode: "to-offset", value: 500 });
    expect(high.partitions.map((p) => [p.targetOffset, p.clamped])).toEqual([[60, true], [60, true]]);
    expect(high.partitions[0].note).toMatch(/after the log end/);
    expect(targets(await reset({ mode: "shift-by", value: -25 }))).toEqual([35, 35]);
    const shiftBack = await reset({ mode: "shift-by", value: -100 });
    expect(shiftBack.partitions.every((p) => p.clamped && p.targetOffset === 0)).toBe(true);
    // Records of the second era start at offset 20, the third at 40.
    expect(targets(await reset({ mode: "to-datetime", value: new Date(eraStart[1]).toISOString() }))).toEqual([20, 20]);
    expect(targets(await reset({ mode: "by-duration", value: "PT30M" }))).toEqual([40, 40]);
    // A time before 1970 would reach Kafka as -1 ("latest"): it means the first record instead.
    const before1970 = await resetOffsets({ ...deps, now: () => 999 }, jobId, resetRequestSchema.parse({ mode: "by-duration", value: "PT1S" }));
    expect(targets(before1970)).toEqual([0, 0]);
    const scoped = await reset({ mode: "to-earliest", partitions: [{ topic, partition: 1 }] });
    expect(scoped.partitions.map((p) => p.partition)).toEqual([1]);
    const perPartition = await reset({ mode: "per-partition", targets: [{ topic, partition: 0, offset: 3 }, { topic, partition: 1, offset: 9 }] });
    expect(perPartition.partitions.map((p) => [p.targetOffset, p.delta])).toEqual([[3, -57], [9, -51]]);
    expect(perPartition.summary.reprocessed).toBe(108);
    const batch = await db.batch.findFirstOrThrow({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, skip: 1, include: { ranges: true } });
    const toBatch = await reset({ mode: "to-batch", value: batch.id, results: "rollback" });
    expect(targets(toBatch)).toEqual(batch.ranges.sort((a, b) => a.partition - b.partition).map((r) => Number(r.fromOffset)));
    expect(toBatch.summary.rolledBackBatches).toBeGreaterThan(0);
    expect(await offsetsNow()).toEqual(before);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });

  it("refuses bad resets with a code and changes nothing", async () => {
    const state = async () => ({
      offsets: await offsetsNow(),
      counts: await readCounts(db, jobId),
      audit: await db.auditEvent.count(),
      resets: await db.offsetReset.count(),
      batches: await db.batch.groupBy({ by: ["status"], where: { jobId }, _count: true }),
    });
    const before = await state();
    // Applying needs the previewed plan.
    const unpreviewed = resetRequestSchema.safeParse({ mode: "to-earliest", dryRun: false });
    expect(unpreviewed.success).toBe(false);
    expect(unpreviewed.error?.issues.map((i) => i.path.join("."))).toEqual(["expect"]);
    const refused = [] as unknown[];
    const none = { dryRun: false, expect: [] };
    refused.push(await code(reset({ mode: "to-batch", value: 999_999, results: "rollback", ...none })));
    refused.push(await code(reset({ mode: "per-partition", targets: [{ topic, partition: 7, offset: 1 }], ...none })));
    refused.push(await code(reset({ mode: "to-earliest", partitions: [{ topic: "other-topic", partition: 0 }], ...none })));
    expect(refused).toEqual(["BATCH_NOT_FOUND", "UNKNOWN_PARTITION", "UNKNOWN_PARTITION"]);
    const old = await db.batch.findFirstOrThrow({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" } });
    await db.batch.update({ where: { id: old.id }, data: { batchTime: new Date(now - 8 * 86_400_000) } });
    expect(await code(reset({ mode: "to-batch", value: old.id, results: "rollback" }))).toBe("BATCH_EXPIRED");
    await db.batch.update({ where: { id: old.id }, data: { batchTime: old.batchTime } });
    // Only a succeeded batch has contributions to take out.
    const abandoned = await db.batch.create({ data: { jobId, batchTime: new Date(), status: "abandoned" } });
    expect(await code(reset({ mode: "to-batch", value: abandoned.id, results: "rollback" }))).toBe("BATCH_NOT_ROLLBACKABLE");
    await db.batch.delete({ where: { id: abandoned.id } });
    // A rollback or clear of some partitions only: the others' results would be lost for good.
    const p0 = [{ topic, partition: 0 }];
    const rollbackP0 = { mode: "to-batch", value: old.id, results: "rollback", partitions: p0 };
    expect(await code(reset(rollbackP0))).toBe("PARTIAL_SCOPE");
    const fullPreview = await reset({ mode: "to-batch", value: old.id, results: "rollback" });
    expect(await code(reset({ ...rollbackP0, dryRun: false, expect: fullPreview.partitions.filter((p) => p.partition === 0) }))).toBe("PARTIAL_SCOPE");
    expect(await code(reset({ mode: "to-earliest", results: "clear", partitions: p0 }))).toBe("PARTIAL_SCOPE");
    // Naming every partition is not partial.
    expect((await reset({ mode: "to-earliest", results: "clear", partitions: [...p0, { topic, partition: 1 }] })).partitions).toHaveLength(2);
    // A stale plan: previewed, then the job moved by another reset; confirming the old preview is refused.
    const preview = await reset({ mode: "to-offset", value: 10 });
    await setDesiredState(db, jobId, "running");
    expect(await code(reset({ mode: "to-earliest", dryRun: false, expect: preview.partitions }))).toBe("JOB_RUNNING");
    expect(await code(reset({ mode: "to-earliest" }))).toBe("JOB_RUNNING");
    await setDesiredState(db, jobId, "stopped");
    await db.job.update({ where: { id: jobId }, data: { status: "stopped" } });
    expect(await state()).toEqual(before);
    const moved = await apply({ mode: "to-offset", value: 12, reason: "move" });
    expect(targets(moved)).toEqual([12, 12]);
    const staleCode = await code(reset({ mode: "to-offset", value: 10, dryRun: false, expect: preview.partitions }));
    expect(staleCode).toBe("PLAN_STALE");
    expect([...(await offsetsNow()).values()]).toEqual([12, 12]);
    // Back to where the job was, for the next test.
    await apply({ mode: "to-latest" });
  });

  it("applies the previewed targets and stores and audits their numbers, per partition, with the reason", async () => {
    // Previewed now: 30 minutes back is offset 40. Confirmed 65 minutes later, when a fresh plan would say 60.
    const preview = await resetOffsets({ ...deps, now: () => now }, jobId, resetRequestSchema.parse({ mode: "by-duration", value: "PT30M" }));
    expect(targets(preview)).toEqual([40, 40]);
    const later = { ...deps, now: () => now + 65 * 60_000 };
    expect(targets(await resetOffsets(later, jobId, resetRequestSchema.parse({ mode: "by-duration", value: "PT30M" })))).toEqual([60, 60]);
    const body = { mode: "by-duration", value: "PT30M", reason: "re-run the last half hour", dryRun: false, expect: preview.partitions };
    const applied = (await resetOffsets(later, jobId, resetRequestSchema.parse(body))) as AppliedResetDto;
    expect(applied.partitions.map((p) => [p.partition, p.currentOffset, p.targetOffset, p.delta])).toEqual([
      [0, 60, 40, -20],
      [1, 60, 40, -20],
    ]);
    expect(applied.summary).toEqual({ reprocessed: 40, skipped: 0, rolledBackBatches: 0, rolledBackRecords: 0 });
    expect([...(await offsetsNow()).values()]).toEqual([40, 40]);

    // GET /api/jobs/:id/resets returns it as applied, newest first.
    const [listed] = await listResets(db, jobId, { limit: 1 });
    expect(listed).toEqual(applied);
    expect(listed).toMatchObject({ actor: "user:tester", mode: "by-duration", value: "PT30M", results: "keep", reason: "re-run the last half hour", dryRun: false });
    expect(Object.keys(listed).sort()).toEqual(["actor", "at", "dryRun", "id", "mode", "partitions", "reason", "results", "summary", "value"]);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "offsets.reset", targetId: jobId }, orderBy: { id: "desc" } });
    expect(audit.actor).toBe("user:tester");
    expect(JSON.parse(audit.details)).toEqual({
      mode: "by-duration",
      value: "PT30M",
      results: "keep",
      reason: "re-run the last half hour",
      before: [
        { topic, partition: 0, offset: 60 },
        { topic, partition: 1, offset: 60 },
      ],
      after: [
        { topic, partition: 0, offset: 40 },
        { topic, partition: 1, offset: 40 },
      ],
      summary: applied.summary,
    });
    await apply({ mode: "to-latest" });
  });

  it("keep counts reprocessed records again; clear starts the results over", async () => {
    const applied = await apply({ mode: "to-offset", value: 40, results: "keep", reason: "replay last era" });
    expect(applied.summary.reprocessed).toBe(40);
    expect(applied.actor).toBe("user:tester");
    await runToLagZero();
    const counts = await readCounts(db, jobId);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(120 + 40);

    await apply({ mode: "to-earliest", results: "clear" });
    expect((await readCounts(db, jobId)).size).toBe(0);
    expect(await db.keyCountDelta.count({ where: { jobId } })).toBe(0);
    await runToLagZero();
    expect(await readCounts(db, jobId)).toEqual(produced);
  });

  it("to-batch rollback takes those batches' results out atomically; after catch-up results equal a clean run", async () => {
    const batches = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" } });
    const from = batches[Math.floor(batches.length / 2)];
    const preview = await reset({ mode: "to-batch", value: from.id, results: "rollback" });
    const applied = (await reset({ mode: "to-batch", value: from.id, results: "rollback", dryRun: false, expect: preview.partitions })) as AppliedResetDto;
    expect(applied.summary.rolledBackBatches).toBe(batches.length - Math.floor(batches.length / 2));
    const afterRollback = [...(await readCounts(db, jobId)).values()].reduce((a, b) => a + b, 0);
    expect(afterRollback).toBe(120 - applied.summary.rolledBackRecords);
    expect(await db.batch.count({ where: { jobId, id: { gte: from.id }, status: "rolled back" } })).toBe(applied.summary.rolledBackBatches);
    await runToLagZero();
    expect(await readCounts(db, jobId)).toEqual(produced);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "offsets.reset", targetId: jobId }, orderBy: { id: "desc" } });
    expect(JSON.parse(audit.details)).toMatchObject({
      mode: "to-batch",
      results: "rollback",
      value: from.id,
      before: [0, 1].map((partition) => ({ topic, partition, offset: 60 })),
      after: applied.partitions.map((p) => ({ topic, partition: p.partition, offset: p.targetOffset })),
      summary: applied.summary,
    });
    expect(audit.actor).toBe("user:tester");
  });
});

describe("store-records rollback on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("resets-store");
  const log = new KafkajsLog(createKafka(testBrokers(), "resets-store-test"));
  let jobId: string;

  async function runToLagZero() {
    await setDesiredState(db, jobId, "running");
    const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "resets-store-runtime", reconcileIntervalMs: 100 });
    await host.start();
    await waitFor(() => caughtUp(db, log, jobId, [topic]), "lag 0", 60_000);
    await setDesiredState(db, jobId, "stopped");
    await host.stop();
  }

  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it("deletes exactly the rows at or after the batch's start, even after a keep-replay re-stored them", async () => {
    await createTopic(testBrokers(), topic, 2);
    const producer = testKafka().producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition })) });
    }
    await producer.disconnect();
    const job = await insertJob(db, { name: "store-int", topics: [topic], processor: "store-records", batchIntervalMs: 100, maxRecordsPerPartition: 10, startingOffsets: "earliest" });
    jobId = job.id;
    await runToLagZero();
    expect(await countStoredRecordsOfJob(db, jobId)).toBe(80);
    const firstRun = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });

    // Replay everything, keeping results: the same rows are stored again by newer batches.
    await previewAndApply({ db, log, actor: "user:tester" }, jobId, { mode: "to-earliest" });
    await runToLagZero();
    expect(await countStoredRecordsOfJob(db, jobId)).toBe(80);
    expect(await countStoredRecordsOfJob(db, jobId, { batchId: { lte: firstRun.at(-1)!.id } })).toBe(0);

    const from = firstRun[Math.floor(firstRun.length / 2)];
    const kept = from.ranges.reduce((sum, r) => sum + Number(r.fromOffset), 0);
    await previewAndApply({ db, log, actor: "user:tester" }, jobId, { mode: "to-batch", value: from.id, results: "rollback" });
    expect(await countStoredRecordsOfJob(db, jobId)).toBe(kept);
    await runToLagZero();
    const rows = await storedRecordsOfJob(db, jobId);
    expect(rows.map((r) => `${r.partition}:${r.offset}`)).toEqual([0, 1].flatMap((p) => Array.from({ length: 40 }, (_, i) => `${p}:${i}`)));
  });
});

describe("rollback covers every partition, including one the batch did not read (added later)", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("resets-grow");
  const log = new KafkajsLog(createKafka(testBrokers(), "resets-grow-test"));
  const deps = { db, log, actor: "user:tester" };
  const produced = new Map<string, number>();
  let counter: string;
  let store: string;

  async function runToLagZero(jobIds: string[]) {
    for (const id of jobIds) await setDesiredState(db, id, "running");
    const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "resets-grow-runtime", reconcileIntervalMs: 100 });
    await host.start();
    for (const id of jobIds) await waitFor(() => caughtUp(db, log, id, [topic]), "lag 0", 60_000);
    for (const id of jobIds) await setDesiredState(db, id, "stopped");
    await host.stop();
  }

  async function produce(partition: number, count: number) {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => {
        const key = `k${(i * 3 + partition) % 5}`;
        produced.set(key, (produced.get(key) ?? 0) + 1);
        return { key, value: `p${partition}-${i}`, partition };
      }),
    });
    await producer.disconnect();
  }

  const storedRows = async (jobId: string) =>
    (await storedRecordsOfJob(db, jobId)).map((r) => `${r.partition}:${r.offset}`);
  const allRecords = (ends: number[]) => ends.flatMap((end, p) => Array.from({ length: end }, (_, i) => `${p}:${i}`));

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 1);
    await produce(0, 30);
    const common = { topics: [topic], batchIntervalMs: 100, maxRecordsPerPartition: 10, startingOffsets: "earliest" as const };
    counter = (await insertJob(db, { name: "grow-count", processor: "count-by-key", ...common })).id;
    store = (await insertJob(db, { name: "grow-store", processor: "store-records", ...common })).id;
    await runToLagZero([counter, store]);
    // Partition 1 arrives after those batches: none of them read it.
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });
    await admin.disconnect();
    // This client refreshes metadata every 5 s: until then it would not know partition 1.
    await waitFor(async () => (await log.logOffsets([topic])).length === 2, "partition 1 in the metadata", 30_000);
    await produce(0, 20);
    await produce(1, 25);
    await runToLagZero([counter, store]);
    expect(await readCounts(db, counter)).toEqual(produced);
    expect(await storedRows(store)).toEqual(allRecords([50, 25]));
  });

  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  for (const processor of ["count-by-key", "store-records"] as const) {
    it(`${processor}: refuses a rollback of one partition, then rolls back all; after catch-up the results equal a clean run`, async () => {
      const jobId = processor === "count-by-key" ? counter : store;
      const results = () => (processor === "count-by-key" ? readCounts(db, jobId) : storedRows(jobId));
      const offsets = async () => (await readOffsets(db, jobId)).map((o) => `${o.partition}@${o.offset}`);
      const clean = await results();
      // The second batch read partition 0 only; partition 1 was first read by a later batch, from its start.
      const batches = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });
      const from = batches[1];
      expect(from.ranges.map((r) => r.partition)).toEqual([0]);
      const firstOfP1 = batches.find((b) => b.ranges.some((r) => r.partition === 1))!;

      const statuses = async () => (await db.batch.findMany({ where: { jobId }, orderBy: { id: "asc" } })).map((b) => b.status);
      const before = { offsets: await offsets(), results: clean, audit: await db.auditEvent.count(), statuses: await statuses() };
      const partial = { mode: "to-batch", value: from.id, results: "rollback", partitions: [{ topic, partition: 0 }] };
      expect(await code(resetOffsets(deps, jobId, resetRequestSchema.parse(partial)))).toBe("PARTIAL_SCOPE");
      const p0Only = [{ topic, partition: 0, currentOffset: 50, targetOffset: Number(from.ranges[0].fromOffset) }];
      expect(await code(resetOffsets(deps, jobId, resetRequestSchema.parse({ ...partial, dryRun: false, expect: p0Only })))).toBe("PARTIAL_SCOPE");
      expect({ offsets: await offsets(), results: await results(), audit: await db.auditEvent.count(), statuses: await statuses() }).toEqual(before);

      const preview = await resetOffsets(deps, jobId, resetRequestSchema.parse({ mode: "to-batch", value: from.id, results: "rollback" }));
      expect(preview.partitions.map((p) => [p.partition, p.targetOffset, p.note])).toEqual([
        [0, Number(from.ranges[0].fromOffset), null],
        [1, 0, `not in batch ${from.id}: where batch ${firstOfP1.id} first read it`],
      ]);
      const applied = await previewAndApply(deps, jobId, { mode: "to-batch", value: from.id, results: "rollback" });
      expect(applied.partitions.map((p) => p.targetOffset)).toEqual([Number(from.ranges[0].fromOffset), 0]);
      expect(applied.summary.rolledBackBatches).toBe(batches.length - 1);
      await runToLagZero([jobId]);
      expect(await results()).toEqual(clean);
    });
  }

  it("a processor without rollback or clear refuses them (forward), and the options say so", async () => {
    const forwarder = await insertJob(db, { name: "grow-forward", processor: "forward", processorConfig: { topic: "elsewhere" }, topics: [topic], batchIntervalMs: 100, startingOffsets: "earliest" });
    const batch = await db.batch.create({ data: { jobId: forwarder.id, batchTime: new Date(), status: "succeeded", ranges: { create: [{ topic, partition: 0, fromOffset: 0n, untilOffset: 0n }] } } });
    const attempt = (body: Body) => code(resetOffsets(deps, forwarder.id, resetRequestSchema.parse(body)));
    expect(await attempt({ mode: "to-batch", value: batch.id, results: "rollback" })).toBe("ROLLBACK_UNSUPPORTED");
    expect(await attempt({ mode: "to-earliest", results: "clear" })).toBe("CLEAR_UNSUPPORTED");
    expect(await attempt({ mode: "to-earliest", results: "clear", dryRun: false, expect: [] })).toBe("CLEAR_UNSUPPORTED");
    expect(await db.offsetReset.count({ where: { jobId: forwarder.id } })).toBe(0);
    expect(await resetOptions({ db }, forwarder.id)).toEqual({
      processor: "forward",
      reprocessing: "sent-again",
      rollback: { supported: false, retentionDays: 7, oldestBatchId: null },
      clear: { supported: false, reason: "the forward processor's output is records sent to Kafka, which Tidemark cannot delete" },
    });
    const options = await resetOptions({ db }, counter);
    expect(options).toMatchObject({ processor: "count-by-key", reprocessing: "added-again", rollback: { supported: true, retentionDays: 7 }, clear: { supported: true, reason: null } });
    // The oldest batch inside the retention that still counts; batches older than it cannot be rolled back.
    expect(options.rollback.oldestBatchId).toBe((await db.batch.findFirstOrThrow({ where: { jobId: counter, status: "succeeded" }, orderBy: { id: "asc" } })).id);
    expect((await resetOptions({ db, now: () => Date.now() + 8 * 86_400_000 }, counter)).rollback.oldestBatchId).toBeNull();
  });
});
