import type { Clock, KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import { checkRangesAsRead, cutRanges, rangeSpan, recordBytes, type BatchLimits } from "@/lib/domain/batch-limits";
import { mirrorGroupId } from "@/lib/domain/mirror-group";
import { partitionKey, type KafkaRecord, type OffsetRange } from "@/lib/domain/types";
import { RecordError, type BatchFold, type Processor, type RecordSink } from "../processors/processor";
import { completeBatch, failBatch, recordRangesAsRead, startBatchAttempt, type FailedRecord } from "../stores/batch-store";
import { insertDeadLetters, type DeadLetterInput } from "../stores/dead-letter-store";
import { addRecordsProcessed, type JobRecord } from "../stores/job-store";
import { advanceOffsets, assertOffsetsUnchanged } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { sqliteConnection } from "../db/client";
import type { BatchSlots } from "./batch-slots";
import { fencedWrite, LeaseLostError, UNFENCED, type Fence } from "../cluster/fence";
import { deadLetter, SkippedRecords } from "./skipped-records";

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
  /** Limits of a batch for jobs that set none (TIDEMARK_DEFAULT_*); default DEFAULT_BATCH_LIMITS. */
  batchDefaults?: BatchLimits;
  /** Proves the job's lease inside each write (cluster/fence.ts); default: unfenced. */
  fence?: Fence;
  /** During a backlog, fold the next batch while the previous one commits (ReadAhead); default true. */
  readAhead?: boolean;
}

export interface BatchOutcome {
  batchId: number | null;
  records: number;
  /** From the records being in to the end of the commit (deliver included) */
  commitMs?: number;
  processingTimeMs?: number;
  maxPartitionRecords?: number;
}

/** TIDEMARK_DEBUG_TIMING=1 logs each batch's read and commit times (profiling, npm run bench). */
const TIMING = process.env.TIDEMARK_DEBUG_TIMING === "1";

const noSink: RecordSink = {
  send: () => Promise.reject(new Error("no Kafka sink is configured in this runtime")),
};

/**
 * Runs one planned batch of a job: read its ranges (up to the byte budget), deliver (processors
 * with effects outside the database), then commit the processor's writes, dead letters, the new
 * offsets and the batch row in one transaction. A read cut short by the budget commits what it
 * read: the batch's ranges and the offsets end where reading stopped.
 */
export class BatchExecutor {
  constructor(
    private readonly job: JobRecord,
    private readonly processor: Processor<unknown>,
    private readonly config: unknown,
    private readonly deps: JobRunnerDeps,
    private readonly signal: AbortSignal,
    /** Key + value bytes a batch reads in all. */
    private readonly maxBatchBytes: number,
  ) {}

  /** Whether the processor's batches may be folded ahead: it has a fold it uses, and allows it. */
  get foldsAhead(): boolean {
    return !this.processor.deliver && this.processor.fold !== undefined && this.processor.readAhead === true;
  }

  /**
   * Reads `planned` into a fold for a batch not recorded yet (the next one, while this one commits),
   * when the processor allows it (`readAhead`). The fold learns the batch's id at `execute`. Null when
   * the processor has no such fold, or its fold refused a record (the batch then reads live).
   */
  async foldAhead(planned: OffsetRange[], signal: AbortSignal): Promise<FoldedAhead | null> {
    if (!this.foldsAhead || !this.processor.fold) return null;
    const startedAt = this.deps.clock.now();
    let batchId: number | null = null;
    const skips = new SkippedRecords(planned);
    const batch = {
      ...this.batchBase(),
      get batchId(): number {
        if (batchId === null) throw new Error("a fold read ahead is told its batch's id at commit: read batch.batchId in commit(), not before");
        return batchId;
      },
      skip: this.job.onError === "skip" ? skips.skip : undefined,
    };
    const fold = this.processor.fold(batch);
    try {
      const read = await this.read(planned, fold, signal);
      return { planned, fold, skips, read, startedAt, assignBatchId: (id) => void (batchId = id) };
    } catch (error) {
      if (error instanceof FoldError) return null;
      throw error;
    }
  }

