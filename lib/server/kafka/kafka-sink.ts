import type { Kafka, Producer } from "kafkajs";
import type { RecordSink } from "../processors/processor";

/**
 * The forward processor's sink: idempotent producers (the broker drops duplicates of their own
 * retries), acks from all in-sync replicas. One producer per target topic, connected on first use:
 * a kafkajs producer refreshes metadata for every topic it ever wrote to and fails the whole refresh
 * once one of them is deleted, so a shared producer would let one job's deleted target break every
 * other forward job.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producers = new Map<string, Promise<Producer>>();

  constructor(private readonly kafka: Kafka) {}

  async send(topic: string, messages: Parameters<RecordSink["send"]>[1]): Promise<void> {
    try {
      const producer = await this.connected(topic);
      await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
    } catch (error) {
      const failure = new SinkError(topic, error);
      // The topic is gone: a producer made later (the topic re-created) starts with fresh metadata.
      if (failure.topicMissing) await this.drop(topic);
      throw failure;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((topic) => this.drop(topic)));
  }

  private async drop(topic: string): Promise<void> {
    const producer = this.producers.get(topic);
    this.producers.delete(topic);
    await producer?.then((p) => p.disconnect()).catch(() => {});
  }

  private connected(topic: string): Promise<Producer> {
    let producer = this.producers.get(topic);
    if (!producer) {
      const created = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      producer = created.connect().then(() => created);
      // A failed connect is not kept: the next send tries again.
      producer.catch(() => {
        if (this.producers.get(topic) === producer) this.producers.delete(topic);
      });
      this.producers.set(topic, producer);
    }
    return producer;
  }
}

/** A send that failed, naming the target topic; kafkajs' error stays the cause (see kafkaErrorKind). */
export class SinkError extends Error {
  /** Kafka does not know the topic (deleted, or never created). */
  readonly topicMissing: boolean;

  constructor(
    readonly topic: string,
    cause: unknown,
  ) {
    // kafkajs puts the broker's error under its own once its retries run out.
    const type = (cause as { type?: unknown })?.type ?? (cause as { cause?: { type?: unknown } })?.cause?.type;
    const reason =
      type === "UNKNOWN_TOPIC_OR_PARTITION"
        ? "the topic does not exist (UNKNOWN_TOPIC_OR_PARTITION)"
        : `${cause instanceof Error ? cause.message : String(cause)}${typeof type === "string" ? ` (${type})` : ""}`;
    super(`cannot write to topic '${topic}': ${reason}`, { cause });
    this.name = "SinkError";
    this.topicMissing = type === "UNKNOWN_TOPIC_OR_PARTITION";
  }
}
