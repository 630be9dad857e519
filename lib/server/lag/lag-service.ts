/** Use cases behind a job's lag and status endpoints and the overview (groups and topics: cluster-lag-service.ts; batch charts: batch-series-service.ts). */
import type { z } from "zod";
import type { EtaDto, jobLagQuerySchema, LagEvaluationDto, LagSeriesDto, OverviewDto, rangeQuerySchema } from "@/lib/contracts/lag";
import { bucketMsFor } from "@/lib/domain/lag-retention";
import type { LagSource } from "@/lib/domain/lag-source";
import { partitionKey } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { jobOwners } from "../services/instances";
import { asKafkaUnavailable } from "../services/kafka-errors";
import { listJobs, type JobRecord } from "../stores/job-store";
import type { Db } from "../stores/tx";
import {
  readEvaluations,
  readLatestTick,
  readPartitionSeries,
  readSeries,
  TOTAL_PARTITION,
  TOTAL_TOPIC,
  type EvaluationRow,
  type LagRow,
} from "./lag-store";

const DEFAULT_RANGE_MS = 3_600_000;

export interface LagContext {
  db: Db;
  nowMs: number;
  intervalMs: number;
}

type JobLagQuery = z.output<typeof jobLagQuerySchema>;
export type RangeQuery = z.output<typeof rangeQuerySchema>;

export function resolveRange(q: RangeQuery, now: number) {
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RANGE_MS;
  return { from, to, bucketMs: bucketMsFor(from, to, q.points) };
}

/** Points shared by all partitions of one per-partition read, and the least each partition gets. */
const PARTITION_POINT_BUDGET = 6000;
const MIN_POINTS_PER_PARTITION = 60;

export async function jobLagSeries(ctx: LagContext, job: JobRecord, q: JobLagQuery): Promise<LagSeriesDto> {
  const { from, to, bucketMs } = resolveRange(q, ctx.nowMs);
  const base = { kind: "job" as const, subject: job.id, fromMs: from, toMs: to, bucketMs };
  const total = await readSeries(ctx.db, { ...base, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION });
  const result: LagSeriesDto = { from, to, bucketMs, total };
  if (q.partition === "all") {
    // Many partitions × 500 points is more than a chart can show and costs seconds to read: share a
    // budget of points among the partitions (coarser buckets, never finer than the total's).
    const sampled = (await readLatestTick(ctx.db, "job", job.id)).filter((r) => r.partition >= 0).length;
    const partitions = Math.max(1, sampled, await ctx.db.jobOffset.count({ where: { jobId: job.id } }));
    const partitionBucketMs = Math.max(bucketMs, bucketMsFor(from, to, Math.max(MIN_POINTS_PER_PARTITION, Math.floor(PARTITION_POINT_BUDGET / partitions))));
    result.partitions = await readPartitionSeries(ctx.db, { ...base, bucketMs: partitionBucketMs });
  } else if (q.partition !== undefined) {
    const [topic, partition] = parsePartition(q.partition, job);
    const points = await readSeries(ctx.db, { ...base, topic, partition });
    result.partitions = [{ topic, partition, points }];
  }
  return result;
}

function parsePartition(text: string, job: JobRecord): [string, number] {
  const colon = text.lastIndexOf(":");
  if (colon >= 0) {
    const topic = text.slice(0, colon);
    if (!job.topics.includes(topic)) throw new AppError("VALIDATION_FAILED", `partition: job '${job.name}' does not read topic '${topic}'`);
    return [topic, Number(text.slice(colon + 1))];
  }
  if (job.topics.length !== 1) throw new AppError("VALIDATION_FAILED", "partition: this job reads several topics; use 'topic:partition'");
  return [job.topics[0], Number(text)];
}

function staleAfterMs(intervalMs: number): number {
  return Math.max(3 * intervalMs, 15_000);
}

const UNKNOWN_ETA: EtaDto = { state: "unknown", ms: null };

