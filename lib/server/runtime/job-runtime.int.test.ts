import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/domain/ports";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { JobCoordinator } from "./job-coordinator";
import { StaticOwnership } from "./static-ownership";

const KEYS = 100;

/** Keyed lines with a known count per key; a few null keys (no ':' in the line). */
function makeRecords(count: number, seed: number, expected: Map<string, number>): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if ((i + seed) % 997 === 0) {
      lines.push(`novalue-${i}`); // no key delimiter: kcat sends a null key
      expected.set("(null)", (expected.get("(null)") ?? 0) + 1);
      continue;
    }
    const key = `key-${(i * 7919 + seed) % KEYS}`;
    lines.push(`${key}:{"n":${i}}`);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return lines;
}

function startRuntime(db: Db) {
  const log = new KafkajsLog(createKafka(testBrokers(), "runtime-int-test"));
  const coordinator = new JobCoordinator({
    db,
    log,
    clock: systemClock,
    ownershipFor: (job) => new StaticOwnership(log, job.topics),
    reconcileIntervalMs: 100,
  });
  return {
    log,
    coordinator,
    async stop() {
      await coordinator.stop();
      await log.close();
    },
  };
}

async function readCounts(db: Db, jobId: string): Promise<Map<string, number>> {
  const rows = await db.keyCount.findMany({ where: { jobId } });
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

async function caughtUp(db: Db, log: KafkajsLog, jobId: string, topic: string): Promise<boolean> {
  const stored = new Map((await readOffsets(db, jobId)).map((o) => [partitionKey(o), o.offset]));
  const ends = await log.logOffsets([topic]);
  return ends.every((e) => stored.get(partitionKey(e)) === e.logEndOffset);
}

/** Per partition, succeeded batches' ranges must tile [0, logEnd) exactly: contiguous, no overlap. */
function assertRangesTile(ranges: OffsetRange[], logEnds: Map<string, number>) {
  const byPartition = new Map<string, OffsetRange[]>();
  for (const r of ranges) byPartition.set(partitionKey(r), [...(byPartition.get(partitionKey(r)) ?? []), r]);
  expect([...byPartition.keys()].sort()).toEqual([...logEnds.keys()].sort());
  for (const [key, list] of byPartition) {
    // By start, then end: an empty range [n, n) of an older batch sorts before [n, m) of a newer one.
    list.sort((a, b) => a.fromOffset - b.fromOffset || a.untilOffset - b.untilOffset);
    let next = 0;
    for (const r of list) {
      expect(r.fromOffset, `${key} range starts where the previous ended`).toBe(next);
      expect(r.untilOffset).toBeGreaterThanOrEqual(r.fromOffset);
      next = r.untilOffset;
    }
    expect(next, `${key} ranges end at the log end`).toBe(logEnds.get(key));
  }
}

describe("job runtime on a real broker", () => {
  const database = createTempDatabase();
  const db = database.client();
  const topic = uniqueTopicName("runtime");
  const expected = new Map<string, number>();

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 4);
  });

  afterAll(async () => {
    await db.$disconnect();
    database.remove();
  });

  it("counts exactly, commits contiguous ranges, and resumes from stored offsets after a restart", async () => {
    await produceWithKcat(testBrokers(), topic, makeRecords(20_000, 1, expected));
    const job = await insertJob(db, {
      name: "count-int",
      topics: [topic],
      processor: "count-by-key",
      batchIntervalMs: 200,
      maxRecordsPerPartition: 2_000,
      startingOffsets: "earliest",
    });
    await setDesiredState(db, job.id, "running");

    const first = startRuntime(db);
    await first.coordinator.start();
    await waitFor(() => caughtUp(db, first.log, job.id, topic), "the job to reach lag 0", 90_000);
    await first.stop();

    expect(await readCounts(db, job.id)).toEqual(expected);
    let logEnds = new Map((await first.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    expect([...logEnds.values()].reduce((a, b) => a + b, 0)).toBe(20_000);
    let batches = await listBatches(db, job.id, { limit: 10_000 });
    expect(batches.length).toBeGreaterThanOrEqual(3); // 20,000 records, ≤ 2,000 per partition per batch
    expect(batches.every((b) => b.status === "succeeded")).toBe(true);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(20_000);
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);

    // Produce while nothing runs, then a fresh runtime (new connections) must resume where the first stopped.
    await produceWithKcat(testBrokers(), topic, makeRecords(5_000, 2, expected));
    const restartedDb = database.client();
    const second = startRuntime(restartedDb);
    await second.coordinator.start();
    await waitFor(() => caughtUp(restartedDb, second.log, job.id, topic), "the restarted job to reach lag 0", 90_000);
    await second.stop();

    expect(await readCounts(restartedDb, job.id)).toEqual(expected);
    logEnds = new Map((await second.log.logOffsets([topic])).map((o) => [partitionKey(o), o.logEndOffset]));
    batches = await listBatches(restartedDb, job.id, { limit: 10_000 });
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(25_000);
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
    const jobRow = await restartedDb.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(Number(jobRow.recordsProcessed)).toBe(25_000);
    expect(jobRow.status).toBe("stopped");
    await restartedDb.$disconnect();
  });
});
