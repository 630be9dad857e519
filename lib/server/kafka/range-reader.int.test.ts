import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigResourceTypes } from "kafkajs";
import { partitionKey, type KafkaRecord, type OffsetRange } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createKafka } from "./kafka-client";
import { KafkajsLog, RangeUnreadableError } from "./kafka-log";

/** What kcat (librdkafka, read_committed) reads from a partition: offset, key and value size per record. */
function kcatRead(topic: string, partition: number): string[] {
  const out = spawnSync(
    "kcat",
    ["-C", "-b", testBrokers().join(","), "-t", topic, "-p", String(partition), "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-X", "fetch.max.bytes=52428800", "-f", "%o %k %S\\n"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  return out.stdout.split("\n").filter(Boolean);
}

const described = (r: KafkaRecord) => `${r.offset} ${r.key?.toString() ?? ""} ${r.value?.length ?? 0}`;

async function readAll(log: KafkajsLog, ranges: OffsetRange[], maxBytes?: number) {
  const records: KafkaRecord[] = [];
  const read = await log.readRanges(ranges, (chunk) => void records.push(...chunk), undefined, maxBytes === undefined ? {} : { maxBytes });
  return { records, read };
}

function byPartition(records: KafkaRecord[]): Map<string, KafkaRecord[]> {
  const map = new Map<string, KafkaRecord[]>();
  for (const r of records) map.set(partitionKey(r), [...(map.get(partitionKey(r)) ?? []), r]);
  return map;
}

describe("the range reader on a real broker: nothing skipped that the log holds", () => {
  const log = new KafkajsLog(createKafka(testBrokers(), "range-reader-int-test"));
  afterAll(() => log.close());

  it("reads record batches of 2 MB and 8 MB beside small ones, whichever partition comes first in a fetch", async () => {
    const topic = uniqueTopicName("big-records");
    const big = 4;
    await createTopic(testBrokers(), topic, 6, [{ name: "max.message.bytes", value: String(12 * 1024 * 1024) }]);
    const kcat = ["-X", "message.max.bytes=20000000", "-X", "linger.ms=20"];
    const small = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `p:${tag}${i}-${"s".repeat(1000)}`);
    const large = (mb: number) => `p:${"B".repeat(mb * 1024 * 1024)}`;
    for (const p of [0, 1, 2, 3, 5]) await produceWithKcat(testBrokers(), topic, small(3000, `p${p}-`), { partition: p, extraArgs: kcat });
    // One partition's first record batch is a 2 MB record; five more 2 MB and one 8 MB record among 1 KB ones.
    await produceWithKcat(testBrokers(), topic, [large(2)], { partition: big, extraArgs: kcat });
    for (let round = 0; round < 5; round++) {
      await produceWithKcat(testBrokers(), topic, small(500, `r${round}-`), { partition: big, extraArgs: kcat });
      await produceWithKcat(testBrokers(), topic, [large(2)], { partition: big, extraArgs: kcat });
    }
    await produceWithKcat(testBrokers(), topic, [large(8), ...small(6, "tail-")], { partition: big, extraArgs: kcat });

    // A fresh reader: the others' 1 MB shares fill the first fetches while the big partition waits its turn.
    const fresh = new KafkajsLog(createKafka(testBrokers(), "range-reader-big"));
    try {
      const ends = await fresh.logOffsets([topic]);
      const ranges = ends.map((e) => ({ topic, partition: e.partition, fromOffset: 0, untilOffset: e.logEndOffset }));
      const { records, read } = await readAll(fresh, ranges);
      const got = byPartition(records);
      for (const e of ends) {
        const expected = kcatRead(topic, e.partition);
        expect(expected.length, `kcat's count for partition ${e.partition}`).toBe(e.partition === big ? 2500 + 6 + 7 : 3000);
        expect((got.get(partitionKey(e)) ?? []).map(described), `partition ${e.partition}`).toEqual(expected);
      }
      expect(read).toEqual(ranges);
      // The big values arrive whole.
      const sizes = (got.get(partitionKey({ topic, partition: big })) ?? []).map((r) => r.value?.length ?? 0).filter((n) => n > 1024 * 1024);
      expect(sizes).toEqual([...Array(6).fill(2 * 1024 * 1024), 8 * 1024 * 1024]);
    } finally {
      await fresh.close();
    }
  });

  it("with small fetch sizes, a record batch larger than the partition's share is read at the head of a fetch", async () => {
    const topic = uniqueTopicName("oversized");
    const partitions = 8;
    await createTopic(testBrokers(), topic, partitions);
    const lines: string[][] = Array.from({ length: partitions }, () => []);
    // Partition 5 starts with, and holds among small ones, batches of 100 KB; the others hold small records only.
    for (let i = 0; i < 200; i++) for (let p = 0; p < partitions; p++) lines[p].push(`k${i}:${p === 5 && i % 7 === 0 ? "X".repeat(100_000) : "x".repeat(300)}`);
    for (let p = 0; p < partitions; p++) await produceWithKcat(testBrokers(), topic, lines[p], { partition: p, extraArgs: ["-X", "linger.ms=5", "-X", "batch.size=50000"] });
    const tiny = new KafkajsLog(createKafka(testBrokers(), "range-reader-tiny"), { maxBytes: 1024 * 1024, maxBytesPerPartition: 16 * 1024 });
    try {
      const ends = await tiny.logOffsets([topic]);
      const { records } = await readAll(tiny, ends.map((e) => ({ topic, partition: e.partition, fromOffset: 0, untilOffset: e.logEndOffset })));
      const got = byPartition(records);
      for (const e of ends) expect((got.get(partitionKey(e)) ?? []).map(described), `partition ${e.partition}`).toEqual(kcatRead(topic, e.partition));
    } finally {
      await tiny.close();
    }
  });

  it("passes over compaction gaps and transaction markers at every range end, and nothing else", async () => {
    const admin = testKafka().admin();
    await admin.connect();
    // The cleaner's idle back-off (15 s by default) is a dynamic broker setting: shorten it for this test.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: "1", configEntries: [{ name: "log.cleaner.backoff.ms", value: "300" }] }] });
    const compacted = uniqueTopicName("compacted");
    await createTopic(testBrokers(), compacted, 1, [
      { name: "cleanup.policy", value: "compact" },
      { name: "segment.ms", value: "100" },
      { name: "min.cleanable.dirty.ratio", value: "0.0001" },
      { name: "delete.retention.ms", value: "0" },
      { name: "min.compaction.lag.ms", value: "0" },
    ]);
    const produce = (lines: string[]) => produceWithKcat(testBrokers(), compacted, lines, { extraArgs: ["-X", "linger.ms=0"] });
    const pause = () => new Promise((r) => setTimeout(r, 300));
    // Offsets 0-9, then 10-13 overwrite keys of 3, 7, 8 and 9 (gaps inside and at the end of the first
    // segment), then two rolls so those segments can be cleaned.
    await produce(Array.from({ length: 10 }, (_, i) => `k${i}:v${i}`));
    await pause();
    await produce(["k3:w3", "k7:w7", "k8:w8", "k9:w9"]);
    await pause();
    await produce(["filler:f"]);
    await pause();
    await produce(["filler2:f"]);
    const cleaned = () => kcatRead(compacted, 0).map((o) => Number(o.split(" ")[0]));
    for (let i = 0; i < 100 && cleaned().includes(9); i++) await pause();
    expect(cleaned()).toEqual([0, 1, 2, 4, 5, 6, 10, 11, 12, 13, 14, 15]);

    const transactional = uniqueTopicName("txn-ends");
    await createTopic(testBrokers(), transactional, 1);
    const producer = testKafka().producer({ transactionalId: uniqueTopicName("txn"), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [outcome, values] of [["commit", ["a", "b"]], ["abort", ["x", "y", "z"]], ["commit", ["c"]], ["abort", ["w"]], ["abort", ["v"]], ["commit", ["d", "e"]]] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic: transactional, messages: values.map((value) => ({ key: value, value })) });
      await (outcome === "commit" ? txn.commit() : txn.abort());
    }
    await producer.disconnect();
    await admin.disconnect();

    for (const topic of [compacted, transactional]) {
      const expected = kcatRead(topic, 0);
      const [{ logEndOffset }] = await log.logOffsets([topic]);
      // Every split point: the two ranges together hold exactly what kcat reads, and each only its own.
      for (let split = 0; split <= logEndOffset; split++) {
        const first = await readAll(log, [{ topic, partition: 0, fromOffset: 0, untilOffset: split }]);
        const second = await readAll(log, [{ topic, partition: 0, fromOffset: split, untilOffset: logEndOffset }]);
        expect(first.records.every((r) => r.offset < split) && second.records.every((r) => r.offset >= split), `split at ${split}`).toBe(true);
        expect([...first.records, ...second.records].map(described), `${topic} split at ${split}`).toEqual(expected);
      }
    }
  });

  it("fails with RANGE_UNREADABLE rather than skip offsets the broker does not return", async () => {
    const topic = uniqueTopicName("truncated");
    await createTopic(testBrokers(), topic, 1);
    await produceWithKcat(testBrokers(), topic, ["a:1", "b:2", "c:3"]);
    // A plan made before the log lost its tail (an unclean leader election, a re-created topic).
    const handed: number[] = [];
    const read = log.readRanges([{ topic, partition: 0, fromOffset: 0, untilOffset: 10 }], (chunk) => void handed.push(...chunk.map((r) => r.offset)));
    await expect(read).rejects.toBeInstanceOf(RangeUnreadableError);
    await expect(read).rejects.toThrow(/RANGE_UNREADABLE: .*\/0: the broker returns no records from offset 3 .* ends at 3, before the planned end 10/);
    expect(handed).toEqual([0, 1, 2]);
  });

  it("stops at a byte budget and says where each range was cut; reading on from there tiles the log", async () => {
    const topic = uniqueTopicName("budget");
    await createTopic(testBrokers(), topic, 3);
    for (let p = 0; p < 3; p++) await produceWithKcat(testBrokers(), topic, Array.from({ length: 400 }, (_, i) => `k${i}:${"v".repeat(100 + ((i * 37 + p) % 900))}`), { partition: p });
    const ends = await log.logOffsets([topic]);
    let ranges = ends.map((e) => ({ topic, partition: e.partition, fromOffset: 0, untilOffset: e.logEndOffset }));
    const budget = 60_000;
    const all: KafkaRecord[] = [];
    let batches = 0;
    while (ranges.some((r) => r.untilOffset > r.fromOffset)) {
      const { records, read } = await readAll(log, ranges, budget);
      batches += 1;
      const bytes = records.reduce((n, r) => n + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0);
      const last = records[records.length - 1];
      // At most one record past the budget, and never short of it unless the ranges were read whole.
      expect(bytes - (last ? last.key!.length + last.value!.length : 0)).toBeLessThan(budget);
      const whole = read.every((r, i) => r.untilOffset === ranges[i].untilOffset);
      if (!whole) expect(bytes).toBeGreaterThanOrEqual(budget);
      // What was handed over is exactly what the returned ranges hold.
      for (const r of read) {
        const inRange = records.filter((x) => x.partition === r.partition).map((x) => x.offset);
        expect(inRange, `partition ${r.partition}`).toEqual(Array.from({ length: r.untilOffset - r.fromOffset }, (_, i) => r.fromOffset + i));
      }
      all.push(...records);
      ranges = ranges.map((r, i) => ({ ...r, fromOffset: read[i].untilOffset }));
    }
    expect(batches).toBeGreaterThan(5);
    const got = byPartition(all);
    for (const e of ends) expect((got.get(partitionKey(e)) ?? []).map(described)).toEqual(kcatRead(topic, e.partition));
  });
});
