/** What the lag sampler and the group pages need from Kafka: a port, implemented in lib/server/lag. */
import type { PartitionLogOffsets, TopicPartition } from "./types";

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Partitions assigned to this member (consumer protocol); empty for other protocols. */
  assignment: TopicPartition[];
}

export interface ConsumerGroupInfo {
  groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, ... */
  state: string;
  protocolType: string;
  members: GroupMember[];
}

export interface GroupCommittedOffset extends TopicPartition {
  offset: number;
}

/** A position in a partition whose record timestamp is wanted (the oldest unconsumed record). */
export interface RecordPosition extends TopicPartition {
  offset: number;
}

export interface LagSource {
  /** Log-start and log-end offsets of every partition of the topics: one ListOffsets round for all of them. */
  logOffsets(topics: string[]): Promise<PartitionLogOffsets[]>;
  /** Every consumer group in the cluster, described (state, members, assignments). */
  groups(): Promise<ConsumerGroupInfo[]>;
  describeGroups(groupIds: string[]): Promise<ConsumerGroupInfo[]>;
  /** The group's committed offsets (partitions it never committed are left out). */
  groupOffsets(groupId: string): Promise<GroupCommittedOffset[]>;
  /** Timestamp (epoch ms) of the first record at or after each position; positions without one are absent. Keys: `topic:partition:offset`. */
  recordTimestamps(positions: RecordPosition[]): Promise<Map<string, number>>;
  /** For each partition, the earliest offset whose record is at or after the time (log end when none). */
  offsetsForTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: number }[]>;
  topicNames(): Promise<string[]>;
  brokers(): Promise<{ nodeId: number; host: string; port: number }[]>;
  close(): Promise<void>;
}

export function positionKey(p: RecordPosition): string {
  return `${p.topic}:${p.partition}:${p.offset}`;
}
