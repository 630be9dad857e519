/**
 * Every Kafka codec, written by librdkafka (kcat) and by the Java client (Kafka's console producer),
 * read wherever Tidemark reads records: the range reader, a count-by-key job, the message browser and
 * the lag sampler's timestamp lookup. The log is read independently with kcat, never with our reader.
 * The other way round, kafkajs producers compress with the registered codecs and kcat and Java's
 * console consumer read them.
 */
import { spawnSync } from "node:child_process";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { positionKey } from "@/lib/domain/lag-source";
import { partitionKey, type KafkaRecord } from "@/lib/domain/types";
import { createTopic, produceWithKcat, testBrokers, testKafka, uniqueTopicName } from "@/lib/testing/kafka";
import { produceWithJavaProducer, runKafkaTool } from "@/lib/testing/kafka-java-tools";
import { assertRangesTile, caughtUp, readCounts } from "@/lib/testing/runtime-helpers";
import { createTempDatabase, waitFor } from "@/lib/testing/temp-db";
import { AppError } from "../http/app-error";
import { KafkaLagSource } from "../lag/kafka-lag-source";
import { RuntimeHost } from "../runtime/runtime-host";
import { browseRecords } from "../services/records";
import { listBatches } from "../stores/batch-store";
import { insertJob, setDesiredState } from "../stores/job-store";
import { createKafka } from "./kafka-client";

const CODECS = ["gzip", "snappy", "lz4", "zstd"] as const;
const WRITERS = ["kcat", "java"] as const;
const RECORDS_PER_TOPIC = 600;

interface LoggedRecord {
  offset: number;
  timestamp: number;
  key: string;
  value: string;
}

/** The whole of a 1-partition topic as kcat (librdkafka) reads it. */
function kcatRead(topic: string): LoggedRecord[] {
  const out = spawnSync("kcat", ["-C", "-b", testBrokers().join(","), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o\\t%T\\t%k\\t%s\\n"], { encoding: "utf8", maxBuffer: 16 << 20 });
  if (out.status !== 0) throw new Error(`kcat failed: ${out.stderr}`);
  return out.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [offset, timestamp, key, value] = line.split("\t");
      return { offset: Number(offset), timestamp: Number(timestamp), key, value };
    });
}

/** Keyed lines whose values compress (repeated words) and differ (the writer, codec and index). */
function lines(writer: string, codec: string): string[] {
  return Array.from({ length: RECORDS_PER_TOPIC }, (_, i) => `key-${(i * 7) % 23}:{"writer":"${writer}","codec":"${codec}","n":${i},"note":"${"tidemark ".repeat(i % 9)}"}`);
}

