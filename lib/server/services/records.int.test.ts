import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordsQuerySchema } from "@/lib/contracts/records";
import { createTopic, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { createKafka } from "../kafka/kafka-client";
import { KafkajsLog } from "../kafka/kafka-log";
import { browseRecords } from "./records";

const T0 = Date.parse("2026-01-15T10:00:00Z");

describe("record browser on a real broker (GET /api/topics/:topic/partitions/:p/records)", () => {
  const topic = uniqueTopicName("records-browse");
  const log = new KafkajsLog(createKafka(testBrokers(), "records-int-test"));
  const browse = (query: Record<string, string>, partition = 1) => browseRecords(log, { topic, partition, ...recordsQuerySchema.parse(query) });
  const offsets = (page: { items: { offset: number }[] }) => page.items.map((r) => r.offset);

  beforeAll(async () => {
    await createTopic(testBrokers(), topic, 2);
    const producer = testKafka().producer();
    await producer.connect();
    // Partition 1: 30 records one minute apart from T0; partition 0 holds other records.
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ partition: 1, key: `k${i}`, value: JSON.stringify({ i }), timestamp: String(T0 + i * 60_000) })),
    });
    await producer.send({ topic, messages: [{ partition: 0, key: "other", value: "x", timestamp: String(T0) }] });
    await producer.disconnect();
  });

  afterAll(() => log.close());

  it("pages by offset: each page starts where the previous one's next points, up to the log end", async () => {
    const first = await browse({ offset: "5", limit: "10" });
    expect(offsets(first)).toEqual(Array.from({ length: 10 }, (_, i) => 5 + i));
    expect(first).toMatchObject({ next: "15", logStartOffset: 0, logEndOffset: 30 });
    expect(first.items[0]).toMatchObject({ topic, partition: 1, offset: 5, timestamp: new Date(T0 + 5 * 60_000).toISOString(), key: { encoding: "utf8", text: "k5" } });
    const second = await browse({ offset: first.next!, limit: "10" });
    expect(offsets(second)).toEqual(Array.from({ length: 10 }, (_, i) => 15 + i));
    const last = await browse({ offset: second.next!, limit: "10" });
    expect(offsets(last)).toEqual([25, 26, 27, 28, 29]);
    expect(last.next).toBeNull();
    // Without a position: from the log start; at the log end: nothing, and no next page.
    expect(offsets(await browse({ limit: "3" }))).toEqual([0, 1, 2]);
    expect(await browse({ offset: "30" })).toMatchObject({ items: [], next: null });
    expect(offsets(await browse({ offset: "0", limit: "5" }, 0))).toEqual([0]);
  });

  it("jumps to a time: the first record at or after it, then pages on by offset", async () => {
    const at12 = await browse({ timestamp: new Date(T0 + 12 * 60_000).toISOString(), limit: "4" });
    expect(offsets(at12)).toEqual([12, 13, 14, 15]);
    expect(at12.next).toBe("16");
    // Between two records: the later one.
    expect(offsets(await browse({ timestamp: new Date(T0 + 12 * 60_000 + 1).toISOString(), limit: "1" }))).toEqual([13]);
    // Before every record: the log start; after every record: nothing (the log end).
    expect(offsets(await browse({ timestamp: "2000-01-01T00:00:00Z", limit: "2" }))).toEqual([0, 1]);
    expect(await browse({ timestamp: new Date(T0 + 3_600_000).toISOString() })).toMatchObject({ items: [], next: null, logEndOffset: 30 });
  });

  it("refuses a time before 1970, which Kafka would read as 'latest' or 'earliest'", () => {
    expect(recordsQuerySchema.safeParse({ timestamp: "1969-12-31T23:59:59.999Z" }).success).toBe(false);
    expect(recordsQuerySchema.safeParse({ timestamp: "1970-01-01T00:00:00Z" }).success).toBe(true);
  });
});
