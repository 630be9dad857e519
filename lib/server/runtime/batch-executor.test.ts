import { describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock, type KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord, OffsetRange } from "@/lib/domain/types";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { DEFAULT_BATCH_LIMITS } from "@/lib/domain/batch-limits";
import { batchLimitDefaults, parseEnv } from "../env";
import { eachRecord, jsonValue, type Processor } from "../processors/processor";
import { registerProcessor } from "../processors/registry";
import { listBatches } from "../stores/batch-store";
import { listDeadLetters } from "../stores/dead-letter-store";
import { insertJob, type NewJob } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { JobRunner } from "./job-runner";

// The batch executor on a temp SQLite database with the Kafka log faked: 2 partitions of 10 records,
// 100 value bytes each; every 4th record's value is not JSON. The fake keeps readRanges' contract:
// with maxBytes it stops once the records handed over reach it, and says where it stopped.
const TOPIC = "t";
const PER_PARTITION = 10;
const records: KafkaRecord[] = [0, 1].flatMap((partition) =>
  Array.from({ length: PER_PARTITION }, (_, offset) => ({
    topic: TOPIC,
    partition,
    offset,
    timestamp: 0,
    key: null,
    value: Buffer.from(offset % 4 === 3 ? "x".repeat(100) : JSON.stringify({ n: offset }).padEnd(100)),
    headers: {},
  })),
);

/** What the fake reader returns instead of the truth, when a test sets it. */
let lie: ((asRead: OffsetRange[]) => OffsetRange[]) | null = null;

const log: KafkaLog = {
  logOffsets: async () => [0, 1].map((partition) => ({ topic: TOPIC, partition, logStartOffset: 0, logEndOffset: PER_PARTITION })),
  topicNames: async () => [TOPIC],
  partitions: async () => [0, 1].map((partition) => ({ topic: TOPIC, partition })),
  offsetsForTime: async () => new Map(),
  readRanges: async (ranges, onRecords, _signal, options) => {
    let bytes = 0;
    const asRead = ranges.map((r) => ({ ...r }));
    for (const range of asRead) {
      if (options?.maxBytes !== undefined && bytes >= options.maxBytes) {
        range.untilOffset = range.fromOffset;
        continue;
      }
      for (const record of records.filter((x) => x.partition === range.partition && x.offset >= range.fromOffset && x.offset < range.untilOffset)) {
        await onRecords([record]);
        bytes += record.value?.length ?? 0;
        if (options?.maxBytes !== undefined && bytes >= options.maxBytes) {
          range.untilOffset = record.offset + 1;
          break;
        }
      }
    }
    return lie ? lie(asRead) : asRead;
  },
};

const db = tempDatabaseForTests();

/** Sums n per partition through a fold that skips values that are not JSON (onError "skip"). */
const folding: Processor<Record<string, never>> = {
  name: "test.skipping-fold",
  description: "folds records; skips values that are not JSON",
  configSchema: z.strictObject({}),
  process: async () => {
    throw new Error("the fold is used");
  },
  fold: ({ skip }) => ({
    add: (chunk) => eachRecord(chunk, (record) => void jsonValue(record), skip),
    commit: async () => {},
  }),
};
registerProcessor(folding);

async function runToEnd(job: Partial<NewJob> & Pick<NewJob, "name">, batchDefaults?: { maxRecordsPerPartition: number; maxBatchBytes: number }) {
  const created = await insertJob(db, { processor: "count-by-key", topics: [TOPIC], batchIntervalMs: 100, startingOffsets: "earliest", ...job });
  const runner = new JobRunner(created, {
    db,
    log,
    clock: systemClock,
    ownership: { owned: async () => [0, 1].map((partition) => ({ topic: TOPIC, partition })), close: async () => {} },
    batchDefaults,
  });
  for (let i = 0; i < 50; i++) if ((await runner.runBatch(Date.now())).batchId === null) break;
  return created;
}

