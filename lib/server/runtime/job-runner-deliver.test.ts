import { describe, expect, it } from "vitest";
import { z } from "zod";
import { systemClock, type KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord } from "@/lib/domain/types";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { RecordError } from "../processors/processor";
import { registerProcessor } from "../processors/registry";
import { listBatches } from "../stores/batch-store";
import { listDeadLetters } from "../stores/dead-letter-store";
import { insertJob, type JobRecord } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { JobRunner } from "./job-runner";

// JobRunner's deliver phase (effects outside the database) on a temp SQLite database, with the
// Kafka log faked: 4 records on t/0, the one at offset 2 is poison.
const TOPIC = "t";
const records: KafkaRecord[] = [0, 1, 2, 3].map((offset) => ({
  topic: TOPIC,
  partition: 0,
  offset,
  timestamp: 0,
  key: Buffer.from("k"),
  value: Buffer.from(offset === 2 ? "poison" : "ok"),
  headers: {},
}));
const log: KafkaLog = {
  logOffsets: async () => [{ topic: TOPIC, partition: 0, logStartOffset: 0, logEndOffset: records.length }],
  topicNames: async () => [TOPIC],
  partitions: async () => [{ topic: TOPIC, partition: 0 }],
  offsetsForTime: async () => new Map(),
  readRanges: async (ranges, onRecords) => {
    for (const r of ranges) await onRecords(records.filter((x) => x.partition === r.partition && x.offset >= r.fromOffset && x.offset < r.untilOffset));
    return ranges;
  },
};

const db = tempDatabaseForTests();
const calls: { phase: "deliver" | "process"; offsets: number[]; dbAnswered?: boolean }[] = [];

registerProcessor({
  name: "test.delivering",
  description: "delivers records outside the database; refuses the poison one",
  configSchema: z.strictObject({}),
  async deliver({ records }) {
    // The runtime's connection is free: under an open transaction this query would wait for it.
    const dbAnswered = await Promise.race([db.job.count().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000))]);
    calls.push({ phase: "deliver", offsets: records.map((r) => r.offset), dbAnswered });
    const bad = records.find((r) => r.value?.toString() === "poison");
    if (bad) throw new RecordError(bad, "cannot deliver poison");
  },
  async process({ records }) {
    calls.push({ phase: "process", offsets: records.map((r) => r.offset) });
  },
});

async function runOneBatch(onError: "fail" | "skip"): Promise<{ job: JobRecord; outcome: Promise<unknown> }> {
  calls.length = 0;
  const job = await insertJob(db, { name: `deliver-${onError}`, processor: "test.delivering", topics: [TOPIC], batchIntervalMs: 1000, startingOffsets: "earliest", onError });
  const runner = new JobRunner(job, { db, log, clock: systemClock, ownership: { owned: async () => [{ topic: TOPIC, partition: 0 }], close: async () => {} } });
  return { job, outcome: runner.runBatch(Date.now()) };
}

describe("JobRunner with a processor's deliver phase", () => {
  it("onError skip: the record deliver refuses is dead-lettered, deliver runs again without it, then process commits", async () => {
    const { job, outcome } = await runOneBatch("skip");
    await expect(outcome).resolves.toMatchObject({ records: 4 });
    expect(calls).toEqual([
      { phase: "deliver", offsets: [0, 1, 2, 3], dbAnswered: true },
      { phase: "deliver", offsets: [0, 1, 3], dbAnswered: true },
      { phase: "process", offsets: [0, 1, 3] },
    ]);
    expect((await listDeadLetters(db, job.id, { limit: 10 })).items).toMatchObject([{ offset: 2, error: "cannot deliver poison" }]);
    expect(await readOffsets(db, job.id)).toEqual([{ topic: TOPIC, partition: 0, offset: 4 }]);
  });

  it("onError fail: the batch fails at the refused record before any transaction, and the offsets stay", async () => {
    const { job, outcome } = await runOneBatch("fail");
    await expect(outcome).rejects.toBeInstanceOf(RecordError);
    expect(calls).toEqual([{ phase: "deliver", offsets: [0, 1, 2, 3], dbAnswered: true }]);
    const [batch] = await listBatches(db, job.id, { limit: 1 });
    expect(batch).toMatchObject({ status: "failed", failedAt: { topic: TOPIC, partition: 0, offset: 2 } });
    expect(await readOffsets(db, job.id)).toEqual([]);
  });
});

describe("a JobRunner started for a job that has failed meanwhile", () => {
  it("writes nothing and ends: no status, no batch (the coordinator decided on a job list read before the failure)", async () => {
    const job = await insertJob(db, { name: "failed-meanwhile", processor: "test.delivering", topics: [TOPIC], batchIntervalMs: 100, startingOffsets: "earliest", onError: "fail" });
    await db.job.update({ where: { id: job.id }, data: { desiredState: "running", status: "failed", failureCode: "OFFSET_OUT_OF_RANGE", statusMessage: "out of range" } });
    calls.length = 0;
    const runner = new JobRunner(job, { db, log, clock: systemClock, ownership: { owned: async () => [{ topic: TOPIC, partition: 0 }], close: async () => {} } });
    const ended = await Promise.race([runner.start().then(() => "ended"), new Promise((r) => setTimeout(() => r("still running"), 2_000))]);
    await runner.stop();
    expect(ended).toBe("ended");
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "failed", failureCode: "OFFSET_OUT_OF_RANGE", statusMessage: "out of range" });
    expect(await listBatches(db, job.id, { limit: 10 })).toEqual([]);
    expect(calls).toEqual([]);
  });
});
