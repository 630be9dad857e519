/** Shared protocol types of the runtime: no I/O here. Offsets are JS numbers (safe up to 2^53). */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A fixed offset range [fromOffset, untilOffset) of one partition. */
export interface OffsetRange extends TopicPartition {
  fromOffset: number;
  untilOffset: number;
}

/** Where a partition's log currently starts and ends (log-end = next offset to be written). */
export interface PartitionLogOffsets extends TopicPartition {
  logStartOffset: number;
  logEndOffset: number;
}

/** The job's own stored position: the next offset it will read. */
export interface StoredOffset extends TopicPartition {
  offset: number;
}

export type { StartingOffsets } from "./job-options";

export type { BatchStatus, JobDesiredState, JobStatus } from "./statuses";

/** A record as read from Kafka, decoded only as far as every processor needs. */
export interface KafkaRecord extends TopicPartition {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | undefined>;
}

export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}

export function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}
