import type { JobFailureCode } from "@/lib/domain/batch-failure";
import { randomUUID } from "node:crypto";
import type { BatchFailureDto, CreateJobCommand, JobDto, UpdateJobCommand } from "@/lib/contracts/jobs";
import { effectiveBatchLimits, type BatchLimits } from "@/lib/domain/batch-limits";
import type { OnErrorPolicy, OutOfRangePolicy } from "@/lib/domain/job-options";
import type { JobDesiredState, JobStatus, StartingOffsets } from "@/lib/domain/types";
import { batchLimitDefaults } from "../env";
import type { Db, Tx } from "./tx";

/** A job as the runtime needs it. */
export interface JobRecord {
  id: string;
  name: string;
  topics: string[];
  processor: string;
  processorConfig: unknown;
  batchIntervalMs: number;
  maxRecordsPerPartition: number | null;
  maxBatchBytes: number | null;
  startingOffsets: StartingOffsets;
  onError: OnErrorPolicy;
  maxAttempts: number;
  retryBackoffMs: number;
  onOutOfRange: OutOfRangePolicy;
  mirrorOffsetsToKafka: boolean;
  backpressure: boolean;
  desiredState: JobDesiredState;
  status: JobStatus;
  statusMessage: string | null;
  /** Set while the job is failed: why. */
  failureCode: JobFailureCode | null;
  recordsProcessed: number;
  createdAt: Date;
  updatedAt: Date;
}

type JobRow = Awaited<ReturnType<Db["job"]["findFirstOrThrow"]>>;

function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    name: row.name,
    topics: JSON.parse(row.topics) as string[],
    processor: row.processor,
    processorConfig: JSON.parse(row.processorConfig) as unknown,
    batchIntervalMs: row.batchIntervalMs,
    maxRecordsPerPartition: row.maxRecordsPerPartition,
    maxBatchBytes: row.maxBatchBytes,
    startingOffsets: row.startingOffsets as StartingOffsets,
    onError: row.onError as JobRecord["onError"],
    maxAttempts: row.maxAttempts,
    retryBackoffMs: row.retryBackoffMs,
    onOutOfRange: row.onOutOfRange as JobRecord["onOutOfRange"],
    mirrorOffsetsToKafka: row.mirrorOffsetsToKafka,
    backpressure: row.backpressure,
    desiredState: row.desiredState as JobDesiredState,
    status: row.status as JobStatus,
    statusMessage: row.statusMessage,
    failureCode: row.failureCode as JobFailureCode | null,
    recordsProcessed: Number(row.recordsProcessed),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface JobExtras {
  deadLetters: number;
  failure: BatchFailureDto | null;
}

export function toJobDto(
  job: JobRecord,
  totalLag: number | null,
  extras: JobExtras = { deadLetters: 0, failure: null },
  defaults: BatchLimits = batchLimitDefaults(),
): JobDto {
  return {
    id: job.id,
    name: job.name,
    topics: job.topics,
    processor: job.processor as JobDto["processor"],
    batchIntervalMs: job.batchIntervalMs,
    maxRecordsPerPartition: job.maxRecordsPerPartition,
    maxBatchBytes: job.maxBatchBytes,
    batchLimits: effectiveBatchLimits(job, defaults),
    startingOffsets: job.startingOffsets,
    processorConfig: (job.processorConfig ?? {}) as Record<string, unknown>,
    onError: job.onError,
    maxAttempts: job.maxAttempts,
    retryBackoffMs: job.retryBackoffMs,
    onOutOfRange: job.onOutOfRange,
    mirrorOffsetsToKafka: job.mirrorOffsetsToKafka,
    backpressure: job.backpressure,
    deadLetters: extras.deadLetters,
    failure: extras.failure,
    desiredState: job.desiredState,
    status: job.status,
    statusMessage: job.statusMessage,
    failureCode: job.failureCode,
    recordsProcessed: job.recordsProcessed,
    totalLag,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

export async function listJobs(db: Db): Promise<JobRecord[]> {
  return (await db.job.findMany({ orderBy: { name: "asc" } })).map(fromRow);
}

/** Finds a job by id or by name. */
export async function findJob(db: Db | Tx, idOrName: string): Promise<JobRecord | null> {
  const row = await db.job.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] } });
  return row ? fromRow(row) : null;
}

/** Store-level input: defaults of the optional settings come from the schema (tests pass only what they need). */
export type NewJob = Pick<CreateJobCommand, "name" | "topics" | "batchIntervalMs" | "startingOffsets"> &
  Partial<Omit<CreateJobCommand, "name" | "topics" | "processor" | "batchIntervalMs" | "startingOffsets">> & {
    /** Any registered processor's name (tests register their own). */
    processor: string;
  };

export async function insertJob(db: Db | Tx, command: NewJob): Promise<JobRecord> {
  const row = await db.job.create({
    data: {
      id: randomUUID(),
      name: command.name,
      topics: JSON.stringify(command.topics),
      processor: command.processor,
      batchIntervalMs: command.batchIntervalMs,
      maxRecordsPerPartition: command.maxRecordsPerPartition ?? null,
      maxBatchBytes: command.maxBatchBytes ?? null,
      startingOffsets: command.startingOffsets,
      processorConfig: JSON.stringify(command.processorConfig ?? {}),
      onError: command.onError,
      maxAttempts: command.maxAttempts,
      retryBackoffMs: command.retryBackoffMs,
      onOutOfRange: command.onOutOfRange,
      mirrorOffsetsToKafka: command.mirrorOffsetsToKafka,
      backpressure: command.backpressure,
    },
  });
  return fromRow(row);
}

/** Changes a stopped job's settings. Offsets, batches and results stay. */
export async function updateJobSettings(db: Db | Tx, id: string, update: UpdateJobCommand): Promise<JobRecord> {
  const { topics, processorConfig, maxRecordsPerPartition, maxBatchBytes, ...rest } = update;
  const row = await db.job.update({
    where: { id },
    data: {
      ...rest,
      ...(topics !== undefined ? { topics: JSON.stringify(topics) } : {}),
      ...(processorConfig !== undefined ? { processorConfig: JSON.stringify(processorConfig) } : {}),
      ...(maxRecordsPerPartition !== undefined ? { maxRecordsPerPartition } : {}),
      ...(maxBatchBytes !== undefined ? { maxBatchBytes } : {}),
    },
  });
  return fromRow(row);
}

export async function deleteJob(db: Db | Tx, id: string): Promise<void> {
  await db.job.delete({ where: { id } });
}

export async function setDesiredState(db: Db | Tx, id: string, desiredState: JobDesiredState): Promise<JobRecord> {
  const data =
    desiredState === "running"
      ? { desiredState, status: "starting", statusMessage: null, failureCode: null }
      : { desiredState };
  return fromRow(await db.job.update({ where: { id }, data }));
}

/** The runtime reports what a job is doing; users' desires are never overwritten here. */
export async function setStatus(db: Db, id: string, status: Exclude<JobStatus, "failed">, statusMessage: string | null = null): Promise<void> {
  await db.job.updateMany({ where: { id }, data: { status, statusMessage, failureCode: null } });
}

/** The runtime stops a job as failed, saying why with a code and a message. */
export async function setFailed(db: Db, id: string, failureCode: JobFailureCode, statusMessage: string): Promise<void> {
  await db.job.updateMany({ where: { id }, data: { status: "failed", statusMessage, failureCode } });
}

export async function addRecordsProcessed(tx: Tx, id: string, records: number): Promise<void> {
  await tx.job.update({ where: { id }, data: { recordsProcessed: { increment: BigInt(records) } } });
}
