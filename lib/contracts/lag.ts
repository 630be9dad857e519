/**
 * Lag history, status evaluation, consumer groups and topics: zod query schemas, and the answers' zod schemas
 * whose output types are the DTOs (server and browser) and which the OpenAPI document shows as responses.
 */
import { z } from "zod";
import { lagStatuses, partitionStatuses } from "@/lib/domain/lag-status";
import { etaStates } from "@/lib/domain/lag-trend";
import { jobOwnerSchema } from "./instances";

/** Burrow's partition statuses, and a job's or group's status (the worst partition, STOP/STALL/REWIND as ERR). */
const partitionLagStatusSchema = z.enum(partitionStatuses);
export type PartitionLagStatus = z.output<typeof partitionLagStatusSchema>;
const lagStatusSchema = z.enum([...lagStatuses, "UNKNOWN"]).meta({ description: "UNKNOWN: not sampled yet" });
export type LagStatus = z.output<typeof lagStatusSchema>;

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

const int = () => z.number().int();
const epochMs = (description: string) => int().meta({ description });

export const lagPointSchema = z.strictObject({
  ts: epochMs("Bucket start, epoch ms"),
  lag: int().meta({ description: "Records behind: average over the bucket, with min and max" }),
  lagMin: int(),
  lagMax: int(),
  timeLagMs: int().meta({ description: "Age of the oldest unconsumed record, ms (average and max)" }),
  timeLagMaxMs: int(),
});
export type LagPointDto = z.output<typeof lagPointSchema>;

export const partitionLagSeriesSchema = z.strictObject({ topic: z.string(), partition: int(), points: z.array(lagPointSchema) });
export type PartitionLagSeriesDto = z.output<typeof partitionLagSeriesSchema>;

export const lagSeriesSchema = z.strictObject({
  from: epochMs("Range start, epoch ms"),
  to: epochMs("Range end, epoch ms"),
  bucketMs: int(),
  total: z.array(lagPointSchema),
  partitions: z.array(partitionLagSeriesSchema).optional().meta({ description: "Present when `partition` was asked for" }),
});
export type LagSeriesDto = z.output<typeof lagSeriesSchema>;

const etaStateSchema = z.enum(etaStates);
export type EtaState = z.output<typeof etaStateSchema>;
const etaSchema = z.strictObject({ state: etaStateSchema, ms: int().nullable().meta({ description: "Time to catch up, ms, when catching up" }) });
export type EtaDto = z.output<typeof etaSchema>;

const lagTrendSchema = z.strictObject({
  lagPerSec: z.number().meta({ description: "Lag change in records/s (positive: falling behind)" }),
  consumeRate: z.number(),
  produceRate: z.number(),
});
export type LagTrendDto = z.output<typeof lagTrendSchema>;

const partitionLagSchema = z.strictObject({
  topic: z.string(),
  partition: int(),
  status: partitionLagStatusSchema,
  complete: z.number().meta({ description: "Share of Burrow's window filled (1 = a full window of commits)" }),
  committedOffset: int().nullable(),
  logEndOffset: int(),
  lag: int(),
  timeLagMs: int(),
});
export type PartitionLagDto = z.output<typeof partitionLagSchema>;

export const lagEvaluationSchema = z.strictObject({
  status: lagStatusSchema,
  worst: partitionLagStatusSchema,
  stale: z.boolean().meta({ description: "No fresh sample (sampler stopped or Kafka unreachable)" }),
  evaluatedAt: z.iso.datetime().nullable(),
  totalLag: int().nullable(),
  timeLagMs: int().nullable(),
  trend: lagTrendSchema.nullable(),
  eta: etaSchema,
  partitions: z.array(partitionLagSchema),
});
export type LagEvaluationDto = z.output<typeof lagEvaluationSchema>;

const groupMemberSchema = z.strictObject({ memberId: z.string(), clientId: z.string(), host: z.string(), partitions: int() });
export type GroupMemberDto = z.output<typeof groupMemberSchema>;

