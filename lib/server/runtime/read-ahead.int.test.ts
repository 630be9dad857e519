/**
 * Folding the next batch while the previous one commits, on the real broker: the batches still tile
 * each log and count exactly (against kcat's input), each batch of a backlog but the last had the next
 * one's read under way during its commit, a read-ahead whose batch before it fails is dropped, a fold
 * read ahead commits under its own batch's id, and a processor that does not allow it is never read ahead.
 */
import { afterAll, describe, expect, it } from "vitest";
import { systemClock, type KafkaLog } from "@/lib/domain/ports";
import { partitionKey, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, uniqueTopicName } from "@/lib/testing/kafka";
import { assertRangesTile, caughtUp, keyedLines, readCounts } from "@/lib/testing/runtime-helpers";
import { tempDatabaseForTests, waitFor } from "@/lib/testing/temp-db";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { countByKey } from "../processors/count-by-key";
import { storeRecords } from "../processors/store-records";
import type { BatchFold, Processor } from "../processors/processor";
import { registerProcessor } from "../processors/registry";
import { insertJob } from "../stores/job-store";
import type { Tx } from "../stores/tx";
import { BatchSlots } from "./batch-slots";
import { JobRunner } from "./job-runner";
import { StaticOwnership } from "./static-ownership";

const db = tempDatabaseForTests();
const kafkaLog = new KafkajsLog(createKafka(testBrokers(), "read-ahead-test"));
afterAll(() => kafkaLog.close());

/** The ranges of each read, in the order they started. Each read takes at least 150 ms (the jobs' interval is 1 ms: always behind, as in a backlog). */
const reads: OffsetRange[][] = [];
/** Runs before a read that matches ends (the test moves offsets while a batch is read ahead). */
let beforeReadEnds: { matches: (ranges: OffsetRange[]) => boolean; run: () => Promise<void> } | null = null;
const slowLog: KafkaLog = {
  logOffsets: (topics) => kafkaLog.logOffsets(topics),
  topicNames: () => kafkaLog.topicNames(),
  partitions: (topics) => kafkaLog.partitions(topics),
  offsetsForTime: (...args) => kafkaLog.offsetsForTime(...args),
  readRanges: async (...args) => {
    reads.push(args[0]);
    const [asRead] = await Promise.all([kafkaLog.readRanges(...args), new Promise((r) => setTimeout(r, 150))]);
    if (beforeReadEnds?.matches(args[0])) await beforeReadEnds.run();
    return asRead;
  },
};

/** Per commit: whether the next batch's read started while it was open. */
const commits: { nextReadStarted: boolean }[] = [];
let failCommitNumber = 0;
/** During this commit's read-ahead, `run` is called once the read is done (and before it is handed over). */
let rewindAfterCommit: { number: number; run: () => Promise<void> } | null = null;

/** A read of the batch after `batchId`: every range starts where the batch's range of that partition ends. */
async function nextBatchRead(tx: Tx, batchId: number): Promise<(ranges: OffsetRange[]) => boolean> {
  const ends = new Map((await tx.batchRange.findMany({ where: { batchId } })).map((r) => [partitionKey(r), Number(r.untilOffset)]));
  return (ranges) => ranges.length > 0 && ranges.every((r) => ends.get(partitionKey(r)) === r.fromOffset);
}

async function witnessCommit(tx: Tx, batchId: number): Promise<void> {
  const isNext = await nextBatchRead(tx, batchId);
  const nextReadStarted = () => reads.some(isNext);
  const number = commits.length + 1;
  commits.push({ nextReadStarted: false });
  if (number === failCommitNumber) {
    // Let the read-ahead begin, then fail this batch: what was read ahead must not be used.
    await waitFor(async () => nextReadStarted(), "the read-ahead to start", 3_000, 10).catch(() => {});
    commits[number - 1].nextReadStarted = nextReadStarted();
    throw new Error("commit refused once by the test");
  }
  if (rewindAfterCommit?.number === number) beforeReadEnds = { matches: isNext, run: rewindAfterCommit.run };
  await waitFor(async () => nextReadStarted(), "the next read", 1_000, 10).catch(() => {});
  commits[number - 1].nextReadStarted = nextReadStarted();
}

