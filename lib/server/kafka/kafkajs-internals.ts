/**
 * kafkajs has no public "fetch this offset range" call (no assign()), but its Cluster and Broker
 * do exactly that, and its Batch class filters control records and aborted transactions as its own
 * consumer does. kafkajs 2.2.4 is the final release, so these internals are frozen; this file is
 * the only place that touches them.
 */
import type { Kafka } from "kafkajs";
import { comparePartitions, type PartitionLogOffsets } from "@/lib/domain/types";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface RawMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | undefined>;
  isControlRecord?: boolean;
  batchContext?: { firstOffset: string; lastOffsetDelta: number };
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: string;
  abortedTransactions?: unknown[];
  messages: RawMessage[];
}

export interface FetchResponse {
  responses: { topicName: string; partitions: FetchPartitionResponse[] }[];
}

export interface InternalBroker {
  fetch(request: {
    replicaId?: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<FetchResponse>;
}

export interface InternalCoordinator {
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
}

export interface InternalCluster {
  findGroupCoordinator(args: { groupId: string }): Promise<InternalCoordinator>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<InternalBroker>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  /** Topics whose metadata the cluster keeps; a deleted one makes every refresh fail. */
  targetTopics: Set<string>;
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

export interface InternalBatch {
  messages: RawMessage[];
  messagesWithinOffset: RawMessage[];
}

export const READ_COMMITTED = 1;

/** A Cluster built with the very options (brokers, TLS, SASL, retry) the Kafka client was given. */
export function createCluster(kafka: Kafka): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  if (!symbol) throw new Error("kafkajs internals changed: createCluster not found");
  const create = (kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[symbol];
  return create({ metadataMaxAge: 60_000, allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
}

const BatchClass = require("kafkajs/src/consumer/batch") as new (
  topic: string,
  fetchedOffset: string,
  partitionData: FetchPartitionResponse,
) => InternalBatch;

/** Records at or after fetchedOffset, without control records and aborted transactional records. */
export function toBatch(topic: string, fetchedOffset: number, data: FetchPartitionResponse): InternalBatch {
  return new BatchClass(topic, String(fetchedOffset), data);
}

/**
 * Log-start and log-end offsets of every partition of the topics: one ListOffsets round per
 * direction for all topics (the cluster groups partitions by leader), sorted by partition.
 */
export async function fetchLogOffsets(cluster: InternalCluster, topics: string[]): Promise<PartitionLogOffsets[]> {
  const request = (fromBeginning: boolean) =>
    topics.map((topic) => ({
      topic,
      fromBeginning,
      partitions: cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId })),
    }));
  const [low, high] = await Promise.all([cluster.fetchTopicsOffset(request(true)), cluster.fetchTopicsOffset(request(false))]);
  const lows = new Map(low.flatMap((t) => t.partitions.map((p) => [`${t.topic}:${p.partition}`, Number(p.offset)] as const)));
  return high
    .flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        logStartOffset: lows.get(`${t.topic}:${p.partition}`) ?? 0,
        logEndOffset: Number(p.offset),
      })),
    )
    .sort(comparePartitions);
}
