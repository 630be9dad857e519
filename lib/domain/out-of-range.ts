import type { OffsetPlan } from "./plan-offset-ranges";
import type { OutOfRangePolicy } from "./job-options";
import type { TopicPartition } from "./types";

/** An automatic move of a job's stored offset, decided by its onOutOfRange policy (and audited). */
export interface OffsetReset extends TopicPartition {
  fromOffset: number;
  toOffset: number;
  /** Records the job will never read because of this reset (0 when it re-reads or nothing was lost). */
  recordsSkipped: number;
  reason: "deleted-by-retention" | "beyond-log-end";
}

/**
 * Where a planned job's out-of-range partitions go under a policy. Retention-deleted records are
 * out of range too: the job's next record no longer exists. Returns null for "fail" when there is
 * anything out of range (the caller fails the job); an empty list when nothing is.
 */
export function resolveOutOfRange(
  plan: Pick<OffsetPlan, "skipped" | "outOfRange">,
  log: { topic: string; partition: number; logStartOffset: number; logEndOffset: number }[],
  policy: OutOfRangePolicy,
): OffsetReset[] | null {
  if (plan.skipped.length === 0 && plan.outOfRange.length === 0) return [];
  if (policy === "fail") return null;
  const bounds = new Map(log.map((l) => [`${l.topic}:${l.partition}`, l]));
  const resets: OffsetReset[] = [];
  const entries = [
    ...plan.skipped.map((s) => ({ tp: s, stored: s.storedOffset, reason: "deleted-by-retention" as const })),
    ...plan.outOfRange.map((o) => ({ tp: o, stored: o.storedOffset, reason: "beyond-log-end" as const })),
  ];
  for (const { tp, stored, reason } of entries) {
    const b = bounds.get(`${tp.topic}:${tp.partition}`);
    if (!b) continue;
    const to = policy === "earliest" ? b.logStartOffset : b.logEndOffset;
    // Below the log start, the records in [stored, to) are gone or will be passed over. Beyond the
    // log end (a re-created topic), nothing of the new log before `to` is read.
    const recordsSkipped = reason === "deleted-by-retention" ? to - stored : to - b.logStartOffset;
    resets.push({ topic: tp.topic, partition: tp.partition, fromOffset: stored, toOffset: to, recordsSkipped, reason });
  }
  return resets;
}
