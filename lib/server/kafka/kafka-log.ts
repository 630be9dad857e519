import type { Admin, Kafka } from "kafkajs";
import type { KafkaLog } from "@/lib/domain/ports";
import { comparePartitions, partitionKey, type KafkaRecord, type OffsetRange, type PartitionLogOffsets, type TopicPartition } from "@/lib/domain/types";
import {
  createCluster,
  decodeLegacyMessageSet,
  decompressRecords,
  fetchLogOffsets,
  fetchRecordSets,
  READ_COMMITTED,
  toBatch,
  type InternalBroker,
  type InternalCluster,
  type RawFetchResponse,
  type RawMessage,
} from "./kafkajs-internals";
import { decodeRecordBatches, listRecordBatches } from "./record-batches";

const FETCH_MAX_BYTES = 8 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;
/** Data up to each range's end is known to exist, so the broker need not wait for more. */
const FETCH_MAX_WAIT_MS = 100;
const MAX_FETCH_ATTEMPTS = 5;
const METADATA_REFRESH_MS = 5_000;

interface Cursor {
  range: OffsetRange;
  next: number;
  /** Fetches in a row that moved no further (a range ending in compacted-away offsets). */
  stalls: number;
}

/** Bytes per fetch response and per partition in it (tests make them small). */
export interface FetchSizes {
  maxBytes: number;
  maxBytesPerPartition: number;
}

