import type { Kafka } from "kafkajs";
import type { KafkaLog, ReadOptions } from "@/lib/domain/ports";
import { comparePartitions, type KafkaRecord, type OffsetRange, type PartitionLogOffsets, type TopicPartition } from "@/lib/domain/types";
import { KafkaConnections } from "./kafka-connections";
import { fetchLogOffsets, type InternalCluster } from "./kafkajs-internals";
import { DeliveryError } from "./range-errors";
import { RangeRead, type FetchSizes } from "./range-reader";

const FETCH_MAX_BYTES = 8 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;
const MAX_FETCH_ATTEMPTS = 5;
const METADATA_REFRESH_MS = 5_000;

export { RangeUnreadableError } from "./range-errors";
export type { FetchSizes } from "./range-reader";

/** KafkaLog on kafkajs: offsets through the admin client, exact ranges through the broker fetch API. */
export class KafkajsLog implements KafkaLog {
  private readonly connections: KafkaConnections;
  private metadataRefreshedAt = 0;
  /** Where each read's partition rotation starts, so successive batches lead with different partitions. */
  private fetchRotation = 0;

  constructor(
    kafka: Kafka,
    private readonly sizes: FetchSizes = { maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION },
  ) {
    this.connections = new KafkaConnections(kafka);
  }

  /**
   * Both ends of every partition in two ListOffsets rounds for all topics. Metadata is refreshed at
   * least every METADATA_REFRESH_MS (kafkajs' admin would cache it for 5 minutes), so partitions
   * added to a topic show up within seconds, and after any error.
   */
  async logOffsets(topics: string[]): Promise<PartitionLogOffsets[]> {
    if (topics.length === 0) return [];
    try {
      return await this.fetchLogOffsets(topics);
    } catch (error) {
      this.metadataRefreshedAt = 0;
      // A deleted topic of another job broke the metadata refresh: once more without it.
      if ((await this.forgetDeletedTopics()) === 0) throw error;
      return this.fetchLogOffsets(topics);
    }
  }

  private async fetchLogOffsets(topics: string[]): Promise<PartitionLogOffsets[]> {
    const cluster = await this.connectedCluster(topics);
    try {
      if (Date.now() - this.metadataRefreshedAt > METADATA_REFRESH_MS) {
        await cluster.refreshMetadata();
        this.metadataRefreshedAt = Date.now();
      }
      return await fetchLogOffsets(cluster, topics);
    } catch (error) {
      this.metadataRefreshedAt = 0;
      throw error;
    }
  }

  /**
   * kafkajs refreshes metadata for every topic it was ever asked about, and fails the whole refresh
   * when one of them was deleted: drop deleted topics so other jobs on this client carry on.
   */
  private async forgetDeletedTopics(): Promise<number> {
    const cluster = this.connections.connectedCluster;
    if (!cluster) return 0;
    let forgotten = 0;
    try {
      const existing = new Set(await (await this.connections.admin()).listTopics());
      for (const topic of [...cluster.targetTopics]) {
        if (!existing.has(topic)) {
          cluster.targetTopics.delete(topic);
          forgotten += 1;
        }
      }
    } catch {
      // Kafka unreachable: nothing to learn now.
    }
    return forgotten;
  }

  async topicNames(): Promise<string[]> {
    return (await this.connections.admin()).listTopics();
  }

  async offsetsForTime(topic: string, timestampMs: number): Promise<Map<number, number>> {
    const admin = await this.connections.admin();
    const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, timestampMs), admin.fetchTopicOffsets(topic)]);
    const logEnd = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    // Kafka answers -1 when no record is that recent: the next record will come at the log end.
    return new Map(byTime.map((p) => [p.partition, Number(p.offset) < 0 ? (logEnd.get(p.partition) ?? 0) : Number(p.offset)]));
  }

  async partitions(topics: string[]): Promise<TopicPartition[]> {
    const admin = await this.connections.admin();
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId }))).sort(comparePartitions);
  }

  async readRanges(
    ranges: OffsetRange[],
    onRecords: (records: KafkaRecord[]) => void | Promise<void>,
    signal?: AbortSignal,
    options?: ReadOptions,
  ): Promise<OffsetRange[]> {
    const read = new RangeRead(ranges, onRecords, this.sizes, options, this.fetchRotation++);
    if (read.done) return read.result();
    const cluster = await this.connectedCluster(read.topics);

    let failures = 0;
    while (!read.done) {
      signal?.throwIfAborted();
      try {
        await read.round(cluster, signal);
        failures = 0;
      } catch (error) {
        // Records already handed over moved their cursors: retrying would skip them. Only fetches are retried.
        if (error instanceof DeliveryError) throw error.cause;
        if (++failures >= MAX_FETCH_ATTEMPTS) {
          await this.forgetDeletedTopics();
          throw error;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** failures));
        await cluster.refreshMetadata();
      }
    }
    return read.result();
  }

  close(): Promise<void> {
    return this.connections.close();
  }

  private async connectedCluster(topics: string[]): Promise<InternalCluster> {
    const cluster = await this.connections.cluster();
    const before = new Set(cluster.targetTopics);
    try {
      await cluster.addMultipleTargetTopics(topics);
    } catch (error) {
      // Do not keep a topic that broke the refresh (deleted, or never existed); when another,
      // deleted topic broke it, try once more without that one.
      for (const topic of topics) if (!before.has(topic)) cluster.targetTopics.delete(topic);
      if ((await this.forgetDeletedTopics()) === 0) throw error;
      await cluster.addMultipleTargetTopics(topics);
    }
    return cluster;
  }
}
