import kafkajs, { type Kafka, type Producer } from "kafkajs";
import type { RecordSink } from "../processors/processor";
import { MessageTooLargeError, type SinkCompression, type SinkSendOptions } from "../processors/record-sink";
import { recordBytes, sendBudget, sendEnd, singleRecordBatchBytes, type SizedMessage } from "./produce-sizing";
import { TopicLimits } from "./topic-limits";

// kafkajs is CommonJS: Node's ESM loader (the runtime's production bundle) finds only some of its
// exports by name, and not CompressionCodecs.
const { CompressionCodecs, CompressionTypes } = kafkajs;

const CODECS: Record<SinkCompression, kafkajs.CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
/** Broker answers to a request or batch over its limits. */
const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);
/** How old a topic's limit may be when a record is called too large by it. */
const RECENT_LIMIT_MS = 10_000;
/** Refusals as too large that the sink answers by halving its sends before it gives up. */
const MAX_SHRINKS = 12;

/**
 * The forward processor's sink: idempotent producers (the broker drops duplicates of their own
 * retries), acks from all in-sync replicas. One producer per target topic, connected on first use:
 * a kafkajs producer refreshes metadata for every topic it ever wrote to and fails the whole refresh
 * once one of them is deleted, so a shared producer would let one job's deleted target break every
 * other forward job.
 *
 * A send is split into requests whose record batches stay under the topic's `max.message.bytes`,
 * written one after another (the producer keeps one request in flight, so each target partition
 * gets the records in the order given). A record that is too large even alone is refused before
 * anything is written (MessageTooLargeError).
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producers = new Map<string, Promise<Producer>>();
  private readonly limits: TopicLimits;

  constructor(private readonly kafka: Kafka) {
    this.limits = new TopicLimits(kafka);
  }

  async send(topic: string, messages: SizedMessage[], options: SinkSendOptions = {}): Promise<void> {
    const compression = options.compression ?? "none";
    try {
      const producer = await this.connected(topic);
      let limit = await this.limits.maxMessageBytes(topic);
      // Before a record is called too large, make sure the limit is a recent one.
      if ((await findTooLarge(messages, limit, compression)) !== null) limit = await this.limits.refresh(topic, RECENT_LIMIT_MS);
      const tooLarge = await findTooLarge(messages, limit, compression);
      if (tooLarge !== null) throw new MessageTooLargeError(tooLarge.index, tooLarge.bytes, topic, limit);
      await this.sendInParts(producer, topic, messages, limit, compression);
    } catch (error) {
      if (error instanceof MessageTooLargeError) throw error;
      const failure = new SinkError(topic, error);
      // The topic is gone: a producer made later (the topic re-created) starts with fresh metadata.
      if (failure.topicMissing) await this.drop(topic);
      throw failure;
    }
  }

  /**
   * Sends consecutive parts within the topic's limit. A part the broker still refuses as too large
   * (the topic's limit lowered meanwhile) is sent again in smaller parts; a single record refused
   * alone ends the send with a MessageTooLargeError after the parts before it were written.
   */
  private async sendInParts(producer: Producer, topic: string, messages: SizedMessage[], maxMessageBytes: number, compression: SinkCompression): Promise<void> {
    const sizes = messages.map(recordBytes);
    let limit = maxMessageBytes;
    let shrink = 1;
    for (let from = 0; from < messages.length; ) {
      const until = sendEnd(sizes, from, Math.max(1, Math.floor(sendBudget(limit, compression !== "none") / shrink)));
      try {
        await producer.send({
          topic,
          acks: -1,
          compression: CODECS[compression],
          messages: messages.slice(from, until).map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        });
        from = until;
      } catch (error) {
        if (!TOO_LARGE.has(String(errorType(error)))) throw error;
        limit = await this.limits.refresh(topic);
        if (until - from === 1 || shrink >= 2 ** MAX_SHRINKS) throw new MessageTooLargeError(from, singleRecordBatchBytes(messages[from]), topic, limit, from);
        shrink *= 2;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.producers.keys()].map((topic) => this.drop(topic)));
    await this.limits.close();
  }

  private async drop(topic: string): Promise<void> {
    const producer = this.producers.get(topic);
    this.producers.delete(topic);
    this.limits.forget(topic);
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
    const type = errorType(cause);
    const reason =
      type === "UNKNOWN_TOPIC_OR_PARTITION"
        ? "the topic does not exist (UNKNOWN_TOPIC_OR_PARTITION)"
        : `${cause instanceof Error ? cause.message : String(cause)}${typeof type === "string" ? ` (${type})` : ""}`;
    super(`cannot write to topic '${topic}': ${reason}`, { cause });
    this.name = "SinkError";
    this.topicMissing = type === "UNKNOWN_TOPIC_OR_PARTITION";
  }
}

/** The broker's error name, on kafkajs' error or (once its retries ran out) on the error's cause. */
function errorType(error: unknown): unknown {
  return (error as { type?: unknown })?.type ?? (error as { cause?: { type?: unknown } })?.cause?.type;
}

/**
 * The first message that cannot be written even alone, with its size: its record batch exceeds the
 * limit uncompressed and, with a codec, also compressed.
 */
async function findTooLarge(messages: SizedMessage[], maxMessageBytes: number, compression: SinkCompression): Promise<{ index: number; bytes: number } | null> {
  for (let index = 0; index < messages.length; index++) {
    const bytes = singleRecordBatchBytes(messages[index]);
    if (bytes <= maxMessageBytes) continue;
    if (compression === "none" || (await compressedBatchBytes(messages[index], compression)) > maxMessageBytes) return { index, bytes };
  }
  return null;
}

/** About what the record's batch takes once compressed: its data through the codec, its lengths as they are. */
async function compressedBatchBytes(message: SizedMessage, compression: SinkCompression): Promise<number> {
  const data = [message.key, message.value, ...Object.values(message.headers ?? {})].filter((d) => d != null).map((d) => (typeof d === "string" ? Buffer.from(d) : d));
  const raw = Buffer.concat(data);
  const codec = (CompressionCodecs as Record<number, () => { compress(encoder: { buffer: Buffer }): Promise<Buffer> }>)[CODECS[compression]]();
  const compressed = await codec.compress({ buffer: raw });
  return singleRecordBatchBytes(message) - raw.length + compressed.length;
}
