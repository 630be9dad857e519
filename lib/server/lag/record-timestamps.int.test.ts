import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { positionKey } from "@/lib/domain/lag-source";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createKafka } from "../kafka/kafka-client";
import { KafkaLagSource } from "./kafka-lag-source";

/** The timestamp kcat (librdkafka) reads for a partition's first record. */
function kcatFirstTimestamp(topic: string, partition: number): number {
  const out = spawnSync("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-p", String(partition), "-o", "beginning", "-c", "1", "-e", "-q", "-X", "fetch.max.bytes=52428800", "-f", "%T\\n"], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  return Number(out.stdout.trim());
}

describe("record timestamps for the lag's time dimension", () => {
  const source = new KafkaLagSource(createKafka(testBrokers(), "record-timestamps-int-test"));
  afterAll(() => source.close());

  it("finds the first record's timestamp of partitions whose first record batch exceeds every fetch size", async () => {
    const topic = uniqueTopicName("huge-first-batch");
    await createTopic(testBrokers(), topic, 3, [{ name: "max.message.bytes", value: String(8 * 1024 * 1024) }]);
    const producer = testKafka().producer();
    await producer.connect();
    const base = Date.now() - 3_600_000;
    // Partitions 1 and 2 start with a 5 MB record (more than the 4 MB retry size); partition 0 with a small one.
    for (const partition of [0, 1, 2]) {
      const value = partition === 0 ? "small" : "B".repeat(5 * 1024 * 1024);
      await producer.send({ topic, messages: [{ partition, key: "k", value, timestamp: String(base + partition * 1000) }] });
    }
    await producer.disconnect();

    const positions = [0, 1, 2].map((partition) => ({ topic, partition, offset: 0 }));
    const found = await source.recordTimestamps(positions);
    for (const p of positions) expect(found.get(positionKey(p)), `partition ${p.partition}`).toBe(kcatFirstTimestamp(topic, p.partition));
    expect(found.get(positionKey(positions[2]))).toBe(base + 2000);
  });
});
