/**
 * Reads fixed offset ranges through the broker's Fetch API: one reader per readRanges call.
 *
 * The rule that keeps it exact: an offset is passed over only when the broker handed over the batch
 * holding it, or proved that no batch holds it. A partition that comes back empty is not proof: the
 * broker leaves a partition out when the response is full, and returns nothing for a partition whose
 * next record batch is larger than the partition's fetch size — unless that partition comes first in
 * the request (KIP-74: the first batch of the first non-empty partition is returned whatever its
 * size). So a partition that came back empty goes first in its leader's next fetch; only an empty
 * answer at the head, below the last stable offset, proves the rest of its range holds no records.
 */
import { partitionKey, type KafkaRecord, type OffsetRange } from "@/lib/domain/types";
import type { ReadOptions } from "@/lib/domain/ports";
import {
  decodeLegacyMessageSet,
  decompressRecords,
  fetchRecordSets,
  READ_COMMITTED,
  type InternalBroker,
  type InternalCluster,
  type RawFetchPartition,
  type RawFetchResponse,
} from "./kafkajs-internals";
import { furthestOffset, legacyRecords } from "./legacy-message-set";
import { DeliveryError, RangeUnreadableError } from "./range-errors";
import { decodeRecordBatches, firstBatchBytes, listRecordBatches } from "./record-batches";


/** Data up to each range's end is known to exist, so the broker need not wait for more. */
const FETCH_MAX_WAIT_MS = 100;
/** Empty answers at the head that prove nothing, in a row, before the range counts as unreadable. */
const MAX_UNPROVEN_EMPTY_FETCHES = 5;

/** Bytes per fetch response and per partition in it (tests make them small). */
export interface FetchSizes {
  maxBytes: number;
  maxBytesPerPartition: number;
}

interface Cursor {
  range: OffsetRange;
  /** Next offset to fetch. */
  next: number;
  /** Every record before this offset was handed over (or proven absent). */
  delivered: number;
  /** This partition's fetch size: raised to a record batch the response announced but could not hold. */
  fetchBytes: number;
  /** When it last came back empty without proof (it then leads the next fetch); null when it did not. */
  waitingSince: number | null;
  unprovenEmpty: number;
}

interface Work {
  cursor: Cursor;
  /** Offset the cursor is delivered up to once these records are handed over. */
  coveredUntil: number;
  decode(): Promise<KafkaRecord[]>;
}

type OnRecords = (records: KafkaRecord[]) => void | Promise<void>;

export class RangeRead {
  private readonly cursors = new Map<string, Cursor>();
  private readonly open = new Set<Cursor>();
  private bytesHandedOver = 0;
  private cut = false;
  private sequence = 0;

  constructor(
    private readonly ranges: OffsetRange[],
    private readonly onRecords: OnRecords,
    private readonly sizes: FetchSizes,
    private readonly options: ReadOptions = {},
    /** Turns the partitions' order in each fetch, so none is always last when a response fills up. */
    private rotation = 0,
  ) {
    for (const range of ranges) {
      if (range.untilOffset <= range.fromOffset) continue;
      const cursor: Cursor = { range, next: range.fromOffset, delivered: range.fromOffset, fetchBytes: sizes.maxBytesPerPartition, waitingSince: null, unprovenEmpty: 0 };
      this.cursors.set(partitionKey(range), cursor);
      this.open.add(cursor);
    }
  }

  get done(): boolean {
    return this.open.size === 0 || this.cut;
  }

  get topics(): string[] {
    return [...new Set([...this.open].map((c) => c.range.topic))];
  }

  /** The ranges as read: each input range, its end lowered to where reading stopped for the byte budget. */
  result(): OffsetRange[] {
    return this.ranges.map((r) => {
      const cursor = this.cursors.get(partitionKey(r));
      return cursor && this.cut ? { ...r, untilOffset: cursor.delivered } : r;
    });
  }