/** KafkaLog on kafkajs: offsets through the admin client, exact ranges through the broker fetch API. */
export class KafkajsLog implements KafkaLog {
  private admin: Admin | null = null;
  private cluster: InternalCluster | null = null;
  private metadataRefreshedAt = 0;
  private connectingCluster: Promise<InternalCluster> | null = null;
  /** Turns the partitions' order in each fetch, so none is always last when a response fills up. */
  private fetchRotation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly sizes: FetchSizes = { maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION },
  ) {}

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
    const cluster = this.cluster;
    if (!cluster) return 0;
    let forgotten = 0;
    try {
      const existing = new Set(await (await this.connectedAdmin()).listTopics());
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
    return (await this.connectedAdmin()).listTopics();
  }

  async offsetsForTime(topic: string, timestampMs: number): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, timestampMs), admin.fetchTopicOffsets(topic)]);
    const logEnd = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    // Kafka answers -1 when no record is that recent: the next record will come at the log end.
    return new Map(byTime.map((p) => [p.partition, Number(p.offset) < 0 ? (logEnd.get(p.partition) ?? 0) : Number(p.offset)]));
  }

  async partitions(topics: string[]): Promise<TopicPartition[]> {
    const admin = await this.connectedAdmin();
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId }))).sort(comparePartitions);
  }

  async readRanges(
    ranges: OffsetRange[],
    onRecords: (records: KafkaRecord[]) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const cursors = new Map<string, Cursor>();
    for (const range of ranges) {
      if (range.untilOffset > range.fromOffset) cursors.set(partitionKey(range), { range, next: range.fromOffset, stalls: 0 });
    }
    if (cursors.size === 0) return;
    const cluster = await this.connectedCluster([...new Set(ranges.map((r) => r.topic))]);

    let failures = 0;
    while (cursors.size > 0) {
      signal?.throwIfAborted();
      try {
        const byLeader = this.groupByLeader(cluster, [...cursors.values()]);
        await Promise.all([...byLeader].map(([nodeId, group]) => this.readFromLeader(cluster, nodeId, group, cursors, onRecords, signal)));
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
  }

  /**
   * Fetches one leader's partitions until their ranges are read. The next fetch is sent as soon as a
   * response's batch headers tell where it ends, so the broker prepares it while this response's
   * records are decoded and handed over.
   */
  private async readFromLeader(
    cluster: InternalCluster,
    nodeId: string,
    group: Cursor[],
    cursors: Map<string, Cursor>,
    onRecords: (records: KafkaRecord[]) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const broker = await cluster.findBroker({ nodeId });
    const open = () => group.filter((c) => cursors.has(partitionKey(c.range)));
    let inFlight: Promise<RawFetchResponse> | null = this.fetch(broker, open());
    while (inFlight) {
      const response: RawFetchResponse = await inFlight;
      inFlight = null;
      const work = await this.advance(response, cursors);
      const remaining = open();
      if (remaining.length > 0 && !signal?.aborted) {
        inFlight = this.fetch(broker, remaining);
        // Settled below, or dropped when handing over fails: never an unhandled rejection.
        inFlight.catch(() => {});
      }
      try {
        for (const w of work) {
          const records = await w.decode();
          if (records.length > 0) await onRecords(records);
        }
      } catch (error) {
        throw new DeliveryError(error);
      }
    }
  }

  private fetch(broker: InternalBroker, cursors: Cursor[]): Promise<RawFetchResponse> {
    // The broker fills a response in request order and leaves the rest empty once it is full.
    const shift = this.fetchRotation++ % Math.max(1, cursors.length);
    const ordered = [...cursors.slice(shift), ...cursors.slice(0, shift)];
    const topics = [...new Set(ordered.map((c) => c.range.topic))].map((topic) => ({
      topic,
      partitions: ordered
        .filter((c) => c.range.topic === topic)
        .map((c) => ({ partition: c.range.partition, fetchOffset: String(c.next), maxBytes: this.sizes.maxBytesPerPartition })),
    }));
    return fetchRecordSets(broker, { isolationLevel: READ_COMMITTED, maxWaitTime: FETCH_MAX_WAIT_MS, minBytes: 1, maxBytes: this.sizes.maxBytes, topics });
  }

  /**
   * Moves each cursor past what the response holds (from batch headers only) and returns, per
   * partition, how to decode the records in the range that the response brought.
   */
  private async advance(response: RawFetchResponse, cursors: Map<string, Cursor>): Promise<{ decode: () => Promise<KafkaRecord[]> }[]> {
    const work: { decode: () => Promise<KafkaRecord[]> }[] = [];
    // A partition with nothing in a full response was left out for room, not found empty.
    let responseBytes = 0;
    for (const { partitions } of response.responses) for (const data of partitions) responseBytes += data.recordSet.length;
    const full = responseBytes + this.sizes.maxBytesPerPartition > this.sizes.maxBytes;
    for (const { topicName, partitions } of response.responses) {
      for (const data of partitions) {
        const key = partitionKey({ topic: topicName, partition: data.partition });
        const cursor = cursors.get(key);
        if (!cursor) continue;
        const tp = { topic: topicName, partition: data.partition };
        const wanted = { fromOffset: cursor.next, untilOffset: cursor.range.untilOffset };
        const batches = listRecordBatches(data.recordSet);
        let reached: number;
        if (batches) {
          reached = batches.length > 0 ? batches[batches.length - 1].lastOffset : -1;
          if (batches.length > 0) {
            work.push({
              decode: async () => {
                const out: KafkaRecord[] = [];
                await decodeRecordBatches(tp, data.recordSet, batches, data.abortedTransactions, wanted, decompressRecords, out);
                return out;
              },
            });
          }
        } else {
          const messages = await decodeLegacyMessageSet(data.recordSet);
          reached = furthestOffset(messages);
          work.push({ decode: async () => legacyRecords(tp, wanted, messages) });
        }
        if (reached >= cursor.next) {
          cursor.next = reached + 1;
          cursor.stalls = 0;
        } else if (!full && data.highWatermark >= cursor.range.untilOffset && ++cursor.stalls >= 3) {
          // The log holds no record in the rest of the range (compaction or transaction markers).
          cursor.next = cursor.range.untilOffset;
        }
        if (cursor.next >= cursor.range.untilOffset) cursors.delete(key);
      }
    }
    return work;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin?.disconnect(), this.cluster?.disconnect()]);
    this.admin = null;
    this.cluster = null;
  }

  private groupByLeader(cluster: InternalCluster, cursors: Cursor[]): Map<string, Cursor[]> {
    const byLeader = new Map<string, Cursor[]>();
    const byTopic = new Map<string, Cursor[]>();
    for (const c of cursors) byTopic.set(c.range.topic, [...(byTopic.get(c.range.topic) ?? []), c]);
    for (const [topic, list] of byTopic) {
      const leaders = cluster.findLeaderForPartitions(topic, list.map((c) => c.range.partition));
      for (const [nodeId, partitions] of Object.entries(leaders)) {
        const group = list.filter((c) => partitions.includes(c.range.partition));
        byLeader.set(nodeId, [...(byLeader.get(nodeId) ?? []), ...group]);
      }
    }
    // A partition whose leader the cached metadata does not know (just created or added) would
    // never be fetched and the read loop would spin: fail this round, so it backs off and refreshes.
    const covered = [...byLeader.values()].reduce((n, g) => n + g.length, 0);
    if (covered < cursors.length) {
      const missing = cursors.filter((c) => ![...byLeader.values()].some((g) => g.includes(c))).map((c) => partitionKey(c.range));
      throw new Error(`no leader known yet for ${missing.join(", ")}`);
    }
    return byLeader;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async connectedCluster(topics: string[]): Promise<InternalCluster> {
    if (!this.cluster) {
      // One connect at a time: concurrent callers (web requests) share it.
      this.connectingCluster ??= (async () => {
        const cluster = createCluster(this.kafka);
        try {
          await cluster.connect();
          this.cluster = cluster;
          return cluster;
        } finally {
          this.connectingCluster = null;
        }
      })();
      await this.connectingCluster;
    }
    const cluster = this.cluster as InternalCluster;
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

/** Thrown past the fetch retries: an error of decoding or of the caller's record handler. */
class DeliveryError extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Records of a legacy (magic 0/1) message set in the range, through kafkajs' Batch filtering. */
function legacyRecords(tp: { topic: string; partition: number }, range: { fromOffset: number; untilOffset: number }, messages: RawMessage[]): KafkaRecord[] {
  const batch = toBatch(tp.topic, range.fromOffset, { partition: tp.partition, errorCode: 0, highWatermark: "0", abortedTransactions: [], messages });
  const records: KafkaRecord[] = [];
  for (const m of batch.messages) {
    const offset = Number(m.offset);
    if (offset >= range.untilOffset) break;
    records.push(toRecord(tp.topic, tp.partition, m, offset));
  }
  return records;
}

/**
 * The last offset a fetch covered, including what filtering removed, so reading moves past it.
 * Messages come in offset order, record batch after record batch: the last one decides.
 */
function furthestOffset(messages: RawMessage[]): number {
  const last = messages[messages.length - 1];
  if (!last) return -1;
  const offset = Number(last.offset);
  return last.batchContext ? Math.max(offset, Number(last.batchContext.firstOffset) + last.batchContext.lastOffsetDelta) : offset;
}

function toRecord(topic: string, partition: number, m: RawMessage, offset: number): KafkaRecord {
  return {
    topic,
    partition,
    offset,
    timestamp: Number(m.timestamp),
    key: m.key ?? null,
    value: m.value ?? null,
    headers: m.headers ?? {},
  };
}
