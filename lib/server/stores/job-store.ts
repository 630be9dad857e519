import type { JobFailureCode } from "@/lib/domain/batch-failure";
import { randomUUID } from "node:crypto";
import type { CreateJobCommand, JobDto, UpdateJobCommand } from "@/lib/contracts/jobs";
import { effectiveBatchLimits, type BatchLimits } from "@/lib/domain/batch-limits";
import type { JobDesiredState, JobStatus } from "@/lib/domain/types";
import { batchLimitDefaults } from "../env";
import { deleteStoredRecords } from "./record-store";
import type { Db, Tx } from "./tx";

/** What the API adds to a stored job: counts, the last failure and the lease owner from other tables, lag from Kafka, limits from env. */
export type JobExtras = Pick<JobDto, "deadLetters" | "failure" | "owner">;
type AddedByApi = keyof JobExtras | "totalLag" | "batchLimits";

/** A job as stored and as the runtime needs it: the contract's job without what the API adds, times as Dates. */
export interface JobRecord extends Omit<JobDto, AddedByApi | "createdAt" | "updatedAt"> {
  createdAt: Date;
  updatedAt: Date;
}

type JobRow = Awaited<ReturnType<Db["job"]["findFirstOrThrow"]>>;

/** The columns are the record's fields; JSON text, enum strings and the BigInt count are turned into their types. */
function fromRow(row: JobRow): JobRecord {
  return {
    ...row,
    topics: JSON.parse(row.topics) as string[],
    processorConfig: JSON.parse(row.processorConfig) as Record<string, unknown>,
    startingOffsets: row.startingOffsets as JobRecord["startingOffsets"],
    onError: row.onError as JobRecord["onError"],
    onOutOfRange: row.onOutOfRange as JobRecord["onOutOfRange"],
    desiredState: row.desiredState as JobRecord["desiredState"],
    status: row.status as JobRecord["status"],
    failureCode: row.failureCode as JobRecord["failureCode"],
    recordsProcessed: Number(row.recordsProcessed),
  };
}

export function toJobDto(
  job: JobRecord,
  totalLag: number | null,
  extras: JobExtras = { deadLetters: 0, failure: null, owner: null },
  defaults: BatchLimits = batchLimitDefaults(),
): JobDto {
  const { createdAt, updatedAt, ...stored } = job;
  return {
    ...stored,
    batchLimits: effectiveBatchLimits(job, defaults),
    ...extras,
    totalLag,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
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

/**
 * Deletes a job and everything it owns, in the caller's transaction. Its other rows go by ON DELETE
 * CASCADE; the records store-records kept do not (no foreign key), and go first whatever the job's
 * processor is now: it may have run store-records before.
 */
export async function deleteJob(tx: Tx, id: string): Promise<void> {
  await deleteStoredRecords(tx, id);
  await tx.job.delete({ where: { id } });
}

export async function setDesiredState(db: Db | Tx, id: string, desiredState: JobDesiredState): Promise<JobRecord> {
  const data =
    desiredState === "running"
      ? { desiredState, status: "starting", statusMessage: null, failureCode: null }
      : { desiredState };
  return fromRow(await db.job.update({ where: { id }, data }));
}

/** The runtime reports what a job is doing; users' desires are never overwritten here. */
export async function setStatus(db: Db | Tx, id: string, status: Exclude<JobStatus, "failed">, statusMessage: string | null = null): Promise<void> {
  await db.job.updateMany({ where: { id }, data: { status, statusMessage, failureCode: null } });
}

/**
 * A new runner's first write: "running", unless the job has failed meanwhile (false then). The coordinator
 * decides to start a runner on a list read before; a runner of the same job may have failed since.
 * A user's start sets "starting", so a failed job asked to run again still starts.
 */
export async function markRunningUnlessFailed(db: Db | Tx, id: string): Promise<boolean> {
  const { count } = await db.job.updateMany({ where: { id, status: { not: "failed" } }, data: { status: "running", statusMessage: null, failureCode: null } });
  return count === 1;
}

/** The runtime stops a job as failed, saying why with a code and a message. */
export async function setFailed(db: Db | Tx, id: string, failureCode: JobFailureCode, statusMessage: string): Promise<void> {
  await db.job.updateMany({ where: { id }, data: { status: "failed", statusMessage, failureCode } });
}

export async function addRecordsProcessed(tx: Tx, id: string, records: number): Promise<void> {
  await tx.job.update({ where: { id }, data: { recordsProcessed: { increment: BigInt(records) } } });
}

/** A job left "running" by a runtime that is gone, and no longer wanted: stopped, unless it was started again meanwhile. */
export async function markStoppedUnlessWanted(db: Db, id: string): Promise<void> {
  await db.job.updateMany({ where: { id, desiredState: "stopped", status: { notIn: ["stopped", "failed"] } }, data: { status: "stopped", statusMessage: null } });
}
