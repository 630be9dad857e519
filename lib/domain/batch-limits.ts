import { partitionKey, type KafkaRecord, type OffsetRange } from "./types";

/** What bounds one batch: records per partition (planned) and key + value bytes in all (read). */
export interface BatchLimits {
  maxRecordsPerPartition: number;
  maxBatchBytes: number;
}

/**
 * The server's limits for a job that sets none (TIDEMARK_DEFAULT_MAX_RECORDS_PER_PARTITION,
 * TIDEMARK_DEFAULT_MAX_BATCH_BYTES). The record cap bounds the number of record objects (tiny
 * records); the byte budget bounds memory for large ones. Two batches run at once by default, and
 * a processor with a deliver phase holds its whole batch, so the budget is kept well under what
 * fits beside the server's own memory.
 */
export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxRecordsPerPartition: 25_000,
  maxBatchBytes: 32 * 1024 * 1024,
};

/** The job's own limits where it sets them, the server's defaults where it does not. */
export function effectiveBatchLimits(job: { maxRecordsPerPartition: number | null; maxBatchBytes: number | null }, defaults: BatchLimits): BatchLimits {
  return {
    maxRecordsPerPartition: job.maxRecordsPerPartition ?? defaults.maxRecordsPerPartition,
    maxBatchBytes: job.maxBatchBytes ?? defaults.maxBatchBytes,
  };
}

/** The bytes a batch's byte budget counts for a record: its key and value. */
export function recordBytes(record: KafkaRecord): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0);
}

/**
 * Checks what a reader says it read against the plan: the same partitions, each starting where
 * planned and ending no later (a cut lowers untilOffset), and every record handed over inside it.
 * The offsets a batch commits come from these ranges, so a reader's mistake here would skip or
 * double-count records: it fails the batch instead. Returns the ranges in the plan's order.
 */
export function checkRangesAsRead(planned: OffsetRange[], asRead: OffsetRange[], lastOffsets: ReadonlyMap<string, number>): OffsetRange[] {
  const read = new Map(asRead.map((r) => [partitionKey(r), r]));
  if (read.size !== asRead.length || asRead.length !== planned.length) {
    throw new Error(`the reader returned ${asRead.length} ranges for a plan of ${planned.length}`);
  }
  return planned.map((p) => {
    const r = read.get(partitionKey(p));
    const where = `${p.topic}/${p.partition}`;
    if (!r) throw new Error(`the reader returned no range for ${where}`);
    if (r.fromOffset !== p.fromOffset || r.untilOffset < r.fromOffset || r.untilOffset > p.untilOffset) {
      throw new Error(`the reader returned [${r.fromOffset}, ${r.untilOffset}) for ${where}, planned [${p.fromOffset}, ${p.untilOffset})`);
    }
    const last = lastOffsets.get(partitionKey(p));
    if (last !== undefined && last >= r.untilOffset) {
      throw new Error(`the reader handed over offset ${last} of ${where} but says it read [${r.fromOffset}, ${r.untilOffset})`);
    }
    return { topic: p.topic, partition: p.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset };
  });
}

/** The ranges a read cut short of the plan (their untilOffset is lower). */
export function cutRanges(planned: OffsetRange[], asRead: OffsetRange[]): OffsetRange[] {
  const plannedUntil = new Map(planned.map((r) => [partitionKey(r), r.untilOffset]));
  return asRead.filter((r) => r.untilOffset !== plannedUntil.get(partitionKey(r)));
}

/** Offsets a set of ranges covers, in all. */
export function rangeSpan(ranges: OffsetRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.untilOffset - r.fromOffset), 0);
}
