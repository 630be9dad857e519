/** Lag history, status evaluation, consumer groups and topics: zod query schemas and DTOs (server and browser). */
import { z } from "zod";

/** Burrow's partition statuses, and a job's or group's status (the worst partition, STOP/STALL/REWIND as ERR). */
export type PartitionLagStatus = "OK" | "WARN" | "STOP" | "STALL" | "REWIND";
export type LagStatus = "OK" | "WARN" | "ERR" | "UNKNOWN";

export const MAX_POINTS = 500;
export const MAX_RANGE_MS = 31 * 24 * 3_600_000;

const time = (field: string) =>
  z
    .union([z.coerce.number({ error: `${field} must be epoch milliseconds or an ISO time` }).int().positive(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))])
    .optional();

const rangeFields = {
  from: time("from"),
  to: time("to"),
  points: z.coerce.number({ error: "points must be a number" }).int().min(10, "points must be at least 10").max(MAX_POINTS, `points must be at most ${MAX_POINTS}`).default(MAX_POINTS),
};

function checkRange(q: { from?: number; to?: number }, ctx: z.RefinementCtx) {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
  if (q.from !== undefined && q.to !== undefined && q.to - q.from > MAX_RANGE_MS) ctx.addIssue({ code: "custom", path: ["from"], message: "a range spans at most 31 days" });
}

/** `?from=&to=&partition=&points=`: partition is `all`, a number (single-topic jobs) or `topic:partition`. */
export const jobLagQuerySchema = z
  .strictObject({
    ...rangeFields,
    partition: z
      .string()
      .regex(/^(all|\d+|[a-zA-Z0-9._-]{1,249}:\d+)$/, "partition must be 'all', a partition number or 'topic:partition'")
      .optional(),
  })
  .superRefine(checkRange);

export const rangeQuerySchema = z.strictObject(rangeFields).superRefine(checkRange);

export interface LagPointDto {
  /** Bucket start, epoch ms */
  ts: number;
  /** Records behind: average over the bucket, with min and max */
  lag: number;
  lagMin: number;
  lagMax: number;
  /** Age of the oldest unconsumed record, ms (average and max) */
  timeLagMs: number;
  timeLagMaxMs: number;
}

export interface LagSeriesDto {
  from: number;
  to: number;
  bucketMs: number;
  total: LagPointDto[];
  /** Present when `partition` was asked for. */
  partitions?: { topic: string; partition: number; points: LagPointDto[] }[];
}

export type EtaState = "caught-up" | "catching-up" | "never" | "unknown";
export interface EtaDto {
  state: EtaState;
  /** Time to catch up, ms, when catching up */
  ms: number | null;
}

export interface LagTrendDto {
  /** Lag change in records/s (positive: falling behind) */
  lagPerSec: number;
  consumeRate: number;
  produceRate: number;
}

export interface PartitionLagDto {
  topic: string;
  partition: number;
  status: PartitionLagStatus;
  /** Share of Burrow's window filled (1 = a full window of commits) */
  complete: number;
  committedOffset: number | null;
  logEndOffset: number;
  lag: number;
  timeLagMs: number;
}

export interface LagEvaluationDto {
  status: LagStatus;
  worst: PartitionLagStatus;
  /** No fresh sample (sampler stopped or Kafka unreachable) */
  stale: boolean;
  evaluatedAt: string | null;
  totalLag: number | null;
  timeLagMs: number | null;
  trend: LagTrendDto | null;
  eta: EtaDto;
  partitions: PartitionLagDto[];
}

export interface GroupMemberDto {
  memberId: string;
  clientId: string;
  host: string;
  partitions: number;
}

export interface GroupSummaryDto {
  group: string;
  state: string;
  protocolType: string;
  members: number;
  status: LagStatus;
  worst: PartitionLagStatus;
  totalLag: number | null;
  timeLagMs: number | null;
  eta: EtaDto;
  consumeRate: number | null;
  /** The Tidemark job whose offsets this group mirrors (`tidemark.<job name>`), else null */
  tidemarkJob: string | null;
  topics: string[];
  partitions: number;
}

export interface GroupPartitionDto {
  topic: string;
  partition: number;
  committedOffset: number;
  logStartOffset: number;
  logEndOffset: number;
  lag: number;
  timeLagMs: number | null;
  status: PartitionLagStatus;
  owner: { memberId: string; clientId: string; host: string } | null;
}

export interface GroupDetailDto {
  group: string;
  state: string;
  protocolType: string;
  status: LagStatus;
  worst: PartitionLagStatus;
  totalLag: number;
  timeLagMs: number | null;
  eta: EtaDto;
  trend: LagTrendDto | null;
  tidemarkJob: string | null;
  members: GroupMemberDto[];
  partitions: GroupPartitionDto[];
}

export interface OverviewJobDto {
  id: string;
  name: string;
  /** The runtime's status: running, stopped, failed, ... */
  status: string;
  lagStatus: LagStatus;
  worst: PartitionLagStatus;
  recordsPerSec: number | null;
  totalLag: number | null;
  timeLagMs: number | null;
  eta: EtaDto;
  sparkline: { ts: number; lag: number }[];
}

export interface OverviewDto {
  cluster: { brokers: number; topics: number; partitions: number; groups: number } | null;
  clusterError: string | null;
  jobs: OverviewJobDto[];
}

export interface TopicPartitionDto {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  records: number;
  /** Records appended per second over the last minute */
  recordsPerSec: number;
}

export interface TopicDetailDto {
  name: string;
  recordsPerSec: number;
  partitions: TopicPartitionDto[];
}

export interface BatchPointDto {
  ts: number;
  batches: number;
  records: number;
  /** Records per second of batch interval (Spark's input rate) */
  inputRate: number;
  processingTimeMs: number;
  processingTimeMaxMs: number;
  schedulingDelayMs: number;
  schedulingDelayMaxMs: number;
  totalDelayMs: number;
  totalDelayMaxMs: number;
}

export interface BatchSeriesDto {
  from: number;
  to: number;
  bucketMs: number;
  batchIntervalMs: number;
  points: BatchPointDto[];
}
