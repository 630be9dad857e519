/** Batch history pruning against a real (temp) SQLite database: exactly which batches go and which stay. No Kafka. */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { parseEnv } from "../env";
import { insertJob } from "../stores/job-store";
import { RuntimeHost } from "./runtime-host";
import { BatchHistoryPruner, DEFAULT_KEEP_PER_JOB, DEFAULT_PRUNE_CHUNK, pruneBatchHistory, type BatchHistoryPolicy } from "./batch-history";

const temp = createTempDatabase();
const db = temp.client();
const dbUrl = temp.url;
afterAll(async () => {
  await db.$disconnect();
  temp.remove();
});
const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");
/** Small numbers so that the per-job minimum and the chunking show with a few rows: 30 days, newest 5 per job, 2 per statement. */
const POLICY: BatchHistoryPolicy = { retentionMs: 30 * DAY, keepPerJob: 5, chunkSize: 2 };

beforeEach(async () => {
  await db.job.deleteMany();
});

async function job(name: string, processor = "count-by-key", processorConfig: Record<string, unknown> = {}) {
  return (await insertJob(db, { name, topics: ["t"], processor, processorConfig, batchIntervalMs: 1000, startingOffsets: "earliest" })).id;
}

/** A batch `ageDays` old (by batchTime) with two partition ranges; returns its id. */
async function batch(jobId: string, ageDays: number, status = "succeeded"): Promise<number> {
  const row = await db.batch.create({
    data: {
      jobId,
      batchTime: new Date(NOW - ageDays * DAY),
      status,
      ranges: { create: [0, 1].map((partition) => ({ topic: "t", partition, fromOffset: 0n, untilOffset: 10n })) },
    },
    select: { id: true },
  });
  return row.id;
}

async function remaining(jobId: string): Promise<number[]> {
  return (await db.batch.findMany({ where: { jobId }, orderBy: { id: "asc" }, select: { id: true } })).map((b) => b.id);
}

async function rangesOf(ids: number[]): Promise<number> {
  return db.batchRange.count({ where: { batchId: { in: ids } } });
}

