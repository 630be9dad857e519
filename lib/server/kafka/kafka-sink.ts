import type { Kafka, Producer } from "kafkajs";
import type { RecordSink } from "../processors/processor";

/**
 * The forward processor's sink: one idempotent producer (the broker drops duplicates of its own
 * retries), acks from all in-sync replicas. Connected on first use.
 */
export class KafkaRecordSink implements RecordSink {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(private readonly kafka: Kafka) {}

  async send(topic: string, messages: Parameters<RecordSink["send"]>[1]): Promise<void> {
    const producer = await this.connected();
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    this.connecting = null;
    await producer?.disconnect().catch(() => {});
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = null;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }
}