/** `inner` under another name, with a witness in its commit (process or fold). */
function withWitness<C>(inner: Processor<C>, name: string, description: string, readAhead: boolean): Processor<C> {
  return {
    ...inner,
    name,
    description,
    readAhead,
    async process(batch, tx: Tx) {
      await witnessCommit(tx, batch.batchId);
      await inner.process(batch, tx);
    },
    fold(batch): BatchFold {
      const folded = inner.fold!(batch);
      return {
        add: (records) => folded.add(records),
        commit: async (tx) => {
          await witnessCommit(tx, batch.batchId);
          await folded.commit(tx);
        },
      };
    },
  };
}

registerProcessor(withWitness(countByKey, "test.read-ahead-witness", "count-by-key that notes whether the next batch's read runs during its commit", true));
registerProcessor(withWitness(countByKey, "test.no-read-ahead-witness", "count-by-key without readAhead, noting the same", false));
registerProcessor(withWitness(storeRecords, "test.store-records-witness", "store-records that notes whether the next batch's read runs during its commit", true));

async function runBacklog(name: string, expected: Map<string, number> | null, topic: string, jobId?: (id: string) => void, readAhead?: boolean, processor = "test.read-ahead-witness") {
  const job = await insertJob(db, { name, processor, topics: [topic], batchIntervalMs: 1, maxRecordsPerPartition: 300, startingOffsets: "earliest" });
  jobId?.(job.id);
  const runner = new JobRunner(job, { db, log: slowLog, clock: systemClock, ownership: new StaticOwnership(kafkaLog, [topic]), slots: new BatchSlots(2), readAhead });
  const loop = runner.start();
  await waitFor(() => caughtUp(db, kafkaLog, job.id, [topic]), "lag 0", 60_000);
  await runner.stop();
  await loop;
  if (expected && processor !== "test.store-records-witness") expect(await readCounts(db, job.id)).toEqual(expected);
  const batches = await db.batch.findMany({ where: { jobId: job.id }, include: { ranges: true }, orderBy: { id: "asc" } });
  const ends = new Map((await kafkaLog.logOffsets([topic])).map((e) => [partitionKey(e), e.logEndOffset]));
  // A rewind makes ranges overlap on purpose: tiling is checked where nothing moved the offsets.
  if (expected)
    assertRangesTile(
    batches.filter((b) => b.status === "succeeded").flatMap((b) => b.ranges.map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: Number(r.fromOffset), untilOffset: Number(r.untilOffset) }))),
    ends,
  );
  return batches;
}

/** A 3-partition topic with `count` keyed records produced by kcat (counted into `expected`); the witness reset. */
async function backlogTopic(prefix: string, count: number, seed: number, expected = new Map<string, number>()): Promise<string> {
  const topic = uniqueTopicName(prefix);
  await createTopic(testBrokers(), topic, 3);
  await produceWithKcat(testBrokers(), topic, keyedLines(count, 50, seed, expected));
  commits.length = 0;
  failCommitNumber = 0;
  return topic;
}

