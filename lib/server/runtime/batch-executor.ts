import type { Clock, KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import type { KafkaRecord, OffsetRange } from "@/lib/domain/types";
import { RecordError, type BatchFold, type Processor, type RecordSink } from "../processors/processor";
import { completeBatch, failBatch, startBatchAttempt, type FailedRecord } from "../stores/batch-store";
import { insertDeadLetters, type DeadLetterInput } from "../stores/dead-letter-store";
import { addRecordsProcessed, type JobRecord } from "../stores/job-store";
import { advanceOffsets, assertOffsetsUnchanged } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { sqliteConnection } from "../db/client";
import type { BatchSlots } from "./batch-slots";

/** Best-effort copy of committed offsets to a Kafka consumer group (see KafkaOffsetMirror). */
export interface OffsetMirror {
  mirror(groupId: string, offsets: { topic: string; partition: number; offset: number }[]): void;
}

export interface JobRunnerDeps {
  db: Db;
  log: KafkaLog;
  ownership: PartitionOwnership;
  clock: Clock;
  /** Where `forward` writes; a sink that refuses when none is wired. */
  sink?: RecordSink;
  mirror?: OffsetMirror;
  /** Shared by every job of the runtime: bounds the batches in memory at once. */
  slots?: BatchSlots;
}

export interface BatchOutcome {
  batchId: number | null;
  records: number;
  processingTimeMs?: number;
  maxPartitionRecords?: number;
}

/** TIDEMARK_DEBUG_TIMING=1 logs each batch's read and commit times (profiling, npm run bench). */
const TIMING = process.env.TIDEMARK_DEBUG_TIMING === "1";

const noSink: RecordSink = {
  send: () => Promise.reject(new Error("no Kafka sink is configured in this runtime")),
};

/**
 * Runs one planned batch of a job: read exactly its ranges, deliver (processors with effects outside
 * the database), then commit the processor's writes, dead letters, the new offsets and the batch
 * row in one transaction.
 */
export class BatchExecutor {
  constructor(
    private readonly job: JobRecord,
    private readonly processor: Processor<unknown>,
    private readonly config: unknown,
    private readonly deps: JobRunnerDeps,
    private readonly signal: AbortSignal,
  ) {}

  async execute(batchId: number, batchTime: Date, ranges: OffsetRange[]): Promise<BatchOutcome> {
    const { db, clock } = this.deps;
    const startedAt = clock.now();
    await startBatchAttempt(db, batchId);
    const batchBase = { jobId: this.job.id, batchId, config: this.config, sink: this.deps.sink ?? noSink, sqlite: sqliteConnection(db) ?? undefined };
    // Aggregating processors fold records as they arrive: the batch is never held in memory.
    // One with a deliver phase needs the records themselves, so it gets no fold.
    let fold: BatchFold | null = this.processor.deliver ? null : (this.processor.fold?.(batchBase) ?? null);
    let read: BatchRead;
    try {
      read = await this.read(ranges, fold);
    } catch (error) {
      if (!fold || !(error instanceof FoldError)) throw error;
      // A record the fold could not take: read the batch again and let process() and onError decide.
      fold = null;
      read = await this.read(ranges, null);
    }
    const { records, count, bytes, perPartition } = read;

    const readAt = clock.now();
    const deadLetters: DeadLetterInput[] = [];
    let input = records;
    let processingTimeMs = 0;
    for (;;) {
      try {
        // Effects outside the database (forward's send) run before the transaction opens: while it
        // is open, the runtime's connection serves no other job and SQLite's write lock holds off
        // the web server. Nothing in the transaction below may await network I/O.
        if (this.processor.deliver) await this.processor.deliver({ ...batchBase, records: input });
        await db.$transaction(
          async (tx) => {
            // Write first: SQLite's deferred BEGIN then takes the write lock (waiting on busy_timeout)
            // instead of failing when a read snapshot must be upgraded under another writer.
            await tx.batch.update({ where: { id: batchId }, data: { status: "running" } });
            await assertOffsetsUnchanged(tx, this.job.id, ranges);
            if (fold) await fold.commit(tx);
            else await this.processor.process({ ...batchBase, records: input }, tx);
            if (deadLetters.length > 0) await insertDeadLetters(tx, this.job.id, batchId, deadLetters);
            await advanceOffsets(tx, this.job.id, ranges);
            const finishedAt = clock.now();
            processingTimeMs = finishedAt - startedAt;
            await completeBatch(tx, batchId, {
              records: count,
              bytes,
              schedulingDelayMs: Math.max(0, startedAt - batchTime.getTime()),
              processingTimeMs,
              totalDelayMs: Math.max(0, finishedAt - batchTime.getTime()),
            });
            await addRecordsProcessed(tx, this.job.id, count);
          },
          { timeout: 120_000, maxWait: 60_000 },
        );
        break;
      } catch (error) {
        if (fold && error instanceof RecordError) {
          // The fold's writes failed on a record: from here on, the batch goes through process().
          fold = null;
          input = (await this.read(ranges, null)).records;
          continue;
        }
        if (error instanceof RecordError && this.job.onError === "skip" && input.includes(error.record)) {
          // Dead-letter the record and run the batch again without it, in a fresh transaction.
          deadLetters.push({ record: error.record, error: error.message });
          input = input.filter((r) => r !== error.record);
          continue;
        }
        const at: FailedRecord | null =
          error instanceof RecordError ? { topic: error.record.topic, partition: error.record.partition, offset: error.record.offset } : null;
        const message = error instanceof Error ? error.message : String(error);
        const described = at ? `batch ${batchId}: ${at.topic}/${at.partition} offset ${at.offset}: ${message}` : `batch ${batchId}: ${message}`;
        await failBatch(db, batchId, message, at).catch(() => {});
        if (error instanceof Error) error.message = described;
        throw error;
      }
    }

    if (TIMING) console.log(`[tidemark] ${this.job.name} batch ${batchId}: ${count} records, read ${readAt - startedAt} ms, commit ${clock.now() - readAt} ms`);
    if (this.job.mirrorOffsetsToKafka && this.deps.mirror) {
      this.deps.mirror.mirror(
        `tidemark.${this.job.name}`,
        ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset })),
      );
    }
    return { batchId, records: count, processingTimeMs, maxPartitionRecords: Math.max(0, ...perPartition.values()) };
  }

  /** Reads the batch's ranges into a fold, or into memory when there is none. */
  private async read(ranges: OffsetRange[], fold: BatchFold | null): Promise<BatchRead> {
    const out: BatchRead = { records: [], count: 0, bytes: 0, perPartition: new Map() };
    await this.deps.log.readRanges(
      ranges,
      (chunk) => {
        let bytes = 0;
        for (const r of chunk) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        if (fold) {
          try {
            fold.add(chunk);
          } catch (error) {
            throw new FoldError(error);
          }
        } else {
          for (const r of chunk) out.records.push(r);
        }
        out.count += chunk.length;
        out.bytes += bytes;
        const key = `${chunk[0].topic}:${chunk[0].partition}`;
        out.perPartition.set(key, (out.perPartition.get(key) ?? 0) + chunk.length);
      },
      this.signal,
    );
    return out;
  }
}

interface BatchRead {
  /** The records, unless a fold took them */
  records: KafkaRecord[];
  count: number;
  bytes: number;
  perPartition: Map<string, number>;
}

/** A fold's add() threw: the batch is read again without it. */
class FoldError extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

