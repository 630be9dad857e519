import { comparePartitions, partitionKey, type TopicPartition } from "./types";

export const resetModes = ["to-earliest", "to-latest", "to-offset", "to-datetime", "by-duration", "shift-by", "to-batch", "per-partition"] as const;
export type ResetMode = (typeof resetModes)[number];

/** Where a partition stands before the reset. */
export interface PartitionPosition extends TopicPartition {
  /** The job's stored offset; null when it has never read the partition. */
  currentOffset: number | null;
  /** Where the job would read next: the stored offset, or its starting offset for a new partition. */
  effectiveOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

/**
 * Each mode's raw target per partition, before clamping. The caller resolves what needs I/O:
 * offsets for a time (Kafka's offsets-for-times), a batch's start offsets, a user's table.
 */
export type ResetTarget =
  | { mode: "to-earliest" }
  | { mode: "to-latest" }
  | { mode: "to-offset"; offset: number }
  | { mode: "shift-by"; by: number }
  | { mode: "to-datetime" | "by-duration"; offsets: Map<string, number> }
  | { mode: "to-batch"; offsets: Map<string, number> }
  | { mode: "per-partition"; offsets: Map<string, number> };

export interface ResetPlanRow extends TopicPartition {
  currentOffset: number | null;
  targetOffset: number;
  /** target − where the job would read: negative = records read again, positive = records skipped. */
  delta: number;
  clamped: boolean;
  note: string | null;
}

/** The plan for the chosen partitions; partitions a mode has no target for keep their position. */
export function planReset(positions: PartitionPosition[], target: ResetTarget): ResetPlanRow[] {
  return [...positions].sort(comparePartitions).map((p) => {
    const raw = rawTarget(p, target);
    if (raw === null) {
      return row(p, p.effectiveOffset, false, target.mode === "to-batch" ? "not in that batch: unchanged" : "no target: unchanged");
    }
    if (raw < p.logStartOffset) return row(p, p.logStartOffset, true, `${raw} is before the log start ${p.logStartOffset} (deleted by retention)`);
    if (raw > p.logEndOffset) return row(p, p.logEndOffset, true, `${raw} is after the log end ${p.logEndOffset}`);
    return row(p, raw, false, null);
  });
}

function rawTarget(p: PartitionPosition, target: ResetTarget): number | null {
  switch (target.mode) {
    case "to-earliest":
      return p.logStartOffset;
    case "to-latest":
      return p.logEndOffset;
    case "to-offset":
      return target.offset;
    case "shift-by":
      return p.effectiveOffset + target.by;
    default:
      return target.offsets.get(partitionKey(p)) ?? null;
  }
}

function row(p: PartitionPosition, targetOffset: number, clamped: boolean, note: string | null): ResetPlanRow {
  return {
    topic: p.topic,
    partition: p.partition,
    currentOffset: p.currentOffset,
    targetOffset,
    delta: targetOffset - p.effectiveOffset,
    clamped,
    note,
  };
}

/** Records the reset makes the job read again (sum of rewinds) and skip (sum of forward moves). */
export function summarizePlan(rows: ResetPlanRow[]): { reprocessed: number; skipped: number } {
  return rows.reduce(
    (sum, r) => (r.delta < 0 ? { ...sum, reprocessed: sum.reprocessed - r.delta } : { ...sum, skipped: sum.skipped + r.delta }),
    { reprocessed: 0, skipped: 0 },
  );
}

/**
 * A previewed plan still holds when the job has not moved and every target is still inside its
 * partition's log; otherwise the user must look at a fresh preview.
 */
export function stalePlanReason(
  expected: { topic: string; partition: number; currentOffset: number | null; targetOffset: number }[],
  now: PartitionPosition[],
): string | null {
  const byKey = new Map(now.map((p) => [partitionKey(p), p]));
  for (const e of expected) {
    const p = byKey.get(partitionKey(e));
    if (!p) return `${e.topic}/${e.partition} is no longer part of the job`;
    if (p.currentOffset !== e.currentOffset) return `${e.topic}/${e.partition} moved from ${e.currentOffset ?? "unset"} to ${p.currentOffset ?? "unset"} since the preview`;
    if (e.targetOffset < p.logStartOffset) return `${e.topic}/${e.partition}: target ${e.targetOffset} was deleted by retention since the preview (log now starts at ${p.logStartOffset})`;
    if (e.targetOffset > p.logEndOffset) return `${e.topic}/${e.partition}: target ${e.targetOffset} is past the log end ${p.logEndOffset}`;
  }
  return null;
}

/** ISO-8601 durations as Kafka's tools take them: PnDTnHnMnS (weeks, days, hours, minutes, seconds). */
export function parseIsoDuration(text: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === "P" || text.trim().endsWith("T")) return null;
  const [, w, d, h, min, s] = m;
  const ms = (Number(w ?? 0) * 7 * 86400 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return ms > 0 ? ms : null;
}
