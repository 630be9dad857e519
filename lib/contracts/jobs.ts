import { z } from "zod";
import { jobFailureCodes } from "@/lib/domain/batch-failure";
import { onErrorPolicies, outOfRangePolicies, startingOffsetsChoices } from "@/lib/domain/job-options";
import { jobDesiredStates, jobStatuses, type BatchStatus } from "@/lib/domain/statuses";
import { jobOwnerSchema } from "./instances";
import type { SchemaDecodingDto } from "./records";

export const JOB_NAME_PATTERN = /^[a-z0-9._-]{1,64}$/;
/** Kafka's own rule for topic names. */
export const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;

/** The built-in processors. The server has those of its processors folder too: GET /api/processors lists them all. */
export const builtInProcessorNames = ["count-by-key", "store-records", "forward"] as const;
export const PROCESSOR_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const topicNameSchema = z
  .string()
  .regex(TOPIC_NAME_PATTERN, "topic names use letters, digits, '.', '_' and '-' (1 to 249 characters)")
  .refine((t) => t !== "." && t !== "..", "'.' and '..' are not topic names");

/** Bounds of a job's byte budget per batch. */
export const MIN_BATCH_BYTES = 1024;
export const MAX_BATCH_BYTES = 1024 ** 3;

/**
 * A job's settings without their defaults. Defaults apply on create only: an update that gave them
 * would put every setting it does not name back to its default.
 */
const jobFields = {
  topics: z
    .array(topicNameSchema, { error: "topics must be a list of topic names" })
    .min(1, "choose at least one topic")
    .max(20, "a job reads at most 20 topics")
    .refine((ts) => new Set(ts).size === ts.length, "topics must not repeat"),
  processor: z.string({ error: "processor is required" }).regex(PROCESSOR_NAME_PATTERN, "processor must be the name of a processor (GET /api/processors lists them)"),
  batchIntervalMs: z
    .number({ error: "batchIntervalMs must be a number" })
    .int("batchIntervalMs must be a whole number")
    .min(100, "batchIntervalMs must be at least 100")
    .max(3_600_000, "batchIntervalMs must be at most 3,600,000 (one hour)"),
  maxRecordsPerPartition: z
    .number({ error: "maxRecordsPerPartition must be a number" })
    .int("maxRecordsPerPartition must be a whole number")
    .min(1, "maxRecordsPerPartition must be at least 1")
    .max(10_000_000, "maxRecordsPerPartition must be at most 10,000,000")
    .nullable(),
  maxBatchBytes: z
    .number({ error: "maxBatchBytes must be a number" })
    .int("maxBatchBytes must be a whole number")
    .min(MIN_BATCH_BYTES, "maxBatchBytes must be at least 1,024")
    .max(MAX_BATCH_BYTES, "maxBatchBytes must be at most 1,073,741,824 (1 GiB)")
    .nullable(),
  startingOffsets: z.enum(startingOffsetsChoices, { error: "startingOffsets must be 'earliest' or 'latest'" }),
  // How a job runs and reacts to faults. The processor validates processorConfig.
  processorConfig: z.record(z.string(), z.unknown(), { error: "processorConfig must be an object" }),
  onError: z.enum(onErrorPolicies, { error: "onError must be 'fail' or 'skip'" }),
  maxAttempts: z
    .number({ error: "maxAttempts must be a number" })
    .int("maxAttempts must be a whole number")
    .min(1, "maxAttempts must be at least 1")
    .max(100, "maxAttempts must be at most 100"),
  retryBackoffMs: z
    .number({ error: "retryBackoffMs must be a number" })
    .int("retryBackoffMs must be a whole number")
    .min(10, "retryBackoffMs must be at least 10")
    .max(60_000, "retryBackoffMs must be at most 60,000"),
  onOutOfRange: z.enum(outOfRangePolicies, { error: "onOutOfRange must be 'fail', 'earliest' or 'latest'" }),
  mirrorOffsetsToKafka: z.boolean({ error: "mirrorOffsetsToKafka must be true or false" }),
  backpressure: z.boolean({ error: "backpressure must be true or false" }),
};

const jobNameSchema = z.string({ error: "name is required" }).regex(JOB_NAME_PATTERN, "name must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-'");

export const createJobSchema = z.strictObject({
  name: jobNameSchema,
  ...jobFields,
  batchIntervalMs: jobFields.batchIntervalMs.default(2000),
  maxRecordsPerPartition: jobFields.maxRecordsPerPartition.optional(),
  maxBatchBytes: jobFields.maxBatchBytes.optional(),
  startingOffsets: jobFields.startingOffsets.default("earliest"),
  processorConfig: jobFields.processorConfig.default({}),
  onError: jobFields.onError.default("fail"),
  maxAttempts: jobFields.maxAttempts.default(5),
  retryBackoffMs: jobFields.retryBackoffMs.default(500),
  onOutOfRange: jobFields.onOutOfRange.default("fail"),
  mirrorOffsetsToKafka: jobFields.mirrorOffsetsToKafka.default(true),
  backpressure: jobFields.backpressure.default(false),
});
export type CreateJobInput = z.input<typeof createJobSchema>;
export type CreateJobCommand = z.output<typeof createJobSchema>;

/** PATCH /api/jobs/:id: any field but the name, on a stopped job; only the fields given change. The job keeps its offsets. */
export const updateJobSchema = z
  .strictObject(jobFields)
  .partial()
  .refine((u) => Object.keys(u).length > 0, "give at least one field to change");
