import { batchStarts, type BatchStart, type PartitionPosition } from "@/lib/domain/reset-plan";
import { partitionKey, type StoredOffset } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import type { Db, Tx } from "../stores/tx";

// The to-batch rollback's side of a reset (services/resets.ts): which batches, where each partition
// goes back to, and whether the log still holds what it would take out.

/** What a rollback takes out: the batches, and where each partition goes back to. */
export interface RollbackScope {
  fromBatchId: number;
  /** Each partition's raw rewind point: the start of the first rolled-back batch that read it. */
  rewind: StoredOffset[];
  batches: number;
  records: number;
}

/**
 * A rollback takes out what its batches contributed, and the catch-up rebuilds it by reading the same
 * records again. Where retention has deleted the start of those records, what they contributed would be
 * gone for good: such a rollback is refused, in the preview too, rather than clamped to the log start.
 */
export function assertRollbackComplete(rollback: RollbackScope, positions: PartitionPosition[]): void {
  const logStart = new Map(positions.map((p) => [partitionKey(p), p.logStartOffset]));
  const lost = rollback.rewind
    .filter((r) => r.offset < (logStart.get(partitionKey(r)) ?? 0))
    .map((r) => ({ topic: r.topic, partition: r.partition, rollbackFrom: r.offset, logStartOffset: logStart.get(partitionKey(r))! }));
  if (lost.length === 0) return;
  const where = lost.map((l) => `${l.topic}/${l.partition} (offsets ${l.rollbackFrom}–${l.logStartOffset - 1})`).join(", ");
  throw new AppError(
    "ROLLBACK_INCOMPLETE",
    `rolling back from batch ${rollback.fromBatchId} would remove the results of records retention has deleted from the log: ${where}. ` +
      `They could never be read again, so those results would be lost for good. Roll back a later batch, or keep or clear the results instead`,
    { partitions: lost },
  );
}

const STARTS_CHUNK = 200;

/**
 * Where each partition stood at batch N: the start of N or, for a partition N did not read, of the
 * first later succeeded batch that did (see batchStarts). Usually batch N alone answers.
 */
export async function startsFrom(db: Db, jobId: string, batchId: number, wanted: Set<string>): Promise<Map<string, BatchStart>> {
  const starts = new Map<string, BatchStart>();
  let after = batchId - 1;
  for (;;) {
    const chunk = await db.batch.findMany({
      where: { jobId, id: { gt: after }, OR: [{ id: batchId }, { id: { gt: batchId }, status: "succeeded" }] },
      orderBy: { id: "asc" },
      take: STARTS_CHUNK,
      select: { id: true, ranges: { select: { topic: true, partition: true, fromOffset: true } } },
    });
    batchStarts(
      chunk.map((b) => ({ id: b.id, ranges: b.ranges.map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: Number(r.fromOffset) })) })),
      starts,
    );
    if (chunk.length < STARTS_CHUNK || [...wanted].every((k) => starts.has(k))) return starts;
    after = chunk.at(-1)!.id;
  }
}

export async function rollbackCounts(db: Db | Tx, jobId: string, fromBatchId: number): Promise<{ batches: number; records: number }> {
  const agg = await db.batch.aggregate({ where: { jobId, id: { gte: fromBatchId }, status: "succeeded" }, _count: true, _sum: { records: true } });
  return { batches: agg._count, records: agg._sum.records ?? 0 };
}