/** The stored evaluation, joined with the newest samples; ERR when the newest evaluation is stale. */
export function toEvaluationDto(e: EvaluationRow | undefined, latest: LagRow[], ctx: Pick<LagContext, "nowMs" | "intervalMs">): LagEvaluationDto {
  if (!e) {
    return { status: "UNKNOWN", worst: "OK", stale: true, evaluatedAt: null, totalLag: null, timeLagMs: null, trend: null, eta: UNKNOWN_ETA, partitions: [] };
  }
  const stale = ctx.nowMs - e.ts > staleAfterMs(ctx.intervalMs);
  const rows = new Map(latest.filter((r) => r.partition !== TOTAL_PARTITION).map((r) => [partitionKey(r), r]));
  return {
    status: stale ? "ERR" : e.status,
    worst: e.worst,
    stale,
    evaluatedAt: new Date(e.ts).toISOString(),
    totalLag: e.totalLag,
    timeLagMs: e.timeLagMs,
    trend: { lagPerSec: e.lagPerSec, consumeRate: e.consumeRate, produceRate: e.produceRate },
    eta: { state: e.etaState, ms: e.etaMs },
    partitions: e.partitions.map((p) => {
      const r = rows.get(partitionKey(p));
      return {
        topic: p.topic,
        partition: p.partition,
        status: p.status,
        complete: p.complete,
        committedOffset: r?.committedOffset ?? null,
        logEndOffset: r?.logEndOffset ?? 0,
        lag: r?.lag ?? 0,
        timeLagMs: r?.timeLagMs ?? 0,
      };
    }),
  };
}

export async function jobLagStatus(ctx: LagContext, job: JobRecord): Promise<LagEvaluationDto> {
  const [evaluations, latest] = await Promise.all([readEvaluations(ctx.db, "job", job.id), readLatestTick(ctx.db, "job", job.id)]);
  return toEvaluationDto(evaluations[0], latest, ctx);
}

export async function kafka<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
}

const SPARKLINE_MS = 15 * 60_000;

export async function overview(ctx: LagContext, source: LagSource): Promise<OverviewDto> {
  const [jobs, evaluations, latest, owners] = await Promise.all([listJobs(ctx.db), readEvaluations(ctx.db, "job"), readLatestTick(ctx.db, "job"), jobOwners(ctx.db)]);
  const evalBy = new Map(evaluations.map((e) => [e.subject, e]));
  const sparkFrom = ctx.nowMs - SPARKLINE_MS;
  const bucketMs = bucketMsFor(sparkFrom, ctx.nowMs, 60);
  const jobDtos = await Promise.all(
    jobs.map(async (job) => {
      const dto = toEvaluationDto(evalBy.get(job.id), latest.filter((r) => r.subject === job.id), ctx);
      const spark = await readSeries(ctx.db, { kind: "job", subject: job.id, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION, fromMs: sparkFrom, toMs: ctx.nowMs, bucketMs });
      return {
        id: job.id,
        name: job.name,
        status: job.status,
        lagStatus: dto.status,
        worst: dto.worst,
        recordsPerSec: dto.trend?.consumeRate ?? null,
        totalLag: dto.totalLag,
        timeLagMs: dto.timeLagMs,
        eta: dto.eta,
        sparkline: spark.map((p) => ({ ts: p.ts, lag: p.lag })),
        owner: owners.get(job.id) ?? null,
      };
    }),
  );
  let cluster: OverviewDto["cluster"] = null;
  let clusterError: string | null = null;
  try {
    const [brokers, names, groups] = await Promise.all([source.brokers(), source.topicNames(), source.groups()]);
    const topics = names.filter((n) => !n.startsWith("__"));
    const partitions = topics.length > 0 ? (await source.logOffsets(topics)).length : 0;
    cluster = { brokers: brokers.length, topics: topics.length, partitions, groups: groups.length };
  } catch (error) {
    clusterError = `Kafka is not reachable: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { cluster, clusterError, jobs: jobDtos };
}
