/** Use cases behind a job's batch charts (Spark Streaming's tab) and one batch's detail. */
import type { BatchSeriesDto } from "@/lib/contracts/lag";
import type { BatchDto } from "@/lib/contracts/jobs";
import { dialectSql, sqlDialect } from "../db/sql-dialect";
import { AppError } from "../http/app-error";
import { listBatches } from "../stores/batch-store";
import { type JobRecord } from "../stores/job-store";
import type { Db } from "../stores/tx";
import { resolveRange, type LagContext, type RangeQuery } from "./lag-service";

interface RawBatchPoint {
  b: number | bigint;
  batches: number | bigint;
  records: number | bigint;
  processing: number | null;
  processingMax: number | bigint | null;
  scheduling: number | null;
  schedulingMax: number | bigint | null;
  total: number | null;
  totalMax: number | bigint | null;
}

/** Spark Streaming's charts: per time bucket, input rate, processing time, scheduling and total delay of succeeded batches. */
export async function jobBatchSeries(ctx: LagContext, job: JobRecord, q: RangeQuery): Promise<BatchSeriesDto> {
  const { from, to, bucketMs } = resolveRange(q, ctx.nowMs);
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const postgres = sqlDialect(ctx.db) === "postgresql";
  const epochMs = postgres ? `CAST(EXTRACT(EPOCH FROM "batchTime") * 1000 AS BIGINT)` : `CAST((julianday("batchTime") - 2440587.5) * 86400000 AS INTEGER)`;
  const rows = await ctx.db.$queryRawUnsafe<RawBatchPoint[]>(
    dialectSql(
      ctx.db,
      `SELECT ${epochMs} / CAST(? AS ${postgres ? "BIGINT" : "INTEGER"}) AS b, COUNT(*) AS batches, SUM("records") AS records,
            AVG("processingTimeMs") AS processing, MAX("processingTimeMs") AS "processingMax",
            AVG("schedulingDelayMs") AS scheduling, MAX("schedulingDelayMs") AS "schedulingMax",
            AVG("totalDelayMs") AS total, MAX("totalDelayMs") AS "totalMax"
     FROM "Batch" WHERE "jobId" = ? AND "status" = 'succeeded' AND "batchTime" >= ? AND "batchTime" <= ?
     GROUP BY b ORDER BY b`,
    ),
    bucketMs, job.id, iso(from), iso(to),
  );
  const seconds = job.batchIntervalMs / 1000;
  return {
    from,
    to,
    bucketMs,
    batchIntervalMs: job.batchIntervalMs,
    points: rows.map((r) => ({
      ts: Number(r.b) * bucketMs,
      batches: Number(r.batches),
      records: Number(r.records),
      inputRate: Number(r.records) / Number(r.batches) / seconds,
      processingTimeMs: Math.round(Number(r.processing ?? 0)),
      processingTimeMaxMs: Number(r.processingMax ?? 0),
      schedulingDelayMs: Math.round(Number(r.scheduling ?? 0)),
      schedulingDelayMaxMs: Number(r.schedulingMax ?? 0),
      totalDelayMs: Math.round(Number(r.total ?? 0)),
      totalDelayMaxMs: Number(r.totalMax ?? 0),
    })),
  };
}

export async function jobBatch(db: Db, job: JobRecord, batchId: number): Promise<BatchDto> {
  const [batch] = await listBatches(db, job.id, { limit: 1, before: batchId + 1 });
  if (!batch || batch.id !== batchId) throw new AppError("BATCH_NOT_FOUND", `job '${job.name}' has no batch ${batchId}`);
  return batch;
}