  /**
   * `ahead`: the batch's records, already folded (foldAhead); default: read them now. `onRead`: called
   * once the batch's records are in, with the ranges as read, before the commit (the runner may then
   * fold the next batch ahead).
   */
  async execute(
    batchId: number,
    batchTime: Date,
    planned: OffsetRange[],
    { ahead, onRead }: { ahead?: FoldedAhead; onRead?: (asRead: OffsetRange[]) => void } = {},
  ): Promise<BatchOutcome> {
    const { db, clock } = this.deps;
    const startedAt = ahead?.startedAt ?? clock.now();
    const fence = this.deps.fence ?? UNFENCED;
    await fencedWrite(db, fence, (tx) => startBatchAttempt(tx, batchId));
    const skipping = this.job.onError === "skip";
    const batchBase = { ...this.batchBase(), batchId };
    // Aggregating processors fold records as they arrive: the batch is never held in memory.
    // One with a deliver phase needs the records themselves, so it gets no fold.
    let foldSkips: SkippedRecords;
    let fold: BatchFold | null;
    let read: BatchRead;
    if (ahead) {
      ahead.assignBatchId(batchId);
      ({ fold, read, skips: foldSkips } = ahead);
    } else {
      foldSkips = new SkippedRecords(planned);
      fold = this.processor.deliver ? null : (this.processor.fold?.({ ...batchBase, skip: skipping ? foldSkips.skip : undefined }) ?? null);
      try {
        read = await this.read(planned, fold);
      } catch (error) {
        if (!fold || !(error instanceof FoldError)) throw error;
        // A record the fold could not take: read the batch again and let process() and onError decide.
        fold = null;
        foldSkips = new SkippedRecords(planned);
        read = await this.read(planned, null);
      }
    }
    onRead?.(read.ranges);

    const readAt = clock.now();
    // Records whose RecordError was thrown (not skipped): the batch runs again without each.
    const thrown: DeadLetterInput[] = [];
    let input = read.records;
    let processingTimeMs = 0;
    for (;;) {
      // Skipped in this attempt (deliver, process): a failed attempt's are decided again by the next.
      const attemptSkips = new SkippedRecords(planned);
      const skip = skipping ? attemptSkips.skip : undefined;
      const ranges = read.ranges;
      try {
        // Effects outside the database (forward's send) run before the transaction opens: while it
        // is open, the runtime's connection serves no other job and SQLite's write lock holds off
        // the web server. Nothing in the transaction below may await network I/O.
        let records = input;
        if (this.processor.deliver) {
          await this.processor.deliver({ ...batchBase, records, skip });
          records = attemptSkips.without(records);
        }
        await db.$transaction(
          async (tx) => {
            // Write first: SQLite's deferred BEGIN then takes the write lock (waiting on busy_timeout)
            // instead of failing when a read snapshot must be upgraded under another writer. The fence
            // is such a write, and holds the lease row until the commit.
            await fence.check(tx);
            await tx.batch.update({ where: { id: batchId }, data: { status: "running" } });
            await assertOffsetsUnchanged(tx, this.job.id, ranges);
            const cut = cutRanges(planned, ranges);
            if (cut.length > 0) await recordRangesAsRead(tx, batchId, cut);
            if (fold) await fold.commit(tx);
            else await this.processor.process({ ...batchBase, records, skip }, tx);
            const deadLetters = [...foldSkips.letters, ...thrown, ...attemptSkips.letters];
            if (deadLetters.length > 0) await insertDeadLetters(tx, this.job.id, batchId, deadLetters);
            await advanceOffsets(tx, this.job.id, ranges);
            const finishedAt = clock.now();
            processingTimeMs = finishedAt - startedAt;
            await completeBatch(tx, batchId, {
              records: read.count,
              bytes: read.bytes,
              schedulingDelayMs: Math.max(0, startedAt - batchTime.getTime()),
              processingTimeMs,
              totalDelayMs: Math.max(0, finishedAt - batchTime.getTime()),
              leaseEpoch: fence.epoch,
            });
            await addRecordsProcessed(tx, this.job.id, read.count);
          },
          { timeout: 120_000, maxWait: 60_000 },
        );
        break;
      } catch (error) {
        if (fold && error instanceof RecordError) {
          // The fold's writes failed on a record: from here on, the batch goes through process().
          fold = null;
          foldSkips = new SkippedRecords(planned);
          read = await this.read(planned, null);
          input = read.records;
          thrown.length = 0;
          continue;
        }
        if (error instanceof RecordError && skipping && input.includes(error.record)) {
          // A processor that throws instead of skipping: dead-letter the record and run the batch
          // again without it, in a fresh transaction.
          thrown.push(deadLetter(error));
          input = input.filter((r) => r !== error.record);
          // SQLite answers without I/O: without a yield, a run of re-runs would starve timers, stops and other jobs.
          await new Promise((resolve) => setImmediate(resolve));
          // A stop ends the re-runs; the batch stays unfinished and runs again on the next start.
          this.signal.throwIfAborted();
          continue;
        }
        const at: FailedRecord | null =
          error instanceof RecordError ? { topic: error.record.topic, partition: error.record.partition, offset: error.record.offset } : null;
        const message = error instanceof Error ? error.message : String(error);
        const described = at ? `batch ${batchId}: ${at.topic}/${at.partition} offset ${at.offset}: ${message}` : `batch ${batchId}: ${message}`;
        if (!(error instanceof LeaseLostError)) await fencedWrite(db, fence, (tx) => failBatch(tx, batchId, message, at)).catch(() => {});
        if (error instanceof Error) error.message = described;
        throw error;
      }
    }

    const { ranges, count } = read;
    const commitMs = clock.now() - readAt;
    if (TIMING) console.log(`[tidemark] ${this.job.name} batch ${batchId}: ${count} records, read ${readAt - startedAt} ms, commit ${commitMs} ms${ahead ? " (read ahead)" : ""}`);
    // Not once the lease is known lost: a paused old owner must not move the group's offsets back after the new owner's.
    if (this.job.mirrorOffsetsToKafka && this.deps.mirror && !fence.lost) {
      this.deps.mirror.mirror(
        mirrorGroupId(this.job.name),
        ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset })),
      );
    }
    return { batchId, records: count, processingTimeMs, maxPartitionRecords: Math.max(0, ...read.perPartition.values()), commitMs };
  }

  /** Reads the batch's ranges, up to the byte budget, into a fold, or into memory when there is none. */
  private batchBase() {
    return { jobId: this.job.id, config: this.config, sink: this.deps.sink ?? noSink, sqlite: sqliteConnection(this.deps.db) ?? undefined };
  }

  private async read(planned: OffsetRange[], fold: BatchFold | null, signal = this.signal): Promise<BatchRead> {
    const out: BatchRead = { records: [], count: 0, bytes: 0, perPartition: new Map(), ranges: planned };
    const lastOffsets = new Map<string, number>();
    const asRead = await this.deps.log.readRanges(
      planned,
      (chunk) => {
        if (chunk.length === 0) return;
        let bytes = 0;
        for (const r of chunk) bytes += recordBytes(r);
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
        const key = partitionKey(chunk[0]);
        out.perPartition.set(key, (out.perPartition.get(key) ?? 0) + chunk.length);
        lastOffsets.set(key, chunk[chunk.length - 1].offset);
      },
      signal,
      { maxBytes: this.maxBatchBytes },
    );
    if (!Array.isArray(asRead)) throw new Error("the Kafka reader did not say which ranges it read");
    out.ranges = checkRangesAsRead(planned, asRead, lastOffsets);
    // The budget lets at least one record through: a batch that reads nothing would never move on.
    if (rangeSpan(out.ranges) === 0 && rangeSpan(planned) > 0) throw new Error("the Kafka reader read nothing of the batch's ranges");
    return out;
  }
}

/** A batch's records folded before the batch was recorded (BatchExecutor.foldAhead). */
export interface FoldedAhead {
  planned: OffsetRange[];
  fold: BatchFold;
  skips: SkippedRecords;
  read: BatchRead;
  /** When its read began: the batch's processing time counts from here */
  startedAt: number;
  /** Gives the fold its batch's id, once the batch is recorded */
  assignBatchId(batchId: number): void;
}

interface BatchRead {
  /** The records, unless a fold took them */
  records: KafkaRecord[];
  count: number;
  /** Key + value bytes of the records read */
  bytes: number;
  perPartition: Map<string, number>;
  /** The planned ranges, ends lowered where the byte budget cut them */
  ranges: OffsetRange[];
}

/** A fold's add() threw: the batch is read again without it. */
class FoldError extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