describe("every Kafka codec, read wherever records are read", () => {
  const brokers = testBrokers();
  const database = createTempDatabase();
  const db = database.client();
  const topics = new Map<string, { codec: (typeof CODECS)[number]; writer: string }>();
  const logged = new Map<string, LoggedRecord[]>();
  let host: RuntimeHost;

  beforeAll(async () => {
    for (const codec of CODECS) {
      for (const writer of WRITERS) {
        const topic = uniqueTopicName(`codec-${codec}-${writer}`);
        await createTopic(brokers, topic, 1);
        topics.set(topic, { codec, writer });
      }
    }
    // Small batches (about 60-100 records) so each topic holds several record batches.
    await Promise.all(
      [...topics].map(([topic, { codec, writer }]) =>
        writer === "kcat"
          ? produceWithKcat(brokers, topic, lines(writer, codec), { compression: codec, extraArgs: ["-X", "linger.ms=5", "-X", "batch.num.messages=80"] })
          : produceWithJavaProducer(brokers, topic, lines(writer, codec), { compression: codec, producerProperties: { "linger.ms": "5", "batch.size": "6000" } }),
      ),
    );
    for (const topic of topics.keys()) {
      logged.set(topic, kcatRead(topic));
      expect(logged.get(topic)).toHaveLength(RECORDS_PER_TOPIC);
    }
    host = new RuntimeHost({ databaseUrl: database.url, brokers, clientId: "compression-int-test", reconcileIntervalMs: 100 });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await db.$disconnect();
    database.remove();
  });

  it("the range reader returns exactly what kcat reads: offsets, keys and values", async () => {
    for (const [topic, { codec, writer }] of topics) {
      const read: KafkaRecord[] = [];
      await host.log.readRanges([{ topic, partition: 0, fromOffset: 0, untilOffset: RECORDS_PER_TOPIC }], (records) => void read.push(...records));
      const ours = read.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key?.toString(), value: r.value?.toString() }));
      expect(ours, `${codec} written by ${writer}`).toEqual(logged.get(topic));
    }
  });

  it("a count-by-key job over all eight topics counts exactly what kcat reads", async () => {
    const all = [...topics.keys()];
    const job = await insertJob(db, { name: "count-compressed", topics: all, processor: "count-by-key", batchIntervalMs: 100, maxRecordsPerPartition: 250, startingOffsets: "earliest", retryBackoffMs: 50 });
    await setDesiredState(db, job.id, "running");
    await waitFor(() => caughtUp(db, host.log, job.id, all), "the job at lag 0", 60_000);

    const expected = new Map<string, number>();
    for (const records of logged.values()) for (const r of records) expected.set(r.key, (expected.get(r.key) ?? 0) + 1);
    expect(await readCounts(db, job.id)).toEqual(expected);
    const batches = await listBatches(db, job.id, { limit: 1_000 });
    expect(batches.filter((b) => b.status !== "succeeded")).toEqual([]);
    expect(batches.reduce((sum, b) => sum + b.records, 0)).toBe(topics.size * RECORDS_PER_TOPIC);
    const logEnds = new Map((await host.log.logOffsets(all)).map((o) => [partitionKey(o), o.logEndOffset]));
    assertRangesTile(batches.flatMap((b) => b.ranges), logEnds);
  });

  it("the message browser shows the records of a page in the middle of each topic", async () => {
    for (const [topic, { codec, writer }] of topics) {
      const page = await browseRecords(host.log, { topic, partition: 0, offset: 250, limit: 40 });
      const shown = page.items.map((r) => ({ offset: r.offset, key: r.key.encoding === "utf8" ? r.key.text : null, value: r.value.encoding === "utf8" ? r.value.text : null }));
      const expected = logged.get(topic)!.slice(250, 290).map((r) => ({ offset: r.offset, key: r.key, value: r.value }));
      expect(shown, `${codec} written by ${writer}`).toEqual(expected);
    }
  });

  it("without a codec, the message browser says which one is missing (not 'Kafka is not reachable')", async () => {
    const registry = CompressionCodecs as unknown as Record<number, () => unknown>;
    const registered = registry[CompressionTypes.LZ4];
    registry[CompressionTypes.LZ4] = () => {
      throw new Error("LZ4 compression not implemented"); // what kafkajs alone does
    };
    try {
      const topic = [...topics].find(([, t]) => t.codec === "lz4")![0];
      const error = await browseRecords(host.log, { topic, partition: 0, offset: 0, limit: 10 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "COMPRESSION_UNSUPPORTED", status: 422, details: { codec: "lz4" } });
    } finally {
      registry[CompressionTypes.LZ4] = registered;
    }
  });

  it("the lag sampler finds record timestamps inside compressed batches", async () => {
    const source = new KafkaLagSource(createKafka(brokers, "compression-lag-int-test"));
    try {
      const positions = [...topics.keys()].flatMap((topic) => [0, 137, 421, RECORDS_PER_TOPIC - 1].map((offset) => ({ topic, partition: 0, offset })));
      const found = await source.recordTimestamps(positions);
      for (const p of positions) expect(found.get(positionKey(p)), `${p.topic} offset ${p.offset}`).toBe(logged.get(p.topic)![p.offset].timestamp);
    } finally {
      await source.close();
    }
  });

  it("kafkajs producers compress with each codec, and kcat and the Java client read it", async () => {
    const suffix = uniqueTopicName("sent");
    const producer = testKafka(brokers).producer();
    await producer.connect();
    const sent = new Map<string, string[]>();
    try {
      for (const [codec, compression] of [["gzip", CompressionTypes.GZIP], ["snappy", CompressionTypes.Snappy], ["lz4", CompressionTypes.LZ4], ["zstd", CompressionTypes.ZSTD]] as const) {
        const topic = `${suffix}-${codec}`;
        await createTopic(brokers, topic, 1);
        // Big enough for several xerial snappy blocks and LZ4/zstd blocks.
        const values = Array.from({ length: 300 }, (_, i) => `${codec}-${i}-${"payload ".repeat(i % 50)}`);
        await producer.send({ topic, compression, messages: values.map((value, i) => ({ key: `${codec}-${i % 5}`, value })) });
        sent.set(topic, values);
      }
    } finally {
      await producer.disconnect();
    }
    for (const [topic, values] of sent) expect(kcatRead(topic).map((r) => r.value), `kcat reading ${topic}`).toEqual(values);
    // One Java console consumer over the four topics: the Java client's own decoders.
    const java = await runKafkaTool(brokers, "org.apache.kafka.tools.consumer.ConsoleConsumer", [
      "--include", `${suffix}-.*`, "--from-beginning", "--max-messages", "1200", "--timeout-ms", "30000", "--formatter-property", "print.value=true",
    ]);
    const javaValues = java.split("\n").filter((line) => /^(gzip|snappy|lz4|zstd)-\d+-/.test(line));
    expect(javaValues.sort()).toEqual([...sent.values()].flat().sort());
  });
});
