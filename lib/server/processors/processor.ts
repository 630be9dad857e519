import type Database from "better-sqlite3";
import type { z } from "zod";
import type { ReprocessingEffect } from "@/lib/contracts/resets";
import type { KafkaRecord, StoredOffset } from "@/lib/domain/types";
import type { Db, Tx } from "../stores/tx";
import type { SinkSendOptions } from "./record-sink";

/** Where processors that write to Kafka send records (an idempotent producer in production). */
export interface RecordSink {
  /**
   * Writes the messages in order (split into as many requests as the target's limits need). Rejects
   * with a MessageTooLargeError naming the message before writing any when one alone exceeds the
   * topic's `max.message.bytes`.
   */
  send(topic: string, messages: { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, Buffer | string> }[], options?: SinkSendOptions): Promise<void>;
}

export interface ProcessorBatch<Config> {
  jobId: string;
  batchId: number;
  /** Records of the batch's ranges, in offset order per partition (minus dead-lettered ones). */
  records: KafkaRecord[];
  config: Config;
  /**
   * Writes to Kafka (forward). Not part of the transaction: such writes are at-least-once. Use it
   * from `deliver`, never from `process`.
   */
  sink: RecordSink;
  /**
   * The SQLite connection `tx` runs on, for bulk statements Prisma would make slow (prepared
   * multi-row INSERTs): they are part of the same transaction. Absent on other databases; a
   * processor that uses it must also work through `tx` alone.
   */
  sqlite?: Database.Database;
  /**
   * Present when the job's onError is "skip": report a record the processor cannot handle here,
   * instead of throwing, and carry on without it. The runtime dead-letters it in the batch's
   * transaction, so a batch with many bad records still runs once. Report a record before anything
   * of it is applied: the rest of the batch commits as the processor leaves it. Absent under
   * onError "fail": throw a RecordError. `eachRecord(records, fn, batch.skip)` does either.
   */
  skip?: (error: RecordError) => void;
}

/**
 * A processor turns one batch of records into writes. It writes only through `tx`, the
 * transaction that also moves the job's offsets: so its results and the offsets commit together.
 * It should aggregate in memory and issue few statements per batch.
 *
 * `process` runs inside the batch's transaction, and while a transaction is open the runtime's
 * database connection serves nobody else: every other job's planning and commits, and the web
 * server's writes (SQLite's write lock), wait for it. So `process` does database work through `tx`
 * only and never awaits anything slow (network, timers, files). Effects outside the database
 * (sending to Kafka, calling an HTTP service) go in `deliver`, which runs before the transaction
 * opens and is therefore at-least-once.
 *
 * When one record is the problem (bad data), hand it to `batch.skip` when the job skips bad records,
 * else throw a RecordError naming it (`eachRecord` does both): the job's onError policy then fails
 * the batch at that offset, or dead-letters the record. A RecordError thrown under "skip" still
 * works, but the runtime then runs the batch again without that record: once per bad record.
 */
