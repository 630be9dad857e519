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
  | { mode: "to-batch"; batchId: number; offsets: Map<string, BatchStart> }
  | { mode: "per-partition"; offsets: Map<string, number> };

export interface ResetPlanRow extends TopicPartition {
  currentOffset: number | null;
  targetOffset: number;
  /** target − where the job would read: negative = records read again, positive = records skipped. */
  delta: number;
  clamped: boolean;
  note: string | null;
}

/** Where a partition stood at a batch: the start of the first batch (at or after it) that read the partition. */
export interface BatchStart {
  offset: number;
  batchId: number;
}

/** A batch's ranges, as far as finding where it started on each partition needs. */
export interface BatchRanges {
  id: number;
  ranges: { topic: string; partition: number; fromOffset: number }[];
}

/**
 * Where each partition stands at batch N, from N and the batches after it (in id order): the
 * fromOffset of the FIRST of them whose ranges include the partition. A partition batch N did not
 * read (its leader was unknown, or it was added to the topic later) goes back to where a later
 * batch first read it, so a rollback re-reads everything those batches contributed; a partition
 * none of them read is absent (it keeps its offset). Batches may come in several calls: pass the
 * map back as `into`.
 */
export function batchStarts(batches: Iterable<BatchRanges>, into = new Map<string, BatchStart>()): Map<string, BatchStart> {
  for (const batch of [...batches].sort((a, b) => a.id - b.id)) {
    for (const r of batch.ranges) {
      const key = partitionKey(r);
      const seen = into.get(key);
      if (!seen || seen.batchId > batch.id) into.set(key, { offset: r.fromOffset, batchId: batch.id });
    }
  }
  return into;
}

/** The plan for the chosen partitions; partitions a mode has no target for keep their position. */
export function planReset(positions: PartitionPosition[], target: ResetTarget): ResetPlanRow[] {
  return [...positions].sort(comparePartitions).map((p) => {
    const raw = rawTarget(p, target);
    if (raw === null) {
      return row(p, p.effectiveOffset, false, target.mode === "to-batch" ? `no batch since ${target.batchId} read it: unchanged` : "no target: unchanged");
    }
    if (raw < p.logStartOffset) return row(p, p.logStartOffset, true, `${raw} is before the log start ${p.logStartOffset} (deleted by retention)`);
    if (raw > p.logEndOffset) return row(p, p.logEndOffset, true, `${raw} is after the log end ${p.logEndOffset}`);
    return row(p, raw, false, laterBatchNote(p, target));
  });
}

function laterBatchNote(p: TopicPartition, target: ResetTarget): string | null {
  if (target.mode !== "to-batch") return null;
  const start = target.offsets.get(partitionKey(p));
  return start && start.batchId !== target.batchId ? `not in batch ${target.batchId}: where batch ${start.batchId} first read it` : null;
}

/**
 * The plan being confirmed, rebuilt from the targets the user previewed (they may differ from a
 * fresh plan's: to-latest and by-duration move with time), so that the numbers stored and audited are
 * those of the offsets applied. A row keeps the fresh plan's note when its target is the same.
 */
export function planFromExpected(positions: PartitionPosition[], expected: { topic: string; partition: number; targetOffset: number }[], fresh: ResetPlanRow[]): ResetPlanRow[] {
  const offsets = new Map(expected.map((e) => [partitionKey(e), e.targetOffset]));
  const freshRows = new Map(fresh.map((r) => [partitionKey(r), r]));
  return planReset(positions, { mode: "per-partition", offsets }).map((r) => {
    const now = freshRows.get(partitionKey(r));
    if (now && now.targetOffset === r.targetOffset) return { ...r, clamped: now.clamped, note: now.note };
    return { ...r, note: now ? `as previewed (a fresh plan now says ${now.targetOffset})` : "as previewed" };
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
    case "to-batch":
      return target.offsets.get(partitionKey(p))?.offset ?? null;
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
