/**
 * kafkajs has no public "fetch this offset range" call (no assign()), but its Cluster and Broker
 * do exactly that, and its Batch class filters control records and aborted transactions as its own
 * consumer does. kafkajs 2.2.4 is the final release, so these internals are frozen; this file is
 * the only place that touches them.
 */
import type { Kafka } from "kafkajs";
import { comparePartitions, type PartitionLogOffsets } from "@/lib/domain/types";
import { createRequire } from "node:module";
import type { AbortedTransaction } from "./record-batches";
import { CODEC_NAMES, CompressionError } from "./compression-codecs";

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
  fetch(request: FetchRequest): Promise<FetchResponse>;
  lookupRequest(apiKey: number, definition: unknown): (request: FetchRequest & { rackId: string }) => ProtocolRequest;
}

interface ProtocolRequest {
  request: { apiVersion: number };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  requestTimeout: number;
}

/** A partition of a fetch response with its record set left undecoded (see fetchRecordSets). */
export interface RawFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: number;
  /** Where a read_committed fetch stops: records at or after it are not returned yet (-1: unknown). */
  lastStableOffset: number;
  abortedTransactions: AbortedTransaction[];
  /** A follower to fetch from instead (KIP-392; the data then is not in this response), or -1. */
  preferredReadReplica: number;
  /** The record set's bytes; empty when the partition had none */
  recordSet: Buffer;
}

export interface RawFetchResponse {
  /** A throttled response holds no data and proves nothing about the log. */
  throttleTimeMs: number;
  responses: { topicName: string; partitions: RawFetchPartition[] }[];
}

export interface FetchRequest {
  isolationLevel: number;
  maxWaitTime: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
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

const fetchRequests = (require("kafkajs/src/protocol/requests") as { requests: { Fetch: unknown } }).requests.Fetch;
const FETCH_API_KEY = (require("kafkajs/src/protocol/requests/apiKeys") as { Fetch: number }).Fetch;
/** kafkajs' check of a fetch response's partition error codes (throws the matching KafkaJS error). */
const parseFetchErrors = (require("kafkajs/src/protocol/requests/fetch/v1/response") as { parse(data: unknown): Promise<unknown> }).parse;
const { lookupCodecByAttributes, COMPRESSION_CODEC_MASK } = require("kafkajs/src/protocol/message/compression") as {
  lookupCodecByAttributes(attributes: number): { decompress(buffer: Buffer): Promise<Buffer> } | null;
  COMPRESSION_CODEC_MASK: number;
};

/**
 * A Fetch through kafkajs' own connection (versions, TLS, SASL, request queue), with the response's
 * record sets left as bytes for record-batches.ts instead of kafkajs' per-record decoder.
 */
export async function fetchRecordSets(broker: InternalBroker, request: FetchRequest): Promise<RawFetchResponse> {
  const protocol = broker.lookupRequest(FETCH_API_KEY, fetchRequests)({ ...request, rackId: "" });
  const version = protocol.request.apiVersion;
  if (version < 4) throw new Error(`Kafka offers Fetch v${version}; Tidemark needs v4 or later (Kafka 0.11+)`);
  const send = privateMethod<(p: ProtocolRequest) => Promise<RawFetchResponse>>(broker, "private:Broker:sendRequest");
  return send.call(broker, {
    ...protocol,
    response: { decode: async (raw: Buffer) => decodeFetchResponse(raw, version), parse: parseFetchErrors },
  });
}

/**
 * Decompresses a record batch's records section with the codec its attributes name, from kafkajs'
 * registry (filled by compression-codecs.ts, imported above so no reader can miss it).
 */
export async function decompressRecords(attributes: number, compressed: Buffer): Promise<Buffer> {
  const type = attributes & COMPRESSION_CODEC_MASK;
  const name = CODEC_NAMES[type] ?? `codec ${type}`;
  let codec: { decompress(buffer: Buffer): Promise<Buffer> } | null;
  try {
    codec = lookupCodecByAttributes(attributes);
  } catch (cause) {
    // kafkajs' placeholder for a codec nobody registered throws KafkaJSNotImplemented.
    throw new CompressionError("COMPRESSION_UNSUPPORTED", name, `record batch compressed with ${name}, which has no codec here (${(cause as Error).message})`, { cause });
  }
  if (!codec) throw new CompressionError("COMPRESSION_UNSUPPORTED", name, `record batch attributes ${attributes} name unknown compression ${name}`);
  return codec.decompress(compressed);
}

function privateMethod<F>(target: object, description: string): F {
  for (let proto = Object.getPrototypeOf(target); proto; proto = Object.getPrototypeOf(proto)) {
    const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === description);
    if (symbol) return (proto as Record<symbol, F>)[symbol];
  }
  throw new Error(`kafkajs internals changed: ${description} not found`);
}

/** Fetch response v4–v11 (the versions kafkajs speaks): partition headers decoded, record sets sliced. */
export function decodeFetchResponse(raw: Buffer, version: number): RawFetchResponse {
  let pos = 0;
  const int32 = () => ((pos += 4), raw.readInt32BE(pos - 4));
  const int16 = () => ((pos += 2), raw.readInt16BE(pos - 2));
  const int64 = () => ((pos += 8), raw.readBigInt64BE(pos - 8));
  const throttleTimeMs = int32();
  if (version >= 7) pos += 6; // error_code, session_id
  const responses: RawFetchResponse["responses"] = [];
  for (let t = int32(); t > 0; t--) {
    const nameLength = int16();
    const topicName = raw.toString("utf8", pos, pos + nameLength);
    pos += nameLength;
    const partitions: RawFetchPartition[] = [];
    for (let p = int32(); p > 0; p--) {
      const partition = int32();
      const errorCode = int16();
      const highWatermark = Number(int64());
      const lastStableOffset = Number(int64());
      if (version >= 5) pos += 8; // log_start_offset
      const abortedTransactions: AbortedTransaction[] = [];
      for (let a = int32(); a > 0; a--) abortedTransactions.push({ producerId: int64(), firstOffset: Number(int64()) });
      const preferredReadReplica = version >= 11 ? int32() : -1;
      const size = int32();
      const recordSet = size > 0 ? raw.subarray(pos, pos + size) : EMPTY;
      pos += Math.max(0, size);
      partitions.push({ partition, errorCode, highWatermark, lastStableOffset, abortedTransactions, preferredReadReplica, recordSet });
    }
    responses.push({ topicName, partitions });
  }
  return { throttleTimeMs, responses };
}

const EMPTY = Buffer.alloc(0);

const decodeMessageSet = require("kafkajs/src/protocol/messageSet/decoder") as (decoder: unknown, size: number) => Promise<RawMessage[]>;
const KafkajsDecoder = require("kafkajs/src/protocol/decoder") as new (buffer: Buffer) => unknown;

/** Legacy message sets (magic 0/1) through kafkajs' decoder: rare enough not to need speed. */
export async function decodeLegacyMessageSet(recordSet: Buffer): Promise<RawMessage[]> {
  return decodeMessageSet(new KafkajsDecoder(recordSet), recordSet.length);
}