describe("BatchExecutor", () => {
  it("a read cut by the byte budget commits what it read: the batch's ranges and the offsets end where reading stopped, the next batch goes on from there", async () => {
    const job = await runToEnd({ name: "cut", maxBatchBytes: 250 });
    const batches = (await listBatches(db, job.id, { limit: 100 })).reverse();
    // 3 records of 100 bytes reach 250: 20 records take 7 batches.
    expect(batches.map((b) => b.records)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(batches.every((b) => b.status === "succeeded" && b.bytes <= 250 + 100)).toBe(true);
    expect(batches.map((b) => b.ranges.map((r) => `${r.partition}:[${r.fromOffset},${r.untilOffset})`).join(" "))).toEqual([
      "0:[0,3) 1:[0,0)",
      "0:[3,6) 1:[0,0)",
      "0:[6,9) 1:[0,0)",
      "0:[9,10) 1:[0,2)",
      "0:[10,10) 1:[2,5)",
      "0:[10,10) 1:[5,8)",
      "0:[10,10) 1:[8,10)",
    ]);
    expect(await readOffsets(db, job.id)).toEqual([0, 1].map((partition) => ({ topic: TOPIC, partition, offset: PER_PARTITION })));
    const counts = await db.keyCount.findMany({ where: { jobId: job.id } });
    expect(counts.map((c) => Number(c.count))).toEqual([20]);
  });

  it("a job without limits gets the server's defaults", async () => {
    const job = await runToEnd({ name: "defaults" }, { maxRecordsPerPartition: 4, maxBatchBytes: 1_000_000 });
    const batches = (await listBatches(db, job.id, { limit: 100 })).reverse();
    expect(batches.map((b) => b.recordCap)).toEqual([4, 4, 4]);
    expect(batches.map((b) => b.records)).toEqual([8, 8, 4]);
  });

  it("the server's defaults come from TIDEMARK_DEFAULT_MAX_RECORDS_PER_PARTITION and TIDEMARK_DEFAULT_MAX_BATCH_BYTES", () => {
    expect(batchLimitDefaults(parseEnv({}))).toEqual(DEFAULT_BATCH_LIMITS);
    expect(DEFAULT_BATCH_LIMITS).toEqual({ maxRecordsPerPartition: 25_000, maxBatchBytes: 32 * 1024 * 1024 });
    const env = parseEnv({ TIDEMARK_DEFAULT_MAX_RECORDS_PER_PARTITION: "500", TIDEMARK_DEFAULT_MAX_BATCH_BYTES: "262144" });
    expect(batchLimitDefaults(env)).toEqual({ maxRecordsPerPartition: 500, maxBatchBytes: 262_144 });
    expect(() => parseEnv({ TIDEMARK_DEFAULT_MAX_BATCH_BYTES: "100" })).toThrow(/TIDEMARK_DEFAULT_MAX_BATCH_BYTES/);
  });

  it("a reader that says it read past what it handed over (or anything but the plan's ranges) fails the batch; the offsets stay", async () => {
    lie = (asRead) => asRead.map((r) => ({ ...r, untilOffset: r.fromOffset + 1 }));
    try {
      const created = await insertJob(db, { name: "lie", processor: "count-by-key", topics: [TOPIC], batchIntervalMs: 100, startingOffsets: "earliest", maxBatchBytes: 250 });
      const runner = new JobRunner(created, { db, log, clock: systemClock, ownership: { owned: async () => [{ topic: TOPIC, partition: 0 }], close: async () => {} } });
      await expect(runner.runBatch(Date.now())).rejects.toThrow("the reader handed over offset 2 of t/0 but says it read [0, 1)");
      lie = (asRead) => asRead.slice(1);
      await expect(runner.runBatch(Date.now())).rejects.toThrow("the reader returned 0 ranges for a plan of 1");
      expect(await readOffsets(db, created.id)).toEqual([]);
    } finally {
      lie = null;
    }
  });

  it("onError skip: a fold hands bad records to batch.skip and keeps folding; all dead letters commit with the batch, in one transaction", async () => {
    const job = await runToEnd({ name: "skip", processor: "test.skipping-fold", onError: "skip" });
    const [batch, ...more] = await listBatches(db, job.id, { limit: 100 });
    expect(more).toEqual([]);
    expect(batch).toMatchObject({ status: "succeeded", records: 20, attempts: 1 });
    const letters = (await listDeadLetters(db, job.id, { limit: 100 })).items;
    expect(letters.map((l) => `${l.partition}/${l.offset}`).sort()).toEqual(["0/3", "0/7", "1/3", "1/7"]);
    expect(letters.every((l) => l.batchId === batch.id && l.error.startsWith("value is not JSON"))).toBe(true);
  });
});
