import {
  comparePartitions,
  partitionKey,
  type OffsetRange,
  type PartitionLogOffsets,
  type StartingOffsets,
  type StoredOffset,
  type TopicPartition,
} from "./types";

export interface PlanInput {
  /** Partitions this worker owns for the job. */
  owned: TopicPartition[];
  /** The job's stored offsets (partitions it has seen before). */
  stored: StoredOffset[];
  /** Current log-start/log-end per partition. */
  log: PartitionLogOffsets[];
  /** Where to begin on a partition the job has never seen. */
  startingOffsets: StartingOffsets;
  /** Optional cap on records read from one partition in one batch. */
  maxRecordsPerPartition?: number | null;
}

/** Records that retention deleted before the job read them: the plan moves past them and says so. */
export interface SkippedRange extends TopicPartition {
  storedOffset: number;
  logStartOffset: number;
}

/** A stored offset beyond the log's end: the log was truncated or the topic re-created. */
export interface OutOfRangeOffset extends TopicPartition {
  storedOffset: number;
  logEndOffset: number;
}

export interface OffsetPlan {
  /** One range per owned partition with a known log, sorted; fromOffset === untilOffset when there is nothing to read. */
  ranges: OffsetRange[];
  /** Partitions the job has not stored an offset for yet (their range starts at the starting offset). */
  newPartitions: TopicPartition[];
  skipped: SkippedRange[];
  outOfRange: OutOfRangeOffset[];
  /** Total records the ranges cover. */
  records: number;
}

/**
 * Plans one micro-batch: for each owned partition, read from the stored offset (or the starting
 * offset for a new partition) up to the log end, capped per partition. Pure: the caller supplies
 * every offset, so a plan can be recorded and re-run exactly.
 */
export function planOffsetRanges(input: PlanInput): OffsetPlan {
  const stored = new Map(input.stored.map((s) => [partitionKey(s), s.offset]));
  const log = new Map(input.log.map((l) => [partitionKey(l), l]));
  const knownTopics = new Set(input.stored.map((s) => s.topic));
  const cap = input.maxRecordsPerPartition ?? Number.POSITIVE_INFINITY;
  const plan: OffsetPlan = { ranges: [], newPartitions: [], skipped: [], outOfRange: [], records: 0 };

  for (const tp of [...input.owned].sort(comparePartitions)) {
    const offsets = log.get(partitionKey(tp));
    if (!offsets) continue; // leader unknown right now: plan it next batch
    const { logStartOffset, logEndOffset } = offsets;
    const storedOffset = stored.get(partitionKey(tp));

    let from: number;
    if (storedOffset === undefined) {
      plan.newPartitions.push({ topic: tp.topic, partition: tp.partition });
      // startingOffsets applies to a topic the job has never read; a partition added to a topic it
      // already reads holds only records the job has not seen: read it from the start.
      const addedLater = knownTopics.has(tp.topic);
      from = input.startingOffsets === "earliest" || addedLater ? logStartOffset : logEndOffset;
    } else if (storedOffset > logEndOffset) {
      plan.outOfRange.push({ topic: tp.topic, partition: tp.partition, storedOffset, logEndOffset });
      continue;
    } else if (storedOffset < logStartOffset) {
      plan.skipped.push({ topic: tp.topic, partition: tp.partition, storedOffset, logStartOffset });
      from = logStartOffset;
    } else {
      from = storedOffset;
    }

    const until = Math.min(logEndOffset, from + cap);
    plan.ranges.push({ topic: tp.topic, partition: tp.partition, fromOffset: from, untilOffset: until });
    plan.records += until - from;
  }
  return plan;
}

/**
 * The ranges of a recorded plan that the log no longer holds whole: retention deleted their start, or
 * the log ends before their end (a re-created topic). Such a plan can never be read as planned; the
 * caller drops it and plans anew, where onOutOfRange applies.
 */
export function unreadableRanges(ranges: OffsetRange[], log: PartitionLogOffsets[]): OffsetRange[] {
  const bounds = new Map(log.map((l) => [partitionKey(l), l]));
  return ranges.filter((r) => {
    if (r.untilOffset <= r.fromOffset) return false; // nothing to read: the next plan checks the offset
    const b = bounds.get(partitionKey(r));
    if (!b) return false; // leader unknown right now: not a reason to drop the plan, the read retries
    return r.fromOffset < b.logStartOffset || r.untilOffset > b.logEndOffset;
  });
}
