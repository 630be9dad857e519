import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type LocalBroker } from "@/scripts/kafka/broker";
import { createKafka } from "./kafka-client";
import { KafkajsLog } from "./kafka-log";
import { kafkaSecurityFromEnv } from "./kafka-security";

/** A second, SASL/PLAIN-enabled broker: Tidemark's Kafka client must authenticate with env settings. */
describe("SASL/PLAIN connection from environment settings", () => {
  let broker: LocalBroker;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-sasl-"));

  beforeAll(async () => {
    broker = await startBroker({ dataDir, saslPlainUsers: { tidemark: "tm-secret-1" } });
  });
  afterAll(async () => {
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("connects, creates a topic and reads its offsets with the right password", async () => {
    const security = kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "tidemark", KAFKA_SASL_PASSWORD: "tm-secret-1" });
    const kafka = createKafka(broker.saslBrokers!, "sasl-test", security);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "secured", numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "secured", messages: [{ key: "a", value: "1" }, { key: "b", value: "2" }] });
    await producer.disconnect();
    const log = new KafkajsLog(kafka);
    const offsets = await log.logOffsets(["secured"]);
    expect(offsets.reduce((sum, o) => sum + o.logEndOffset, 0)).toBe(2);
    const read: string[] = [];
    await log.readRanges(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, fromOffset: 0, untilOffset: o.logEndOffset })),
      (records) => void read.push(...records.map((r) => r.value!.toString())),
    );
    expect(read.sort()).toEqual(["1", "2"]);
    await log.close();
  });

  it("fails to connect with a wrong password, and the error does not contain the password", async () => {
    const security = kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "tidemark", KAFKA_SASL_PASSWORD: "wrong-secret-9" });
    const admin = createKafka(broker.saslBrokers!, "sasl-test-bad", security).admin();
    const error = await admin.connect().then(
      () => null,
      (e: Error) => e,
    );
    await admin.disconnect().catch(() => {});
    expect(error).not.toBeNull();
    expect(String(error?.message)).toMatch(/SASL|authentication/i);
    expect(String(error?.message)).not.toContain("wrong-secret-9");
  });
});
