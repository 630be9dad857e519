/**
 * Resets that cannot race or lose results, on the real broker and a real SQLite file: two applies previewed
 * from the same state (exactly one wins), and a rollback whose start retention deleted (refused).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRequestSchema, type AppliedResetDto, type ResetPlanDto } from "@/lib/contracts/resets";
import type { KafkaLog } from "@/lib/domain/ports";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { RuntimeHost } from "../runtime/runtime-host";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { resetOffsets, type ResetDeps } from "./resets";

type Body = Record<string, unknown>;
const code = (p: Promise<unknown>) => p.then(() => "none", (e: { code?: string }) => e.code ?? String(e));

/** The real log, whose logOffsets answers only once `parties` callers have asked: both requests read the same state. */
function logWithBarrier(log: KafkaLog, parties: number): KafkaLog {
  let arrived = 0;
  let release!: () => void;
  const allThere = new Promise<void>((resolve) => (release = resolve));
  const gated = Object.create(log) as KafkaLog;
  gated.logOffsets = async (topics: string[]) => {
    const offsets = await log.logOffsets(topics);
    if (++arrived >= parties) release();
    await allThere;
    return offsets;
  };
  return gated;
}

async function produce(topic: string, count: number) {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}`, partition: 0 })) });
  await producer.disconnect();
}

async function runToLagZero(database: { url: string }, db: Db, log: KafkajsLog, jobId: string, topic: string) {
  await setDesiredState(db, jobId, "running");
  const host = new RuntimeHost({ databaseUrl: database.url, brokers: testBrokers(), clientId: "resets-race-runtime", reconcileIntervalMs: 100 });
  await host.start();
  await waitFor(() => caughtUp(db, log, jobId, [topic]), "lag 0", 60_000);
  await setDesiredState(db, jobId, "stopped");
  await host.stop();
}

describe("two applies previewed from the same state", () => {
  const database = createTempDatabase();
  // The web layer's one connection: two requests interleave on it (better-sqlite3 is synchronous, so a
  // second connection in the same process would block the event loop while it waits for the lock).
  const web1 = database.client();
  const topic = uniqueTopicName("resets-race");
  const log = new KafkajsLog(createKafka(testBrokers(), "resets-race-test"));
  let jobId: string;

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 1);
    await produce(topic, 40);
    jobId = (await insertJob(web1, { name: "race", topics: [topic], processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: 10, startingOffsets: "earliest" })).id;
    await runToLagZero(database, web1, log, jobId, topic);
  });

  afterAll(async () => {
    await log.close();
    await web1.$disconnect();
    database.remove();
  });

  it("exactly one wins; the other gets PLAN_STALE; offsets, results, stored resets and audit agree with the winner", async () => {
    const preview = async (db: Db, body: Body) => (await resetOffsets({ db, log, actor: "user:tester" }, jobId, resetRequestSchema.parse(body))) as ResetPlanDto;
    const batches = await web1.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });
    const rollbackBody = { mode: "to-batch", value: batches[2].id, results: "rollback" };
    const keepBody = { mode: "to-offset", value: 5 };
    const rollbackPreview = await preview(web1, rollbackBody);
    const keepPreview = await preview(web1, keepBody);
    expect(rollbackPreview.partitions[0]).toMatchObject({ currentOffset: 40, targetOffset: 20 });
    expect(keepPreview.partitions[0]).toMatchObject({ currentOffset: 40, targetOffset: 5 });
    const countsBefore = await readCounts(web1, jobId);
    const [resetsBefore, auditBefore] = [await web1.offsetReset.count(), await web1.auditEvent.count({ where: { action: "offsets.reset" } })];

    const gated = logWithBarrier(log, 2);
    const apply = (db: Db, body: Body, plan: ResetPlanDto) => resetOffsets({ db, log: gated, actor: "user:tester" } as ResetDeps, jobId, resetRequestSchema.parse({ ...body, dryRun: false, expect: plan.partitions }));
    const outcomes = await Promise.allSettled([apply(web1, rollbackBody, rollbackPreview), apply(web1, keepBody, keepPreview)]);

    const won = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [{ i, reset: o.value as AppliedResetDto }] : []));
    const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code?: string }).code] : []));
    expect(won).toHaveLength(1);
    expect(lost).toEqual(["PLAN_STALE"]);
    const winner = won[0];
    expect((await readOffsets(web1, jobId)).map((o) => o.offset)).toEqual([winner.reset.partitions[0].targetOffset]);
    expect(await web1.offsetReset.count()).toBe(resetsBefore + 1);
    expect(await web1.auditEvent.count({ where: { action: "offsets.reset" } })).toBe(auditBefore + 1);
    const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
    if (winner.i === 0) {
      // The rollback won: batches from the third on are rolled back and their 20 records' counts taken out.
      expect(total(await readCounts(web1, jobId))).toBe(total(countsBefore) - 20);
      expect(await web1.batch.count({ where: { jobId, status: "rolled back" } })).toBe(2);
    } else {
      expect(await readCounts(web1, jobId)).toEqual(countsBefore);
      expect(await web1.batch.count({ where: { jobId, status: "rolled back" } })).toBe(0);
    }
    // After catch-up, the results are what the winner promises: rolled back and re-read once, or kept and 35 counted again.
    await runToLagZero(database, web1, log, jobId, topic);
    expect(total(await readCounts(web1, jobId))).toBe(winner.i === 0 ? 40 : 40 + 35);
  });
});

describe("a to-batch rollback whose start retention deleted", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("resets-retention");
  const log = new KafkajsLog(createKafka(testBrokers(), "resets-retention-test"));
  const deps = { db, log, actor: "user:tester" };
  const reset = (body: Body) => resetOffsets(deps, jobId, resetRequestSchema.parse(body));
  let jobId: string;

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 1);
    await produce(topic, 30);
    jobId = (await insertJob(db, { name: "retained", topics: [topic], processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: 10, startingOffsets: "earliest" })).id;
    await runToLagZero(database, db, log, jobId, topic);
    // Retention deletes offsets 0-14: the first batch's records wholly, the second's in part.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.fetchTopicOffsets(topic); // loads the topic's metadata, which deleteTopicRecords needs
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "15" }] });
    } finally {
      await admin.disconnect();
    }
    await waitFor(async () => (await log.logOffsets([topic]))[0].logStartOffset === 15, "log start 15", 30_000);
  });

  afterAll(async () => {
    await log.close();
    await db.$disconnect();
    database.remove();
  });

  it("is refused with ROLLBACK_INCOMPLETE, in the preview and on apply, and changes nothing; a later batch still rolls back", async () => {
    const batches = await db.batch.findMany({ where: { jobId, status: "succeeded" }, orderBy: { id: "asc" }, include: { ranges: true } });
    expect(batches.map((b) => Number(b.ranges[0].fromOffset))).toEqual([0, 10, 20]);
    const state = async () => ({ offsets: await readOffsets(db, jobId), counts: await readCounts(db, jobId), statuses: (await db.batch.findMany({ where: { jobId } })).map((b) => b.status) });
    const before = await state();

    const second = { mode: "to-batch", value: batches[1].id, results: "rollback" };
    const refusal = await reset(second).catch((e: { code: string; message: string; details: unknown }) => e);
    expect(refusal).toMatchObject({ code: "ROLLBACK_INCOMPLETE", details: { partitions: [{ topic, partition: 0, rollbackFrom: 10, logStartOffset: 15 }] } });
    expect((refusal as { message: string }).message).toMatch(/offsets 10–14/);
    const expect15 = [{ topic, partition: 0, currentOffset: 30, targetOffset: 15 }];
    expect(await code(reset({ ...second, dryRun: false, expect: expect15 }))).toBe("ROLLBACK_INCOMPLETE");
    expect(await state()).toEqual(before);

    // The third batch starts at 20, still in the log: it rolls back, and catch-up rebuilds it exactly.
    const third = { mode: "to-batch", value: batches[2].id, results: "rollback" };
    const preview = (await reset(third)) as ResetPlanDto;
    expect(preview.partitions[0]).toMatchObject({ targetOffset: 20, clamped: false });
    await reset({ ...third, dryRun: false, expect: preview.partitions });
    await runToLagZero(database, db, log, jobId, topic);
    expect(await readCounts(db, jobId)).toEqual(before.counts);
  });
});
