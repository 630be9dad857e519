/** The runtime's ports: implemented in lib/server, faked nowhere in production code. */
import type { KafkaRecord, OffsetRange, PartitionLogOffsets, TopicPartition } from "./types";

/**
 * Which partitions of a job this worker owns. Single instance: all of them. Later, several
 * instances share a job through Kafka's consumer-group protocol behind this same interface.
 */
export interface PartitionOwnership {
  /** Partitions owned right now; the runner plans each batch for exactly these. */
  owned(): Promise<TopicPartition[]>;
  close(): Promise<void>;
}

/** Read access to Kafka logs, by offset. */
export interface KafkaLog {
  /** Log-start and log-end offsets of every partition of the topics, one round per topic. */
  logOffsets(topics: string[]): Promise<PartitionLogOffsets[]>;
  /** Names of every topic in the cluster. */
  topicNames(): Promise<string[]>;
  /** All partitions of the topics. */
  partitions(topics: string[]): Promise<TopicPartition[]>;
  /**
   * Kafka's offsets-for-times: per partition, the first offset whose record timestamp is at or
   * after `timestampMs` (the log end when there is none).
   */
  offsetsForTime(topic: string, timestampMs: number): Promise<Map<number, number>>;
  /**
   * Reads exactly the records in the ranges, calling onRecords with each partition's records in
   * offset order (possibly in several chunks). Offsets inside a range that hold no record
   * (compaction gaps, transaction markers, aborted transactions) are skipped only where the broker
   * proved them empty; anything else fails the read (RangeUnreadableError) rather than moving on.
   *
   * With `maxBytes`, reading stops once the records handed over hold that many key + value bytes
   * (the record that reaches it is the last one, so every read hands over at least one): the result
   * then says where each range was cut.
   * Resolves to the ranges as read: each input range, its untilOffset lowered where it was cut.
   */
  readRanges(
    ranges: OffsetRange[],
    onRecords: (records: KafkaRecord[]) => void | Promise<void>,
    signal?: AbortSignal,
    options?: ReadOptions,
  ): Promise<OffsetRange[]>;
}

export interface ReadOptions {
  /** Stop handing over records once this many key + value bytes were handed over in all. */
  maxBytes?: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};