  /**
   * One round: every open partition's leader fetched until its ranges are read. Each leader's loop is
   * awaited to the end even when another fails, so no loop keeps handing over records while the
   * caller retries the round.
   */
  async round(cluster: InternalCluster, signal?: AbortSignal): Promise<void> {
    const byLeader = groupByLeader(cluster, [...this.open]);
    const results = await Promise.allSettled([...byLeader].map(([nodeId, group]) => this.readFromLeader(cluster, nodeId, group, signal)));
    const delivery = results.find((r) => r.status === "rejected" && r.reason instanceof DeliveryError);
    const failure = delivery ?? results.find((r) => r.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /**
   * Fetches one leader's partitions until their ranges are read. The next fetch is sent as soon as a
   * response's batch headers tell where it ends, so the broker prepares it while this response's
   * records are decoded and handed over.
   */
  private async readFromLeader(cluster: InternalCluster, nodeId: string, group: Cursor[], signal?: AbortSignal): Promise<void> {
    const broker = await cluster.findBroker({ nodeId });
    const pending = () => (this.cut ? [] : group.filter((c) => this.open.has(c)));
    let inFlight: Promise<Fetched> | null = this.fetch(broker, pending());
    while (inFlight) {
      const fetched: Fetched = await inFlight;
      inFlight = null;
      const work = await this.advance(fetched);
      const remaining = pending();
      if (remaining.length > 0 && !signal?.aborted) {
        inFlight = this.fetch(broker, remaining);
        // Settled below, or dropped when handing over fails: never an unhandled rejection.
        inFlight.catch(() => {});
      }
      try {
        await this.handOver(work);
      } catch (error) {
        throw new DeliveryError(error);
      }
      if (this.cut) inFlight = null;
    }
  }

  /** Hands each partition's records to the caller, stopping at the byte budget. */
  private async handOver(work: Work[]): Promise<void> {
    const budget = this.options.maxBytes;
    for (const w of work) {
      if (this.cut) return;
      let records = await w.decode();
      let coveredUntil = w.coveredUntil;
      if (budget !== undefined) {
        for (let i = 0; i < records.length; i++) {
          const r = records[i];
          this.bytesHandedOver += (r.key?.length ?? 0) + (r.value?.length ?? 0);
          if (this.bytesHandedOver >= budget) {
            // The record that reaches the budget is the last one: every batch makes progress.
            this.cut = true;
            if (i + 1 < records.length) {
              records = records.slice(0, i + 1);
              coveredUntil = r.offset + 1;
            }
            break;
          }
        }
      }
      if (records.length > 0) await this.onRecords(records);
      w.cursor.delivered = coveredUntil;
    }
  }

  private fetch(broker: InternalBroker, cursors: Cursor[]): Promise<Fetched> {
    // The broker fills a response in request order and leaves the rest empty once it is full; the
    // partition that has waited longest for a proving answer goes first.
    const shift = this.rotation++ % Math.max(1, cursors.length);
    const ordered = [...cursors.slice(shift), ...cursors.slice(0, shift)];
    const waiting = ordered.filter((c) => c.waitingSince !== null).sort((a, b) => (a.waitingSince ?? 0) - (b.waitingSince ?? 0))[0];
    if (waiting) ordered.unshift(...ordered.splice(ordered.indexOf(waiting), 1));
    const topics = [...new Set(ordered.map((c) => c.range.topic))].map((topic) => ({
      topic,
      partitions: ordered
        .filter((c) => c.range.topic === topic)
        .map((c) => ({ partition: c.range.partition, fetchOffset: String(c.next), maxBytes: c.fetchBytes })),
    }));
    // Grouped by topic in order of first appearance, so ordered[0] stays first in the request.
    const head = ordered[0] ?? null;
    const maxBytes = Math.max(this.sizes.maxBytes, ...ordered.map((c) => c.fetchBytes));
    return fetchRecordSets(broker, { isolationLevel: READ_COMMITTED, maxWaitTime: FETCH_MAX_WAIT_MS, minBytes: 1, maxBytes, topics }).then((response) => ({ response, head }));
  }

  /**
   * Moves each cursor past what the response holds (from batch headers only) and returns, per
   * partition, how to decode the records in the range that the response brought.
   */
  private async advance({ response, head }: Fetched): Promise<Work[]> {
    const work: Work[] = [];
    for (const { topicName, partitions } of response.responses) {
      for (const data of partitions) {
        const cursor = this.cursors.get(partitionKey({ topic: topicName, partition: data.partition }));
        if (!cursor || !this.open.has(cursor)) continue;
        const reached = await this.reached(cursor, data, work);
        if (reached !== null) {
          cursor.next = reached + 1;
          cursor.waitingSince = null;
          cursor.unprovenEmpty = 0;
        } else if (cursor === head && data.recordSet.length === 0 && data.preferredReadReplica < 0 && response.throttleTimeMs === 0) {
          this.emptyAtHead(cursor, data, work);
        } else {
          cursor.waitingSince ??= this.sequence++;
        }
        if (cursor.next >= cursor.range.untilOffset) this.open.delete(cursor);
      }
    }
    return work;
  }

  /** The last offset the partition's data covers (records filtered out included); null when it holds no whole batch. */
  private async reached(cursor: Cursor, data: RawFetchPartition, work: Work[]): Promise<number | null> {
    const { range } = cursor;
    const tp = { topic: range.topic, partition: range.partition };
    const wanted = { fromOffset: cursor.next, untilOffset: range.untilOffset };
    const set = data.recordSet;
    const batches = listRecordBatches(set);
    if (batches === null) {
      const messages = await decodeLegacyMessageSet(set);
      const reached = furthestOffset(messages);
      if (reached < cursor.next) return null;
      work.push({ cursor, coveredUntil: Math.min(reached + 1, range.untilOffset), decode: async () => legacyRecords(tp, wanted, messages) });
      return reached;
    }
    if (batches.length === 0) {
      // Only the start of a batch too large for this partition's fetch size: ask for all of it next time.
      cursor.fetchBytes = Math.max(cursor.fetchBytes, firstBatchBytes(set) ?? 0);
      return null;
    }
    const reached = batches[batches.length - 1].lastOffset;
    work.push({
      cursor,
      coveredUntil: Math.min(reached + 1, range.untilOffset),
      decode: async () => {
        const out: KafkaRecord[] = [];
        await decodeRecordBatches(tp, set, batches, data.abortedTransactions, wanted, decompressRecords, out);
        return out;
      },
    });
    return reached;
  }

  /**
   * The partition led the fetch and got nothing: no batch holds an offset from `next` up to where a
   * read_committed fetch stops. When that covers the rest of the range, the range is read.
   */
  private emptyAtHead(cursor: Cursor, data: RawFetchPartition, work: Work[]): void {
    const { range } = cursor;
    const visibleUntil = data.lastStableOffset >= 0 ? data.lastStableOffset : data.highWatermark;
    if (visibleUntil >= range.untilOffset) {
      cursor.next = range.untilOffset;
      cursor.waitingSince = null;
      work.push({ cursor, coveredUntil: range.untilOffset, decode: async () => [] });
      return;
    }
    cursor.waitingSince ??= this.sequence++;
    if (++cursor.unprovenEmpty >= MAX_UNPROVEN_EMPTY_FETCHES) {
      throw new DeliveryError(
        new RangeUnreadableError(
          `${range.topic}/${range.partition}: the broker returns no records from offset ${cursor.next} and the partition's log now ends at ${visibleUntil}, before the planned end ${range.untilOffset} (log truncated?); reset the job's offsets to go on`,
        ),
      );
    }
  }
}

interface Fetched {
  response: RawFetchResponse;
  /** The partition the request listed first: the only one the broker must answer with data if it has any. */
  head: Cursor | null;
}

function groupByLeader(cluster: InternalCluster, cursors: Cursor[]): Map<string, Cursor[]> {
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
