import { afterAll, describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createKafka } from "./kafka-client";
import { KafkajsLog } from "./kafka-log";
import { partitionKey } from "@/lib/domain/types";

describe("KafkajsLog.readRanges on a real broker", () => {
  const log = new KafkajsLog(createKafka(testBrokers(), "kafka-log-int-test"));
  afterAll(() => log.close());

  it("reads exactly a range, skipping aborted transactions and transaction markers", async () => {
    const topic = uniqueTopicName("txn");
    await createTopic(testBrokers(), topic, 1);
    const producer = testKafka().producer({ transactionalId: uniqueTopicName("txn-producer"), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ key: "a", value: "1" }, { key: "a", value: "2" }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: "x", value: "aborted" }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic, messages: [{ key: "b", value: "3" }] });
    await last.commit();
    await producer.disconnect();

    // offsets: 0,1 committed, 2 marker, 3 aborted, 4 marker, 5 committed, 6 marker
    const [{ logEndOffset }] = await log.logOffsets([topic]);
    expect(logEndOffset).toBe(7);
    const read = async (fromOffset: number, untilOffset: number) => {
      const out: KafkaRecord[] = [];
      await log.readRanges([{ topic, partition: 0, fromOffset, untilOffset }], (records) => void out.push(...records));
      return out.map((r) => `${r.offset}:${r.value?.toString()}`);
    };
    expect(await read(0, 7)).toEqual(["0:1", "1:2", "5:3"]);
    expect(await read(1, 5)).toEqual(["1:2"]); // ends in an aborted record and a marker: still completes
    expect(await read(2, 5)).toEqual([]);
  });

  it("reads every partition's whole range when a response has room for only some of them", async () => {
    const topic = uniqueTopicName("starved");
    const partitions = 12;
    await createTopic(testBrokers(), topic, partitions);
    const producer = testKafka().producer();
    await producer.connect();
    // Many small record batches per partition (one per send), about 66 KB per partition in all.
    for (let send = 0; send < 30; send++) {
      const messages = [];
      for (let p = 0; p < partitions; p++) for (let i = 0; i < 10; i++) messages.push({ partition: p, key: `k${i}`, value: "v".repeat(200) });
      await producer.send({ topic, messages });
    }
    await producer.disconnect();
    // A response holds at most four partitions' worth: the others come back empty until their turn.
    const small = new KafkajsLog(createKafka(testBrokers(), "kafka-log-small-fetch"), { maxBytes: 32 * 1024, maxBytesPerPartition: 8 * 1024 });
    try {
      const ends = await small.logOffsets([topic]);
      const ranges = ends.map((e) => ({ topic, partition: e.partition, fromOffset: 0, untilOffset: e.logEndOffset }));
      const seen = new Map<string, number[]>();
      await small.readRanges(ranges, (records) => {
        for (const r of records) seen.set(partitionKey(r), [...(seen.get(partitionKey(r)) ?? []), r.offset]);
      });
      for (const e of ends) {
        expect(e.logEndOffset).toBe(300);
        expect(seen.get(partitionKey({ topic, partition: e.partition })), `partition ${e.partition}`).toEqual([...Array(300).keys()]);
      }
    } finally {
      await small.close();
    }
  });
});
