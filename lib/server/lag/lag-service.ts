/** Use cases behind the lag, status, group, overview and topic endpoints. */
import type { z } from "zod";
import type {
  BatchSeriesDto,
  EtaDto,
  GroupDetailDto,
  GroupSummaryDto,
  jobLagQuerySchema,
  LagEvaluationDto,
  LagPointDto,
  LagSeriesDto,
  LagStatus,
  OverviewDto,
  PartitionLagStatus,
  rangeQuerySchema,
  TopicDetailDto,
} from "@/lib/contracts/lag";
import type { BatchDto } from "@/lib/contracts/jobs";
import { bucketMsFor } from "@/lib/domain/lag-retention";
import type { LagSource } from "@/lib/domain/lag-source";
import { partitionKey } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { asKafkaUnavailable } from "../services/kafka-errors";
import { listBatches } from "../stores/batch-store";
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
  type SeriesPoint,
} from "./lag-store";

export const MIRROR_GROUP_PREFIX = "tidemark.";
const DEFAULT_RANGE_MS = 3_600_000;

export interface LagContext {
  db: Db;
  nowMs: number;
  intervalMs: number;
}

type JobLagQuery = z.output<typeof jobLagQuerySchema>;
type RangeQuery = z.output<typeof rangeQuerySchema>;

function resolveRange(q: RangeQuery, now: number) {
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RANGE_MS;
  return { from, to, bucketMs: bucketMsFor(from, to, q.points) };
}

const toPoint = (p: SeriesPoint): LagPointDto => ({
  ts: p.ts,
  lag: p.lag,
  lagMin: p.lagMin,
  lagMax: p.lagMax,
  timeLagMs: p.timeLagMs,
  timeLagMaxMs: p.timeLagMaxMs,
});

/** Points shared by all partitions of one per-partition read, and the least each partition gets. */
const PARTITION_POINT_BUDGET = 6000;
const MIN_POINTS_PER_PARTITION = 60;

