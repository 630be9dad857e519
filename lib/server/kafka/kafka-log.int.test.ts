import { afterAll, describe, expect, it } from "vitest";
import type { KafkaRecord } from "@/lib/domain/types";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createKafka } from "./kafka-client";
import { KafkajsLog } from "./kafka-log";

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
});