const tidemarkJob = () => z.string().nullable().meta({ description: "The Tidemark job whose offsets this group mirrors (`tidemark.<job name>`), else null" });

export const groupSummarySchema = z.strictObject({
  group: z.string(),
  state: z.string(),
  protocolType: z.string(),
  members: int(),
  status: lagStatusSchema,
  worst: partitionLagStatusSchema,
  totalLag: int().nullable(),
  timeLagMs: int().nullable(),
  eta: etaSchema,
  consumeRate: z.number().nullable(),
  tidemarkJob: tidemarkJob(),
  topics: z.array(z.string()),
  partitions: int(),
});
export type GroupSummaryDto = z.output<typeof groupSummarySchema>;

const groupPartitionSchema = z.strictObject({
  topic: z.string(),
  partition: int(),
  committedOffset: int(),
  logStartOffset: int(),
  logEndOffset: int(),
  lag: int(),
  timeLagMs: int().nullable(),
  status: partitionLagStatusSchema,
  owner: z.strictObject({ memberId: z.string(), clientId: z.string(), host: z.string() }).nullable(),
});
export type GroupPartitionDto = z.output<typeof groupPartitionSchema>;

export const groupDetailSchema = z.strictObject({
  group: z.string(),
  state: z.string(),
  protocolType: z.string(),
  status: lagStatusSchema,
  worst: partitionLagStatusSchema,
  totalLag: int(),
  timeLagMs: int().nullable(),
  eta: etaSchema,
  trend: lagTrendSchema.nullable(),
  tidemarkJob: tidemarkJob(),
  members: z.array(groupMemberSchema),
  partitions: z.array(groupPartitionSchema),
});
export type GroupDetailDto = z.output<typeof groupDetailSchema>;

const overviewJobSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.string().meta({ description: "The runtime's status: running, stopped, failed, ..." }),
  lagStatus: lagStatusSchema,
  worst: partitionLagStatusSchema,
  recordsPerSec: z.number().nullable(),
  totalLag: int().nullable(),
  timeLagMs: int().nullable(),
  eta: etaSchema,
  sparkline: z.array(z.strictObject({ ts: int(), lag: int() })),
  owner: jobOwnerSchema.nullable(),
});
export type OverviewJobDto = z.output<typeof overviewJobSchema>;

export const overviewSchema = z.strictObject({
  cluster: z.strictObject({ brokers: int(), topics: int(), partitions: int(), groups: int() }).nullable(),
  clusterError: z.string().nullable(),
  jobs: z.array(overviewJobSchema),
});
export type OverviewDto = z.output<typeof overviewSchema>;

const topicPartitionSchema = z.strictObject({
  partition: int(),
  logStartOffset: int(),
  logEndOffset: int(),
  records: int(),
  recordsPerSec: z.number().meta({ description: "Records appended per second over the last minute" }),
});
export type TopicPartitionDto = z.output<typeof topicPartitionSchema>;

export const topicDetailSchema = z.strictObject({ name: z.string(), recordsPerSec: z.number(), partitions: z.array(topicPartitionSchema) });
export type TopicDetailDto = z.output<typeof topicDetailSchema>;

const batchPointSchema = z.strictObject({
  ts: epochMs("Bucket start, epoch ms"),
  batches: int(),
  records: int(),
  inputRate: z.number().meta({ description: "Records per second of batch interval (Spark's input rate)" }),
  processingTimeMs: int(),
  processingTimeMaxMs: int(),
  schedulingDelayMs: int(),
  schedulingDelayMaxMs: int(),
  totalDelayMs: int(),
  totalDelayMaxMs: int(),
});
export type BatchPointDto = z.output<typeof batchPointSchema>;

export const batchSeriesSchema = z.strictObject({
  from: epochMs("Range start, epoch ms"),
  to: epochMs("Range end, epoch ms"),
  bucketMs: int(),
  batchIntervalMs: int(),
  points: z.array(batchPointSchema),
});
export type BatchSeriesDto = z.output<typeof batchSeriesSchema>;