export async function jobLagSeries(ctx: LagContext, job: JobRecord, q: JobLagQuery): Promise<LagSeriesDto> {
  const { from, to, bucketMs } = resolveRange(q, ctx.nowMs);
  const base = { kind: "job" as const, subject: job.id, fromMs: from, toMs: to, bucketMs };
  const total = await readSeries(ctx.db, { ...base, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION });
  const result: LagSeriesDto = { from, to, bucketMs, total: total.map(toPoint) };
  if (q.partition === "all") {
    // Many partitions × 500 points is more than a chart can show and costs seconds to read: share a
    // budget of points among the partitions (coarser buckets, never finer than the total's).
    const sampled = (await readLatestTick(ctx.db, "job", job.id)).filter((r) => r.partition >= 0).length;
    const partitions = Math.max(1, sampled, await ctx.db.jobOffset.count({ where: { jobId: job.id } }));
    const partitionBucketMs = Math.max(bucketMs, bucketMsFor(from, to, Math.max(MIN_POINTS_PER_PARTITION, Math.floor(PARTITION_POINT_BUDGET / partitions))));
    result.partitions = (await readPartitionSeries(ctx.db, { ...base, bucketMs: partitionBucketMs })).map((s) => ({
      topic: s.topic,
      partition: s.partition,
      points: s.points.map(toPoint),
    }));
  } else if (q.partition !== undefined) {
    const [topic, partition] = parsePartition(q.partition, job);
    const points = await readSeries(ctx.db, { ...base, topic, partition });
    result.partitions = [{ topic, partition, points: points.map(toPoint) }];
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
    status: stale ? "ERR" : (e.status as LagStatus),
    worst: e.worst as PartitionLagStatus,
    stale,
    evaluatedAt: new Date(e.ts).toISOString(),
    totalLag: e.totalLag,
    timeLagMs: e.timeLagMs,
    trend: { lagPerSec: e.lagPerSec, consumeRate: e.consumeRate, produceRate: e.produceRate },
    eta: { state: e.etaState as EtaDto["state"], ms: e.etaMs },
    partitions: e.partitions.map((p) => {
      const r = rows.get(partitionKey(p));
      return {
        topic: p.topic,
        partition: p.partition,
        status: p.status as PartitionLagStatus,
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

async function kafka<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
}

function mirrorOf(group: string, jobNames: Set<string>): string | null {
  if (!group.startsWith(MIRROR_GROUP_PREFIX)) return null;
  const name = group.slice(MIRROR_GROUP_PREFIX.length);
  return jobNames.has(name) ? name : null;
}

export async function listGroupSummaries(ctx: LagContext, source: LagSource): Promise<GroupSummaryDto[]> {
  const [infos, evaluations, latest, jobs] = await Promise.all([
    kafka(source.groups()),
    readEvaluations(ctx.db, "group"),
    readLatestTick(ctx.db, "group"),
    listJobs(ctx.db),
  ]);
  const jobNames = new Set(jobs.map((j) => j.name));
  const evalBy = new Map(evaluations.map((e) => [e.subject, e]));
  const rowsBy = new Map<string, LagRow[]>();
  for (const r of latest) rowsBy.set(r.subject, [...(rowsBy.get(r.subject) ?? []), r]);
  return infos
    .map((g) => {
      const dto = toEvaluationDto(evalBy.get(g.groupId), rowsBy.get(g.groupId) ?? [], ctx);
      const parts = (rowsBy.get(g.groupId) ?? []).filter((r) => r.partition !== TOTAL_PARTITION);
      return {
        group: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        members: g.members.length,
        status: dto.status,
        worst: dto.worst,
        totalLag: dto.totalLag,
        timeLagMs: dto.timeLagMs,
        eta: dto.eta,
        consumeRate: dto.trend?.consumeRate ?? null,
        tidemarkJob: mirrorOf(g.groupId, jobNames),
        topics: [...new Set(parts.map((r) => r.topic))].sort(),
        partitions: parts.length,
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}

export async function groupDetail(ctx: LagContext, source: LagSource, groupId: string): Promise<GroupDetailDto> {
  const [[info], offsets] = await Promise.all([kafka(source.describeGroups([groupId])), kafka(source.groupOffsets(groupId))]);
  if (!info || (info.state === "Dead" && offsets.length === 0)) throw new AppError("GROUP_NOT_FOUND", `no consumer group '${groupId}'`);
  const log = new Map((await kafka(source.logOffsets([...new Set(offsets.map((o) => o.topic))]))).map((o) => [partitionKey(o), o]));
  const [evaluations, latest, jobs] = await Promise.all([readEvaluations(ctx.db, "group", groupId), readLatestTick(ctx.db, "group", groupId), listJobs(ctx.db)]);
  const evaluation = toEvaluationDto(evaluations[0], latest, ctx);
  const sampled = new Map(evaluation.partitions.map((p) => [partitionKey(p), p]));
  const owners = new Map<string, { memberId: string; clientId: string; host: string }>();
  for (const m of info.members) for (const tp of m.assignment) owners.set(partitionKey(tp), { memberId: m.memberId, clientId: m.clientId, host: m.host });

  const partitions = offsets.flatMap((o) => {
    const l = log.get(partitionKey(o));
    if (!l) return [];
    const s = sampled.get(partitionKey(o));
    const lag = Math.max(0, l.logEndOffset - Math.max(o.offset, l.logStartOffset));
    return [
      {
        topic: o.topic,
        partition: o.partition,
        committedOffset: o.offset,
        logStartOffset: l.logStartOffset,
        logEndOffset: l.logEndOffset,
        lag,
        timeLagMs: lag === 0 ? 0 : (s?.timeLagMs ?? null),
        status: s?.status ?? "OK",
        owner: owners.get(partitionKey(o)) ?? null,
      },
    ];
  });
  return {
    group: groupId,
    state: info.state,
    protocolType: info.protocolType,
    status: evaluation.status,
    worst: evaluation.worst,
    totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    timeLagMs: evaluation.timeLagMs,
    eta: evaluation.eta,
    trend: evaluation.trend,
    tidemarkJob: mirrorOf(groupId, new Set(jobs.map((j) => j.name))),
    members: info.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, partitions: m.assignment.length })),
    partitions,
  };
}

export async function groupLagSeries(ctx: LagContext, source: LagSource, groupId: string, q: RangeQuery): Promise<LagSeriesDto> {
  const { from, to, bucketMs } = resolveRange(q, ctx.nowMs);
  const total = await readSeries(ctx.db, { kind: "group", subject: groupId, topic: TOTAL_TOPIC, partition: TOTAL_PARTITION, fromMs: from, toMs: to, bucketMs });
  if (total.length === 0) {
    const [info] = await kafka(source.describeGroups([groupId]));
    if (!info || info.state === "Dead") throw new AppError("GROUP_NOT_FOUND", `no consumer group '${groupId}'`);
  }
  return { from, to, bucketMs, total: total.map(toPoint) };
}

const SPARKLINE_MS = 15 * 60_000;

export async function overview(ctx: LagContext, source: LagSource): Promise<OverviewDto> {
  const [jobs, evaluations, latest] = await Promise.all([listJobs(ctx.db), readEvaluations(ctx.db, "job"), readLatestTick(ctx.db, "job")]);
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

const THROUGHPUT_WINDOW_MS = 60_000;

export async function topicDetail(source: LagSource, topic: string, nowMs: number): Promise<TopicDetailDto> {
  const names = await kafka(source.topicNames());
  if (!names.includes(topic)) throw new AppError("TOPIC_NOT_FOUND", `no topic '${topic}'`);
  const [offsets, minuteAgo] = await Promise.all([kafka(source.logOffsets([topic])), kafka(source.offsetsForTime(topic, nowMs - THROUGHPUT_WINDOW_MS))]);
  const since = new Map(minuteAgo.map((o) => [o.partition, o.offset]));
  const partitions = offsets.map((o) => ({
    partition: o.partition,
    logStartOffset: o.logStartOffset,
    logEndOffset: o.logEndOffset,
    records: o.logEndOffset - o.logStartOffset,
    recordsPerSec: Math.max(0, o.logEndOffset - (since.get(o.partition) ?? o.logEndOffset)) / (THROUGHPUT_WINDOW_MS / 1000),
  }));
  return { name: topic, recordsPerSec: partitions.reduce((s, p) => s + p.recordsPerSec, 0), partitions };
}

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
  const rows = await ctx.db.$queryRawUnsafe<RawBatchPoint[]>(
    `SELECT CAST((julianday("batchTime") - 2440587.5) * 86400000 AS INTEGER) / CAST(? AS INTEGER) AS b, COUNT(*) AS batches, SUM("records") AS records,
            AVG("processingTimeMs") AS processing, MAX("processingTimeMs") AS processingMax,
            AVG("schedulingDelayMs") AS scheduling, MAX("schedulingDelayMs") AS schedulingMax,
            AVG("totalDelayMs") AS total, MAX("totalDelayMs") AS totalMax
     FROM "Batch" WHERE "jobId" = ? AND "status" = 'succeeded' AND "batchTime" >= ? AND "batchTime" <= ?
     GROUP BY b ORDER BY b`,
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
