import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startBroker, type LocalBroker } from "@/scripts/kafka/broker";
import { createTestPki, type TestPki } from "@/lib/testing/tls-certs";
import { createKafka } from "./kafka-client";
import { KafkajsLog } from "./kafka-log";
import { kafkaSecurityFromEnv } from "./kafka-security";

/**
 * One extra broker with a SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and an SSL
 * listener that requires a client certificate. Tidemark's Kafka client is configured only through
 * the environment variables of README "Configuration" (kafkaSecurityFromEnv), as the server is.
 */
describe("Kafka connection security from environment settings", () => {
  let broker: LocalBroker;
  let pki: TestPki;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-kafka-security-"));

  beforeAll(async () => {
    pki = createTestPki(path.join(dataDir, "pki"));
    broker = await startBroker({
      dataDir: path.join(dataDir, "broker"),
      saslPlainUsers: { tidemark: "plain-secret-1" },
      saslScramUsers: { "tm-scram": "scram-secret-1" },
      tls: { keystoreFile: pki.brokerKeystore, keystorePassword: pki.keystorePassword, truststorePemFile: pki.caPem, clientAuth: "required" },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Creates a topic, writes two records and reads them back by offset, all through this client. */
  async function roundTrip(kafka: Kafka, topic: string): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: "a", value: "1" }, { key: "b", value: "2" }] });
    await producer.disconnect();
    const log = new KafkajsLog(kafka);
    const offsets = await log.logOffsets([topic]);
    const read: string[] = [];
    await log.readRanges(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, fromOffset: 0, untilOffset: o.logEndOffset })),
      (records) => void read.push(...records.map((r) => r.value!.toString())),
    );
    await log.close();
    return read.sort();
  }

  /** The connection error, and everything kafkajs logged meanwhile; null error when it connected. */
  async function failedConnect(kafka: Kafka): Promise<{ error: Error | null; logged: string }> {
    const spies = (["error", "warn", "log", "info"] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    try {
      const admin = kafka.admin();
      const error = await admin.connect().then(
        () => null,
        (e: Error) => e,
      );
      await admin.disconnect().catch(() => {});
      return { error, logged: spies.flatMap((s) => s.mock.calls.map((c) => c.map(String).join(" "))).join("\n") };
    } finally {
      for (const s of spies) s.mockRestore();
    }
  }

  const sasl = (mechanism: string, username: string, password: string) =>
    kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password });

  for (const [mechanism, user, password, topic] of [
    ["plain", "tidemark", "plain-secret-1", "secured-plain"],
    ["scram-sha-256", "tm-scram", "scram-secret-1", "secured-scram-256"],
    ["SCRAM-SHA-512", "tm-scram", "scram-secret-1", "secured-scram-512"],
  ] as const) {
    it(`SASL/${mechanism.toUpperCase()}: connects, creates a topic, writes and reads it with the right password`, async () => {
      expect(await roundTrip(createKafka(broker.saslBrokers!, `sasl-${mechanism}`, sasl(mechanism, user, password)), topic)).toEqual(["1", "2"]);
    });

    it(`SASL/${mechanism.toUpperCase()}: a wrong password fails, and neither the error nor the log shows it`, async () => {
      const { error, logged } = await failedConnect(createKafka(broker.saslBrokers!, `sasl-${mechanism}-bad`, sasl(mechanism, user, "wrong-secret-9")));
      expect(error).not.toBeNull();
      expect(String(error?.message)).toMatch(/SASL|authentication/i);
      expect(`${error?.message}\n${error?.stack}\n${logged}`).not.toContain("wrong-secret-9");
    });
  }

  it("SASL password from a file (KAFKA_SASL_PASSWORD_FILE)", async () => {
    const file = path.join(dataDir, "scram-password");
    fs.writeFileSync(file, "scram-secret-1\n");
    const security = kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "scram-sha-256", KAFKA_SASL_USERNAME: "tm-scram", KAFKA_SASL_PASSWORD_FILE: file });
    expect(await roundTrip(createKafka(broker.saslBrokers!, "sasl-file", security), "secured-scram-file")).toEqual(["1", "2"]);
  });

  it("TLS with the CA and a client certificate (key encrypted, with its password): connects, writes and reads", async () => {
    const security = kafkaSecurityFromEnv({
      KAFKA_SSL_CA_FILE: pki.caPem,
      KAFKA_SSL_CERT_FILE: pki.clientCertPem,
      KAFKA_SSL_KEY_FILE: pki.clientKeyPem,
      KAFKA_SSL_KEY_PASSWORD: pki.clientKeyPassword,
    });
    expect(security.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(await roundTrip(createKafka(broker.tlsBrokers!, "tls-client", security), "secured-tls")).toEqual(["1", "2"]);
  });

  it("TLS without a client certificate is refused by the broker (mutual TLS)", async () => {
    const { error } = await failedConnect(createKafka(broker.tlsBrokers!, "tls-no-cert", kafkaSecurityFromEnv({ KAFKA_SSL_CA_FILE: pki.caPem })));
    expect(error).not.toBeNull();
  });

  it("TLS without the CA does not trust the broker's certificate", async () => {
    const { error } = await failedConnect(
      createKafka(broker.tlsBrokers!, "tls-no-ca", kafkaSecurityFromEnv({ KAFKA_SSL: "1", KAFKA_SSL_CERT_FILE: pki.clientCertPem, KAFKA_SSL_KEY_FILE: pki.clientKeyPem, KAFKA_SSL_KEY_PASSWORD: pki.clientKeyPassword })),
    );
    expect(String(error?.message ?? error)).toMatch(/certificate|self.signed|verify/i);
  });
});
