import { nextReadOffset, readPosition } from "./next-read-offset";
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
 * Plans one micro-batch: for each owned partition, read from where the job reads next (nextReadOffset:
 * the stored offset, or the start for a partition it has not read) up to the log end, capped per
 * partition. Pure: the caller supplies every offset, so a plan can be recorded and re-run exactly.
 */
export function planOffsetRanges(input: PlanInput): OffsetPlan {
  const log = new Map(input.log.map((l) => [partitionKey(l), l]));
  const position = readPosition(input.stored, input.startingOffsets);
  const cap = input.maxRecordsPerPartition ?? Number.POSITIVE_INFINITY;
  const plan: OffsetPlan = { ranges: [], newPartitions: [], skipped: [], outOfRange: [], records: 0 };

  for (const tp of [...input.owned].sort(comparePartitions)) {
    const offsets = log.get(partitionKey(tp));
    if (!offsets) continue; // leader unknown right now: plan it next batch
    const next = nextReadOffset(offsets, position);
    const partition = { topic: tp.topic, partition: tp.partition };
    switch (next.kind) {
      case "added-partition":
      case "new-topic":
        plan.newPartitions.push(partition);
        break;
      case "beyond-log-end":
        plan.outOfRange.push({ ...partition, storedOffset: next.storedOffset, logEndOffset: offsets.logEndOffset });
        continue;
      case "deleted-by-retention":
        plan.skipped.push({ ...partition, storedOffset: next.storedOffset, logStartOffset: offsets.logStartOffset });
        break;
    }
    const from = next.offset;
    const until = Math.min(offsets.logEndOffset, from + cap);
    plan.ranges.push({ ...partition, fromOffset: from, untilOffset: until });
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

/**
 * The next batch's ranges, planned while the current one commits: each partition on from where the
 * current batch's reading stopped (`asRead`), as the plan will be once it has committed. Null unless the
 * job is behind (the current batch was cut by the byte budget, or a partition fills the cap) and the
 * plan is plain: new partitions, records lost to retention and a truncated log are left to the live plan.
 */
export function planAhead(input: Omit<PlanInput, "stored"> & { asRead: OffsetRange[]; cutByBudget: boolean }): OffsetRange[] | null {
  const { asRead, cutByBudget, ...rest } = input;
  const plan = planOffsetRanges({ ...rest, stored: asRead.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset })) });
  const cap = input.maxRecordsPerPartition;
  const backlog = cutByBudget || (cap != null && plan.ranges.some((r) => r.untilOffset - r.fromOffset >= cap));
  const plain = plan.newPartitions.length === 0 && plan.skipped.length === 0 && plan.outOfRange.length === 0;
  return backlog && plain ? plan.ranges : null;
}

/**
 * Whether ranges planned ahead (before the previous batch committed) are still this batch's plan: one
 * range per owned partition, each starting exactly at the partition's stored offset. Ranges end where
 * the log and the cap allowed when they were planned; the next batch reads on from there.
 */
export function plannedAheadStillHolds(ranges: OffsetRange[], owned: TopicPartition[], stored: StoredOffset[]): boolean {
  const ownedKeys = new Set(owned.map(partitionKey));
  if (ranges.length !== ownedKeys.size) return false;
  const storedAt = new Map(stored.map((s) => [partitionKey(s), s.offset]));
  return ranges.every((r) => ownedKeys.has(partitionKey(r)) && storedAt.get(partitionKey(r)) === r.fromOffset);
}