export type UpdateJobInput = z.input<typeof updateJobSchema>;
export type UpdateJobCommand = z.output<typeof updateJobSchema>;

/** Where a batch failed: the record the processor named, when it named one. */
export const batchFailureDtoSchema = z.strictObject({
  batchId: z.number().int(),
  error: z.string(),
  topic: z.string().nullable(),
  partition: z.number().int().nullable(),
  offset: z.number().int().nullable(),
  attempts: z.number().int(),
});
export type BatchFailureDto = z.output<typeof batchFailureDtoSchema>;

/** A job as the API answers it: its settings, what the runtime reports, and what the server adds. */
export const jobDtoSchema = z.strictObject({
  id: z.string(),
  name: jobNameSchema,
  ...jobFields,
  maxRecordsPerPartition: jobFields.maxRecordsPerPartition.meta({ description: "null: the server's default applies (see batchLimits)" }),
  maxBatchBytes: jobFields.maxBatchBytes.meta({ description: "Key + value bytes one batch reads in all; null: the server's default applies" }),
  batchLimits: z
    .strictObject({ maxRecordsPerPartition: z.number().int(), maxBatchBytes: z.number().int() })
    .meta({ description: "What bounds the job's batches: its own limits, or the server's defaults where it sets none" }),
  deadLetters: z.number().int().meta({ description: "Records skipped into the dead-letter table (onError = 'skip')" }),
  failure: batchFailureDtoSchema.nullable().meta({ description: "The batch that failed the job, while the job is failed" }),
  owner: jobOwnerSchema.nullable(),
  desiredState: z.enum(jobDesiredStates),
  status: z.enum(jobStatuses),
  statusMessage: z.string().nullable(),
  failureCode: z.enum(jobFailureCodes).nullable().meta({ description: "Why the job is failed, while it is" }),
  recordsProcessed: z.number().int(),
  totalLag: z.number().int().nullable().meta({ description: "Sum of lag over the job's partitions; null when Kafka could not be asked" }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type JobDto = z.output<typeof jobDtoSchema>;

export interface PartitionProgressDto {
  topic: string;
  partition: number;
  /** Next offset the job will read; null before the job has seen the partition. */
  committedOffset: number | null;
  logStartOffset: number;
  logEndOffset: number;
  lag: number;
}

export interface BatchRangeDto {
  topic: string;
  partition: number;
  fromOffset: number;
  untilOffset: number;
}

export interface BatchDto {
  id: number;
  jobId: string;
  batchTime: string;
  /** abandoned: an unfinished batch dropped (an offset reset, a change of topics, a range no longer in the log, or one another runtime committed); rolled back / cleared: its results were taken out by a replay. */
  status: BatchStatus;
  records: number;
  bytes: number;
  ranges: BatchRangeDto[];
  schedulingDelayMs: number | null;
  processingTimeMs: number | null;
  totalDelayMs: number | null;
  error: string | null;
  /** The record a failed batch stopped at, when known. */
  failedAt: { topic: string; partition: number; offset: number } | null;
  attempts: number;
  /** Per-partition cap the batch was planned with (maxRecordsPerPartition or backpressure); null = none. */
  recordCap: number | null;
}

export interface DeadLetterDto {
  id: number;
  batchId: number;
  topic: string;
  partition: number;
  offset: number;
  /** UTF-8 (invalid bytes replaced); null for a null key/value. */
  key: string | null;
  value: string | null;
  /** Key and value decoded with their schema, when in the Schema Registry wire format (README "Schema Registry"). */
  keyDecoded?: SchemaDecodingDto;
  valueDecoded?: SchemaDecodingDto;
  error: string;
  createdAt: string;
}

export interface StoredRecordDto {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface KeyCountDto {
  key: string;
  count: number;
  /** Start of the tumbling window (ISO time) for a windowed count-by-key; absent otherwise. */
  windowStart?: string;
}

export interface TopicDto {
  name: string;
  partitions: number;
  /** Sum over partitions of log-end minus log-start. */
  records: number;
}

export interface HealthDto {
  status: "ok" | "degraded";
  db: { ok: boolean; error?: string };
  kafka: { ok: boolean; brokers: string[]; error?: string };
}

/** Every list endpoint returns this envelope; `next` is the cursor for the following page. */
export interface ListDto<T> {
  items: T[];
  next: string | null;
}

export const listQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(500, "limit must be at most 500")
    .default(50),
  before: z.coerce.number({ error: "before must be a batch id" }).int().positive().optional(),
});

export const resultsQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1).max(1000).default(100),
  key: z.string().max(1000).optional(),
  /** The `next` cursor of the previous page: how many results it and the pages before it held. */
  after: z.string().regex(/^\d{1,9}$/, "after must be the next cursor of a previous page").optional(),
});

export const deadLettersQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1).max(500).default(50),
  before: z.coerce.number({ error: "before must be a dead-letter id" }).int().positive().optional(),
});

export const recordsQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1).max(500).default(50),
  topic: topicNameSchema.optional(),
  partition: z.coerce.number({ error: "partition must be a number" }).int().min(0).optional(),
  /** Cursor: records before this "topic:partition:offset" (newest first). */
  before: z.string().max(300).optional(),
});
