import { partitionKey, type PartitionLogOffsets, type StartingOffsets, type StoredOffset } from "./types";

/**
 * Where a job reads next on one partition, and why. The one rule: the planner plans from it, and the
 * lag, the partitions API and resets measure from it, so they can never disagree.
 * - `stored`: the job's stored offset, inside the log.
 * - `added-partition`: no stored offset, but the job reads other partitions of the topic: a partition
 *   added later holds only records the job has not seen, so it is read from its log start.
 * - `new-topic`: a topic the job has never read: its `startingOffsets` (log start or end).
 * - `deleted-by-retention`: the stored offset is below the log start; reading can resume only at the
 *   log start (onOutOfRange decides whether it may).
 * - `beyond-log-end`: the stored offset is past the log end (a re-created topic); nothing is read
 *   until onOutOfRange moves it, so it stands at the log end.
 * `offset` is always inside [logStart, logEnd]: lag is logEnd − offset.
 */
export type NextRead =
  | { kind: "stored"; offset: number }
  | { kind: "added-partition"; offset: number }
  | { kind: "new-topic"; offset: number }
  | { kind: "deleted-by-retention"; offset: number; storedOffset: number }
  | { kind: "beyond-log-end"; offset: number; storedOffset: number };

/** What the rule needs to know of a job besides the log: its stored offsets and its starting offsets. */
export interface ReadPosition {
  stored: Map<string, number>;
  /** Topics the job has stored an offset for, on any partition. */
  knownTopics: Set<string>;
  startingOffsets: StartingOffsets;
}

export function readPosition(stored: StoredOffset[], startingOffsets: StartingOffsets): ReadPosition {
  return { stored: new Map(stored.map((s) => [partitionKey(s), s.offset])), knownTopics: new Set(stored.map((s) => s.topic)), startingOffsets };
}

export function nextReadOffset(log: PartitionLogOffsets, position: ReadPosition): NextRead {
  const { logStartOffset, logEndOffset } = log;
  const storedOffset = position.stored.get(partitionKey(log));
  if (storedOffset === undefined) {
    if (position.knownTopics.has(log.topic)) return { kind: "added-partition", offset: logStartOffset };
    return { kind: "new-topic", offset: position.startingOffsets === "earliest" ? logStartOffset : logEndOffset };
  }
  if (storedOffset > logEndOffset) return { kind: "beyond-log-end", offset: logEndOffset, storedOffset };
  if (storedOffset < logStartOffset) return { kind: "deleted-by-retention", offset: logStartOffset, storedOffset };
  return { kind: "stored", offset: storedOffset };
}

/** Records the job has yet to read on the partition. */
export function recordsBehind(log: PartitionLogOffsets, next: NextRead): number {
  return Math.max(0, log.logEndOffset - next.offset);
}
