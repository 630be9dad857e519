import type { BatchDto, BatchFailureDto } from "@/lib/contracts/jobs";
import { chunk } from "@/lib/domain/chunk";
import type { OffsetRange } from "@/lib/domain/types";
import { dialectSql } from "../db/sql-dialect";
import type { Db, Tx } from "./tx";

export interface BatchStats {
  records: number;
  bytes: number;
  schedulingDelayMs: number;
  processingTimeMs: number;
  totalDelayMs: number;
  /** The lease epoch the batch commits under (cluster/fence.ts) */
  leaseEpoch?: number | null;
}

export interface UnfinishedBatch {
  id: number;
  batchTime: Date;
  ranges: OffsetRange[];
}

/** Batches not yet committed: the runner resumes the newest of them. */
const UNFINISHED: string[] = ["planned", "running", "failed"];

/** Records the plan before any record is read, so a crash re-runs exactly the same ranges. */
export async function insertPlannedBatch(db: Db | Tx, jobId: string, batchTime: Date, ranges: OffsetRange[], recordCap: number | null = null): Promise<number> {
  const batch = await db.batch.create({
    data: {
      jobId,
      batchTime,
      status: "planned",
      recordCap,
      ranges: {
        create: ranges.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          fromOffset: BigInt(r.fromOffset),
          untilOffset: BigInt(r.untilOffset),
        })),
      },
    },
    select: { id: true },
  });
  return batch.id;
}

/** A batch planned (or failed) but never committed: the runner resumes it before planning anew. */
export async function findUnfinishedBatch(db: Db, jobId: string): Promise<UnfinishedBatch | null> {
  const batch = await db.batch.findFirst({
    where: { jobId, status: { in: UNFINISHED } },
    orderBy: { id: "desc" },
    include: { ranges: true },
  });
  if (!batch) return null;
  return { id: batch.id, batchTime: batch.batchTime, ranges: batch.ranges.map(toRange) };
}

/**
 * Counts an attempt at running the batch (kept even when the attempt rolls back). Throws
 * BatchClosedError when the batch is no longer unfinished: a second runtime committed it, or a
 * reset abandoned it, since this runner found it.
 */
export async function startBatchAttempt(db: Db | Tx, id: number): Promise<void> {
  const { count } = await db.batch.updateMany({ where: { id, status: { in: UNFINISHED } }, data: { status: "running", attempts: { increment: 1 } } });
  if (count === 0) throw new BatchClosedError(`batch ${id} was committed or abandoned meanwhile`);
}

/** The batch was committed or abandoned by someone else: its plan is no longer this runner's to run. */
export class BatchClosedError extends Error {}

export interface FailedRecord {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * Marks an attempt failed. Only an unfinished batch: a second runtime may have committed the same
 * batch meanwhile, and its `succeeded` row must stay one.
 */
export async function failBatch(db: Db | Tx, id: number, error: string, at: FailedRecord | null): Promise<void> {
  await db.batch.updateMany({
    where: { id, status: { in: UNFINISHED } },
    data: {
      status: "failed",
      error,
      failedTopic: at?.topic ?? null,
      failedPartition: at?.partition ?? null,
      failedOffset: at ? BigInt(at.offset) : null,
    },
  });
}

/** Drops an unfinished batch's plan for good (never a committed one): the next batch is planned anew. */
export async function abandonBatch(db: Db | Tx, id: number): Promise<void> {
  await db.batch.updateMany({ where: { id, status: { in: UNFINISHED } }, data: { status: "abandoned" } });
}

/** Drops every unfinished plan of a job: its ranges no longer apply (the job's topics or offsets changed). */
export async function abandonUnfinishedBatches(db: Db | Tx, jobId: string): Promise<void> {
  await db.batch.updateMany({ where: { jobId, status: { in: UNFINISHED } }, data: { status: "abandoned" } });
}

/** The newest failed batch of a job: what the job page shows while the job is failed. */
export async function latestFailure(db: Db, jobId: string): Promise<BatchFailureDto | null> {
  const b = await db.batch.findFirst({ where: { jobId, status: "failed" }, orderBy: { id: "desc" } });
  if (!b) return null;
  return {
    batchId: b.id,
    error: b.error ?? "failed",
    topic: b.failedTopic,
    partition: b.failedPartition,
    offset: b.failedOffset === null ? null : Number(b.failedOffset),
    attempts: b.attempts,
  };
}

/**
 * Inside the batch's commit: its ranges end where reading stopped (the byte budget cut them), so the
 * batch history, a replay "to batch" and the tiling of ranges show what the batch committed. One
 * statement per 200 cut partitions.
 */
export async function recordRangesAsRead(tx: Tx, batchId: number, cut: OffsetRange[]): Promise<void> {
  for (const rows of chunk(cut, 200)) {
    // Typed: PostgreSQL cannot infer the types of parameters in a VALUES list.
    await tx.$executeRawUnsafe(
      dialectSql(
        tx,
        `UPDATE "BatchRange" SET "untilOffset" = cut."column3"
           FROM (VALUES ${rows.map(() => "(CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BIGINT))").join(", ")}) AS cut
          WHERE "BatchRange"."batchId" = ? AND "BatchRange"."topic" = cut."column1" AND "BatchRange"."partition" = cut."column2"`,
      ),
      ...rows.flatMap((r) => [r.topic, r.partition, r.untilOffset]),
      batchId,
    );
  }
}

export async function completeBatch(tx: Tx, id: number, stats: BatchStats): Promise<void> {
  await tx.batch.update({
    where: { id },
    data: { status: "succeeded", error: null, failedTopic: null, failedPartition: null, failedOffset: null, completedAt: new Date(), ...stats },
  });
}

export async function listBatches(db: Db, jobId: string, opts: { limit: number; before?: number }): Promise<BatchDto[]> {
  const rows = await db.batch.findMany({
    where: { jobId, ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: opts.limit,
    include: { ranges: { orderBy: [{ topic: "asc" }, { partition: "asc" }] } },
  });
  return rows.map((b) => ({
    id: b.id,
    jobId: b.jobId,
    batchTime: b.batchTime.toISOString(),
    status: b.status as BatchDto["status"],
    records: b.records,
    bytes: b.bytes,
    ranges: b.ranges.map(toRange),
    schedulingDelayMs: b.schedulingDelayMs,
    processingTimeMs: b.processingTimeMs,
    totalDelayMs: b.totalDelayMs,
    error: b.error,
    failedAt:
      b.failedTopic !== null && b.failedPartition !== null && b.failedOffset !== null
        ? { topic: b.failedTopic, partition: b.failedPartition, offset: Number(b.failedOffset) }
        : null,
    attempts: b.attempts,
    recordCap: b.recordCap,
  }));
}

function toRange(r: { topic: string; partition: number; fromOffset: bigint; untilOffset: bigint }): OffsetRange {
  return { topic: r.topic, partition: r.partition, fromOffset: Number(r.fromOffset), untilOffset: Number(r.untilOffset) };
}