describe("reading the next batch while the previous one commits", () => {
  it("overlaps every commit of a backlog but the last with the next read; counts exact, ranges tile each log", async () => {
    const expected = new Map<string, number>();
    const topic = await backlogTopic("read-ahead", 3_000, 1, expected);
    const batches = await runBacklog("read-ahead-backlog", expected, topic);
    // 3,000 records over 3 partitions in batches of 300 per partition: about 4 batches, each but the last read ahead.
    expect(batches.every((b) => b.status === "succeeded")).toBe(true);
    expect(commits.length).toBe(batches.length);
    expect(commits.length).toBeGreaterThanOrEqual(3);
    expect(commits.slice(0, -1).map((c) => c.nextReadStarted)).toEqual(commits.slice(0, -1).map(() => true));
  });

  it("drops what it read ahead when the batch before fails, runs that batch again from its plan, and counts exactly", async () => {
    const expected = new Map<string, number>();
    const topic = await backlogTopic("read-ahead-fail", 3_000, 2, expected);
    failCommitNumber = 2;
    const batches = await runBacklog("read-ahead-failure", expected, topic);
    expect(commits[1].nextReadStarted).toBe(true);
    // The failed batch ran again as planned (one batch row, two attempts); nothing was planned around it or abandoned.
    expect(batches.map((b) => b.status)).toEqual(batches.map(() => "succeeded"));
    expect(batches[1].attempts).toBe(2);
  });

  it("drops what it read ahead when the committed offsets moved meanwhile, and plans from where they are", async () => {
    const topic = await backlogTopic("read-ahead-moved", 3_000, 3);
    let jobId = "";
    let rewoundTo = -1;
    // After the 2nd batch commits, while the 3rd is read ahead: partition 0 goes back 100 records (as
    // another runtime or a reset could leave it). The 3rd batch must start there, not where it was read.
    rewindAfterCommit = {
      number: 2,
      run: async () => {
        await waitFor(async () => (await db.batch.count({ where: { jobId, status: "succeeded" } })) === 2, "the 2nd batch's commit", 5_000, 10);
        const p0 = await db.jobOffset.findFirstOrThrow({ where: { jobId, topic, partition: 0 } });
        rewoundTo = Number(p0.offset) - 100;
        await db.jobOffset.update({ where: { jobId_topic_partition: { jobId, topic, partition: 0 } }, data: { offset: rewoundTo } });
      },
    };
    const batches = await runBacklog("read-ahead-moved", null, topic, (id) => (jobId = id));
    rewindAfterCommit = null;
    beforeReadEnds = null;
    expect(rewoundTo).toBeGreaterThan(0);
    expect(batches.map((b) => b.status)).toEqual(batches.map(() => "succeeded"));
    const third = batches[2].ranges.find((r) => r.partition === 0)!;
    expect(Number(third.fromOffset)).toBe(rewoundTo);
    const counted = [...(await readCounts(db, jobId)).values()].reduce((a, b) => a + b, 0);
    expect(counted).toBe(3_000 + 100);
  });

  it("reads nothing ahead when switched off (TIDEMARK_READ_AHEAD=0); counts exact", async () => {
    const expected = new Map<string, number>();
    const topic = await backlogTopic("read-ahead-off", 2_000, 4, expected);
    await runBacklog("read-ahead-off", expected, topic, undefined, false);
    expect(commits.length).toBeGreaterThanOrEqual(2);
    expect(commits.map((c) => c.nextReadStarted)).toEqual(commits.map(() => false));
  });

  it("does not read ahead for a processor that does not allow it (no readAhead); counts exact", async () => {
    const expected = new Map<string, number>();
    const topic = await backlogTopic("read-ahead-unsupported", 2_000, 5, expected);
    await runBacklog("read-ahead-unsupported", expected, topic, undefined, undefined, "test.no-read-ahead-witness");
    expect(commits.length).toBeGreaterThanOrEqual(2);
    expect(commits.map((c) => c.nextReadStarted)).toEqual(commits.map(() => false));
  });

  it("store-records: each record read ahead is stored once, under the batch whose range holds it, with kcat's key and value", async () => {
    const topic = await backlogTopic("read-ahead-store", 3_000, 6);
    // The same lines kcat was given: keyedLines is deterministic.
    const lines = keyedLines(3_000, 50, 6, new Map());
    let jobId = "";
    const batches = await runBacklog("read-ahead-store", new Map(), topic, (id) => (jobId = id), undefined, "test.store-records-witness");
    expect(commits.length).toBeGreaterThanOrEqual(3);
    expect(commits.slice(0, -1).map((c) => c.nextReadStarted)).toEqual(commits.slice(0, -1).map(() => true));
    const partitionOf = new Map((await db.storedRecordStream.findMany({ where: { jobId } })).map((s) => [s.id, s.partition]));
    const rows = await db.storedRecord.findMany({ where: { streamId: { in: [...partitionOf.keys()] } } });
    expect(rows.length).toBe(3_000);
    // Which batch's range holds each (partition, offset): the row must carry that batch's id.
    const owner = (partition: number, offset: number) =>
      batches.find((b) => b.ranges.some((r) => r.partition === partition && Number(r.fromOffset) <= offset && offset < Number(r.untilOffset)))?.id;
    const wrong = rows.filter((r) => r.batchId !== owner(partitionOf.get(r.streamId)!, Number(r.offset)));
    expect(wrong.length).toBe(0);
    // Key and value as kcat produced them ("key:value" lines), every line exactly once.
    const stored = rows.map((r) => `${Buffer.from(r.key!).toString("utf8")}:${Buffer.from(r.value!).toString("utf8")}`).sort();
    expect(stored).toEqual([...lines].sort());
  });
});
