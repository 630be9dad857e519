import { Kafka, logLevel, type KafkaConfig, type LogEntry } from "kafkajs";
import { kafkaSecurityFromEnv } from "./kafka-security";
// Every Kafka codec (snappy, lz4, zstd besides gzip) for whatever client is created here.
import "./compression-codecs";

/** kafkajs logs only warnings and errors, in one line each, without its banner noise. */
function logCreator() {
  return ({ level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, broker, error } = log as { message: string; broker?: string; error?: string };
    const text = `[kafkajs] ${message}${broker ? ` broker=${broker}` : ""}${error ? ` error=${error}` : ""}`;
    if (level === logLevel.ERROR) console.error(text);
    else console.warn(text);
  };
}

export function createKafka(brokers: string[], clientId = "tidemark", security: Pick<KafkaConfig, "ssl" | "sasl"> = kafkaSecurityFromEnv()): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= "1";
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator,
    ...security,
  });
}