export interface Processor<Config = unknown> {
  name: string;
  description: string;
  configSchema: z.ZodType<Config>;
  process(batch: ProcessorBatch<Config>, tx: Tx): Promise<void>;
  /**
   * Optional phase for effects outside the database (`batch.sink`, HTTP calls): the runtime awaits
   * it after reading the batch and BEFORE opening the batch's transaction, then calls `process`
   * (with the same records) in the transaction. It may take as long as it needs without holding
   * up other jobs or the web server. The batch commits only after `deliver` resolved; if the
   * commit fails or the process dies first, the batch runs again and `deliver` repeats: its effects
   * are at-least-once, so make them idempotent or let their readers de-duplicate.
   *
   * Decide every record before the first effect: a record handed to `batch.skip` is dead-lettered
   * and left out of `process`; a RecordError thrown here fails the batch at that record (onError
   * "fail"), or dead-letters it (onError "skip") and runs `deliver` again on the rest; effects
   * already made for a batch are made again when it re-runs. A processor with `deliver` gets the
   * whole batch in memory: the runtime does not use its `fold`.
   */
  deliver?(batch: ProcessorBatch<Config>): Promise<void>;
  /**
   * Optional streaming form of `process`, for processors that aggregate: the runtime hands each
   * chunk of records to `add` as it is read instead of holding the whole batch in memory, then calls
   * `commit` in the batch's transaction. It must write exactly what `process` would. A record it
   * cannot take goes to `batch.skip` when present (the fold carries on); when `add` throws, the
   * runtime reads the batch again and uses `process` (and the job's onError policy).
   */
  fold?(batch: Omit<ProcessorBatch<Config>, "records">): BatchFold;
  /**
   * `true` lets the runtime fold a job's next batch while the previous one commits, during a backlog,
   * so that reading and the database work at the same time (README "Reading ahead during a backlog").
   * Such a fold is created before its batch is recorded: read `batch.batchId` in `commit`, not when
   * the fold is created (before, reading it throws). Default: each batch is read after the previous
   * one committed.
   */
  readAhead?: boolean;
  /**
   * What reading records again (a replay that keeps results) does to this processor's results, so
   * the reset dialog can say it in plain words. Default `unknown`.
   */
  reprocessing?: ReprocessingEffect;
  /**
   * Removes everything the processor stored for a job: a replay with results "clear", in the
   * reset's transaction. Optional: without it, a reset refuses "clear" (CLEAR_UNSUPPORTED).
   */
  clear?(jobId: string, tx: Tx): Promise<void>;
  /**
   * Removes exactly what batches `fromBatchId` and later (the succeeded ones) contributed, for every
   * partition of the job (a replay's rollback), in the reset's transaction. `rewind` says where each
   * partition goes back to: the start of the first of those batches that read it; those batches read
   * nothing of a partition it leaves out. Optional: without it, resets refuse "rollback"
   * (ROLLBACK_UNSUPPORTED).
   */
  rollback?(jobId: string, fromBatchId: number, tx: Tx, rewind: StoredOffset[]): Promise<void>;
  /**
   * How far back (by batch time) the processor reads the job's batch rows for its own retention.
   * Batch history pruning (runtime/batch-history.ts) keeps at least that much, even beyond
   * TIDEMARK_BATCH_RETENTION_DAYS. Optional: without it, the processor reads no old batch rows.
   */
  batchHistoryMs?(config: Config): number;
  /**
   * The processor's own tables, lower-case snake_case (Tidemark's are PascalCase). Its migrations may
   * create and change these and nothing else (processor-migrations.ts checks it).
   */
  tables?: string[];
  /** Ordered migrations that create the processor's tables: applied at start, each once, in its own transaction. */
  migrations?: ProcessorMigration[];
  /** How `GET /api/jobs/:id/results` and the job page list the processor's results. */
  results?: ProcessorResults;
}

export type SqlDialect = "sqlite" | "postgresql";
/** One SQL text for every database, or one per dialect where they differ. */
export type MigrationSql = string | { [D in SqlDialect]?: string };

export interface ProcessorMigration {
  /** Stable and unique within the processor, e.g. "001-create-totals": applied migrations are recorded by it. */
  id: string;
  sql: MigrationSql;
}

export interface ResultColumn {
  /** The row field shown in this column. */
  key: string;
  label: string;
  numeric?: boolean;
}

/** One page of results: `limit` rows from row number `offset` on; `key` filters when the processor supports it. */
export interface ResultsPage {
  limit: number;
  offset: number;
  key?: string;
}

export interface ProcessorResults {
  columns: ResultColumn[];
  /** Rows of a job's results in a stable order (read with the web server's connection, outside any batch). */
  query(db: Db, jobId: string, page: ResultsPage): Promise<Record<string, unknown>[]>;
}

/** A batch being folded: records in as they are read, writes out at commit. */
export interface BatchFold {
  add(records: KafkaRecord[]): void;
  commit(tx: Tx): Promise<void>;
}

const RECORD_ERROR = Symbol.for("tidemark.RecordError");

/**
 * A processor could not handle this record. `instanceof` holds across copies of this class: a processor
 * in the processors folder is bundled with its own copy (processors-folder.ts).
 */
export class RecordError extends Error {
  readonly [RECORD_ERROR] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RECORD_ERROR] === true;
  }

  constructor(
    readonly record: KafkaRecord,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RecordError";
  }
}

/**
 * Calls fn for each record; an error thrown for a record becomes a RecordError naming it, which goes
 * to `skip` when given (the batch's, under onError "skip") and is thrown otherwise. fn must throw
 * before it applies anything of the record: with `skip` the loop carries on with the next one.
 */
export function eachRecord(records: KafkaRecord[], fn: (record: KafkaRecord) => void, skip?: (error: RecordError) => void): void {
  for (const record of records) {
    try {
      fn(record);
    } catch (error) {
      const failure = error instanceof RecordError ? error : new RecordError(record, error instanceof Error ? error.message : String(error), { cause: error });
      if (!skip) throw failure;
      skip(failure);
    }
  }
}

/** Parses a record's value as JSON, with an error message fit for a dead-letter row. */
export function jsonValue(record: KafkaRecord): unknown {
  if (record.value === null) throw new RecordError(record, "value is null, expected JSON");
  try {
    return JSON.parse(record.value.toString("utf8"));
  } catch (error) {
    throw new RecordError(record, `value is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