describe("batch history pruning", () => {
  it("deletes only finished batches older than the retention, keeps the newest per job, and takes their ranges along", async () => {
    const a = await job("a");
    // Old (40 days): the finished ones go (several chunks, all with the same batchTime); the others stay.
    const oldFinished = [
      await batch(a, 40),
      await batch(a, 40, "abandoned"),
      await batch(a, 40),
      await batch(a, 40, "cleared"),
      await batch(a, 40),
    ];
    const oldKept = [
      await batch(a, 40, "rolled back"),
      await batch(a, 40, "failed"),
      await batch(a, 40, "planned"),
      await batch(a, 40, "running"),
    ];
    // Within the retention: all stay, whatever their status.
    const recent = [await batch(a, 29.9), await batch(a, 20, "abandoned"), await batch(a, 10, "cleared")];
    // The newest 5 (1 day old).
    const newest = [await batch(a, 1), await batch(a, 1), await batch(a, 1), await batch(a, 1), await batch(a, 1)];

    // An idle job: all its batches are old, but it has no more than the newest 5.
    const idle = await job("idle");
    const idleBatches = [await batch(idle, 100), await batch(idle, 100), await batch(idle, 90, "abandoned"), await batch(idle, 80), await batch(idle, 70)];

    // A job with 7 old batches: the 2 oldest go, the newest 5 stay regardless of age.
    const c = await job("c");
    const cBatches = [];
    for (let i = 0; i < 7; i++) cBatches.push(await batch(c, 100 - i));

    // store-records keeps records for 60 days and finds them through batch times: its batches stay 60 days.
    const s = await job("s", "store-records", { retentionMs: 60 * DAY });
    const sTooOld = [await batch(s, 70), await batch(s, 61)];
    const sKept = [await batch(s, 59), await batch(s, 40)];
    for (let i = 0; i < 5; i++) sKept.push(await batch(s, 0.5));

    // A job whose processor is gone (or whose config no longer parses): what it needs is unknown, nothing goes.
    const gone = await job("gone");
    await db.job.update({ where: { id: gone }, data: { processor: "removed-processor" } });
    const goneBatches = [];
    for (let i = 0; i < 7; i++) goneBatches.push(await batch(gone, 100));

    const deleted = await pruneBatchHistory(db, POLICY, NOW);

    expect(Object.fromEntries(deleted)).toEqual({ a: 5, c: 2, s: 2 });
    expect(await remaining(a)).toEqual([...oldKept, ...recent, ...newest]);
    expect(await remaining(idle)).toEqual(idleBatches);
    expect(await remaining(c)).toEqual(cBatches.slice(2));
    expect(await remaining(s)).toEqual(sKept);
    expect(await remaining(gone)).toEqual(goneBatches);
    // Ranges went with their batches (ON DELETE CASCADE) and stayed with the others.
    expect(await rangesOf([...oldFinished, ...cBatches.slice(0, 2), ...sTooOld])).toBe(0);
    expect(await rangesOf(await remaining(a))).toBe(2 * 17 - 2 * 5);

    // A second pass finds nothing more.
    expect((await pruneBatchHistory(db, POLICY, NOW)).size).toBe(0);
  });

  it("counts the per-job minimum over all of the job's batches, failed and planned ones included", async () => {
    const a = await job("a");
    const old = [await batch(a, 50), await batch(a, 50)];
    const newer = [await batch(a, 45), await batch(a, 45, "failed"), await batch(a, 45, "planned"), await batch(a, 45), await batch(a, 45)];
    expect(Object.fromEntries(await pruneBatchHistory(db, POLICY, NOW))).toEqual({ a: 2 });
    expect(await remaining(a)).toEqual(newer);
    expect(old).toHaveLength(2);
  });

  it("stops between chunks when its signal aborts", async () => {
    const a = await job("a");
    for (let i = 0; i < 10; i++) await batch(a, 40);
    const abort = new AbortController();
    abort.abort();
    expect((await pruneBatchHistory(db, POLICY, NOW, abort.signal)).size).toBe(0);
    expect(await remaining(a)).toHaveLength(10);
  });

  it("logs one line per pass that deleted something", async () => {
    const a = await job("a");
    for (let i = 0; i < 8; i++) await batch(a, 40);
    const said: string[] = [];
    const pruner = new BatchHistoryPruner({ db, clock: { now: () => NOW, sleep: async () => {} }, policy: POLICY, say: (m) => said.push(m) });
    expect(await pruner.pruneOnce()).toBe(3);
    expect(await pruner.pruneOnce()).toBe(0);
    expect(said).toEqual(["batch history: deleted 3 finished batches older than 30 days (the newest 5 per job kept): a 3"]);
  });

  it("the runtime prunes once at start when given a retention (no Kafka needed: no job runs)", async () => {
    const a = await job("a");
    await db.batch.createMany({ data: Array.from({ length: 1001 }, () => ({ jobId: a, batchTime: new Date(Date.now() - 40 * DAY), status: "succeeded" })) });
    const host = new RuntimeHost({ databaseUrl: dbUrl, brokers: ["127.0.0.1:1"], clientId: "batch-history-test", reconcileIntervalMs: 60_000, batchRetentionMs: 30 * DAY });
    await host.start();
    try {
      await waitFor(async () => (await db.batch.count({ where: { jobId: a } })) === 1000, "the first pruning pass", 10_000);
    } finally {
      await host.stop();
    }
  }, 20_000);

  it("the runtime's defaults: the newest 1,000 per job, 5,000 per statement", () => {
    expect(DEFAULT_KEEP_PER_JOB).toBe(1000);
    expect(DEFAULT_PRUNE_CHUNK).toBe(5000);
  });
});

describe("TIDEMARK_BATCH_RETENTION_DAYS", () => {
  it("defaults to 30 days, or to the rollback retention when that is longer", () => {
    expect(parseEnv({}).TIDEMARK_BATCH_RETENTION_DAYS).toBe(30);
    expect(parseEnv({ TIDEMARK_ROLLBACK_RETENTION_DAYS: "60" }).TIDEMARK_BATCH_RETENTION_DAYS).toBe(60);
    expect(parseEnv({ TIDEMARK_BATCH_RETENTION_DAYS: "7" }).TIDEMARK_BATCH_RETENTION_DAYS).toBe(7);
    expect(parseEnv({ TIDEMARK_BATCH_RETENTION_DAYS: "90", TIDEMARK_ROLLBACK_RETENTION_DAYS: "14" }).TIDEMARK_BATCH_RETENTION_DAYS).toBe(90);
  });

  it("refuses a retention shorter than the rollback retention, which reads those batches", () => {
    expect(() => parseEnv({ TIDEMARK_BATCH_RETENTION_DAYS: "3" })).toThrow(
      "TIDEMARK_BATCH_RETENTION_DAYS (3) must be at least TIDEMARK_ROLLBACK_RETENTION_DAYS (7)",
    );
    expect(() => parseEnv({ TIDEMARK_BATCH_RETENTION_DAYS: "10", TIDEMARK_ROLLBACK_RETENTION_DAYS: "14" })).toThrow("must be at least");
  });
});
