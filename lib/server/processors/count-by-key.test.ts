import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { tempDatabaseForTests } from "@/lib/testing/temp-db";
import { insertPlannedBatch } from "../stores/batch-store";
import { insertJob } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { countByKey } from "./count-by-key";

const DAY = 86_400_000;

const records = (partition: number, keys: string[]): KafkaRecord[] =>
  keys.map((key, i) => ({ topic: "t", partition, offset: i, timestamp: 1_764_000_000_000, key: Buffer.from(key), value: null, headers: {} }));

/** Runs one batch through count-by-key as the runtime would: a planned batch row, then its commit. */
async function countBatch(db: Db, jobId: string, batch: { records: KafkaRecord[]; batchTime?: Date }): Promise<number> {
  const batchId = await insertPlannedBatch(db, jobId, batch.batchTime ?? new Date(), []);
  await db.$transaction((tx) =>
    countByKey.process({ jobId, batchId, records: batch.records, config: {}, sink: { send: () => Promise.reject(new Error("unused")) } }, tx),
  );
  await db.batch.update({ where: { id: batchId }, data: { status: "succeeded" } });
  return batchId;
}

const counts = async (db: Db, jobId: string) => Object.fromEntries((await db.keyCount.findMany({ where: { jobId } })).map((r) => [r.key, Number(r.count)]));
const deltaBatches = async (db: Db, jobId: string) =>
  [...new Set((await db.keyCountDelta.findMany({ where: { jobId }, orderBy: { batchId: "asc" } })).map((d) => d.batchId))];

describe("count-by-key", () => {
  const db = tempDatabaseForTests();
  const newJob = (name: string) => insertJob(db, { name, topics: ["t"], processor: "count-by-key", batchIntervalMs: 1000, startingOffsets: "earliest" });

  it("rollback takes out exactly what the batch and later ones added, on every partition, and drops keys left at 0", async () => {
    const job = await newJob("rollback");
    await countBatch(db, job.id, { records: [...records(0, ["a", "b"]), ...records(1, ["a"])] });
    const from = await countBatch(db, job.id, { records: [...records(0, ["a", "c"]), ...records(1, ["b"])] });
    await countBatch(db, job.id, { records: records(1, ["a", "c"]) });
    expect(await counts(db, job.id)).toEqual({ a: 4, b: 2, c: 2 });
    await db.$transaction((tx) => countByKey.rollback!(job.id, from, tx, []));
    expect(await counts(db, job.id)).toEqual({ a: 2, b: 1 });
    expect(await deltaBatches(db, job.id)).toEqual([from - 1]);
  });

  it("prunes the per-batch deltas of batches older than the rollback retention, every 50 batches", async () => {
    const job = await newJob("prune");
    const old = new Date(Date.now() - 8 * DAY);
    const ids: number[] = [];
    // Batch ids are shared by all jobs: count until a batch id that prunes (a multiple of 50).
    ids.push(await countBatch(db, job.id, { records: records(0, ["a"]), batchTime: old }));
    ids.push(await countBatch(db, job.id, { records: records(0, ["b"]), batchTime: old }));
    ids.push(await countBatch(db, job.id, { records: records(0, ["c"]), batchTime: new Date(Date.now() - 6 * DAY) }));
    while ((ids.at(-1)! + 1) % 50 !== 0) ids.push(await countBatch(db, job.id, { records: records(0, ["d"]) }));
    expect(await deltaBatches(db, job.id)).toEqual(ids);
    const pruning = await countBatch(db, job.id, { records: records(0, ["e"]) });
    expect(pruning % 50).toBe(0);
    // The two batches older than 7 days lose their deltas (they can no longer be rolled back); the rest keep theirs.
    expect(await deltaBatches(db, job.id)).toEqual([...ids.slice(2), pruning]);
    // The counts themselves are untouched.
    expect(await counts(db, job.id)).toMatchObject({ a: 1, b: 1, c: 1, e: 1 });
  });
});
