import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRequestSchema, type AppliedResetDto, type ResetPlanDto } from "@/lib/contracts/resets";
import { partitionKey } from "@/lib/domain/types";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { resetOffsets } from "./resets";

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

  const reset = (body: Record<string, unknown>) => resetOffsets({ db, log, actor: "user:tester" }, jobId, resetRequestSchema.parse(body));
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
    const before = { offsets: await offsetsNow(), counts: await readCounts(db, jobId), audit: await db.auditEvent.count() };
    const code = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code);
    expect(await code(reset({ mode: "to-batch", value: 999_999, results: "rollback", dryRun: false }))).toBe("BATCH_NOT_FOUND");
    expect(await code(reset({ mode: "per-partition", targets: [{ topic, partition: 7, offset: 1 }], dryRun: false }))).toBe("UNKNOWN_PARTITION");
    expect(await code(reset({ mode: "to-earliest", partitions: [{ topic: "other-topic", partition: 0 }], dryRun: false }))).toBe("UNKNOWN_PARTITION");
    const old = await db.batch.findFirstOrThrow({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" } });
    await db.batch.update({ where: { id: old.id }, data: { batchTime: new Date(now - 8 * 86_400_000) } });
    expect(await code(reset({ mode: "to-batch", value: old.id, results: "rollback", dryRun: false }))).toBe("BATCH_EXPIRED");
    await db.batch.update({ where: { id: old.id }, data: { batchTime: old.batchTime } });
    // A stale plan: previewed, then the job moved by another reset; confirming the old preview is refused.
    const preview = await reset({ mode: "to-offset", value: 10 });
    await setDesiredState(db, jobId, "running");
    expect(await code(reset({ mode: "to-earliest", dryRun: false }))).toBe("JOB_RUNNING");
    await setDesiredState(db, jobId, "stopped");
    await db.job.update({ where: { id: jobId }, data: { status: "stopped" } });
    expect({ offsets: await offsetsNow(), counts: await readCounts(db, jobId), audit: await db.auditEvent.count() }).toEqual(before);
    const moved = (await reset({ mode: "to-offset", value: 12, dryRun: false, reason: "move" })) as AppliedResetDto;
    expect(targets(moved)).toEqual([12, 12]);
    const staleCode = await code(reset({ mode: "to-offset", value: 10, dryRun: false, expect: preview.partitions }));
    expect(staleCode).toBe("PLAN_STALE");
    expect([...(await offsetsNow()).values()]).toEqual([12, 12]);
    // Back to where the job was, for the next test.
    await reset({ mode: "to-latest", dryRun: false });
  });

  it("keep counts reprocessed records again; clear starts the results over", async () => {
    const applied = (await reset({ mode: "to-offset", value: 40, results: "keep", dryRun: false, reason: "replay last era" })) as AppliedResetDto;
    expect(applied.summary.reprocessed).toBe(40);
    expect(applied.actor).toBe("user:tester");
    await runToLagZero();
    const counts = await readCounts(db, jobId);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(120 + 40);

    await reset({ mode: "to-earliest", results: "clear", dryRun: false });
    expect((await readCounts(db, jobId)).size).toBe(0);
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
    expect(JSON.parse(audit.details)).toMatchObject({ mode: "to-batch", results: "rollback", value: from.id });
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
    expect(await db.storedRecord.count({ where: { stream: { jobId } } })).toBe(80);
    const firstRun = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });

    // Replay everything, keeping results: the same rows are stored again by newer batches.
    await resetOffsets({ db, log, actor: "user:tester" }, jobId, resetRequestSchema.parse({ mode: "to-earliest", dryRun: false }));
    await runToLagZero();
    expect(await db.storedRecord.count({ where: { stream: { jobId } } })).toBe(80);
    expect(await db.storedRecord.count({ where: { stream: { jobId }, batchId: { lte: firstRun.at(-1)!.id } } })).toBe(0);

    const from = firstRun[Math.floor(firstRun.length / 2)];
    const kept = from.ranges.reduce((sum, r) => sum + Number(r.fromOffset), 0);
    await resetOffsets({ db, log, actor: "user:tester" }, jobId, resetRequestSchema.parse({ mode: "to-batch", value: from.id, results: "rollback", dryRun: false }));
    expect(await db.storedRecord.count({ where: { stream: { jobId } } })).toBe(kept);
    await runToLagZero();
    const rows = await db.storedRecord.findMany({ where: { stream: { jobId } }, include: { stream: true }, orderBy: [{ stream: { partition: "asc" } }, { offset: "asc" }] });
    expect(rows.map((r) => `${r.stream.partition}:${r.offset}`)).toEqual([0, 1].flatMap((p) => Array.from({ length: 40 }, (_, i) => `${p}:${i}`)));
  });
});
