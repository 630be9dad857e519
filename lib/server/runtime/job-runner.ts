import type { Clock, KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import { nextRecordCap } from "@/lib/domain/backpressure";
import { resolveOutOfRange } from "@/lib/domain/out-of-range";
import { planOffsetRanges, unreadableRanges } from "@/lib/domain/plan-offset-ranges";
import { MAX_OUTAGE_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, retryDelayMs } from "@/lib/domain/retry-delay";
import type { KafkaRecord, OffsetRange } from "@/lib/domain/types";
import { RecordError, type BatchFold, type Processor, type RecordSink } from "../processors/processor";
import { getProcessor } from "../processors/registry";
import { recordAudit } from "../audit/audit-log";
import { abandonBatch, BatchClosedError, completeBatch, failBatch, findUnfinishedBatch, insertPlannedBatch, startBatchAttempt, type FailedRecord } from "../stores/batch-store";
import { insertDeadLetters, type DeadLetterInput } from "../stores/dead-letter-store";
import { addRecordsProcessed, setStatus, type JobRecord } from "../stores/job-store";
import { advanceOffsets, assertOffsetsUnchanged, OffsetsMovedError, readOffsets, writeOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { sqliteConnection } from "../db/client";
import { kafkaErrorKind } from "../kafka/kafka-error-kind";
import { nextBatchTime } from "./batch-schedule";
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

/** An error the job cannot get past by retrying: the job stops as `failed`. */
export class FatalJobError extends Error {}

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
 * Runs one job as micro-batches. Each batch: plan a fixed range per owned partition, record the
 * plan, read exactly those records, then commit the processor's writes, the new offsets and the
 * batch row in one transaction.
 */
export class JobRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly processor: Processor<unknown>;
  private readonly config: unknown;
  /** The per-partition cap of the next batch: maxRecordsPerPartition, or less under backpressure. */
  private recordCap: number | null;

  constructor(
    readonly job: JobRecord,
    private readonly deps: JobRunnerDeps,
  ) {
    this.processor = getProcessor(job.processor);
    this.config = this.processor.configSchema.parse(job.processorConfig);
    this.recordCap = job.maxRecordsPerPartition;
  }

  /** Starts the batch loop; the promise settles when the loop ends (stopped or failed). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  /**
   * Stops planning and aborts reading. A batch already inside its commit transaction completes it;
   * an uncommitted one is re-run from its plan later.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private async run(): Promise<void> {
    const { clock, db } = this.deps;
    const id = this.job.id;
    let batchTime = clock.now();
    let attempts = 0;
    let kafkaFailures = 0;
    let degraded = false;
    await setStatus(db, id, "running");
    while (!this.signal.aborted) {
      try {
        const outcome = await this.runBatch(batchTime);
        if (degraded) await setStatus(db, id, "running");
        degraded = false;
        attempts = 0;
        kafkaFailures = 0;
        if (this.job.backpressure && outcome.processingTimeMs !== undefined) {
          this.recordCap = nextRecordCap({
            configuredCap: this.job.maxRecordsPerPartition,
            currentCap: this.recordCap,
            lastMaxPartitionRecords: outcome.maxPartitionRecords ?? 0,
            processingTimeMs: outcome.processingTimeMs,
            intervalMs: this.job.batchIntervalMs,
          });
        }
      } catch (error) {
        if (this.signal.aborted) break;
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof FatalJobError) {
          await setStatus(db, id, "failed", message);
          return;
        }
        const kafka = kafkaErrorKind(error);
        if (kafka !== null) {
          // Whatever Kafka said, a source topic that is gone explains it.
          const gone = await this.missingTopics();
          if (gone.length > 0) {
            await setStatus(db, id, "failed", `TOPIC_DELETED: topic ${gone.map((t) => `'${t}'`).join(", ")} no longer exists; the job cannot read it`);
            return;
          }
        }
        if (kafka === "outage") {
          kafkaFailures += 1;
          degraded = true;
          await setStatus(db, id, "waiting", `waiting for Kafka: ${message}`);
          await clock.sleep(retryDelayMs(kafkaFailures, this.job.retryBackoffMs, MAX_OUTAGE_RETRY_DELAY_MS), this.signal);
          continue;
        }
        // Anything else, Kafka's refusals included (a missing target topic, a record too large), is a failed attempt.
        attempts += 1;
        if (attempts >= this.job.maxAttempts) {
          await setStatus(db, id, "failed", `failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${message}`);
          return;
        }
        degraded = true;
        await setStatus(db, id, "running", `retrying (attempt ${attempts + 1} of ${this.job.maxAttempts}) after: ${message}`);
        await clock.sleep(retryDelayMs(attempts, this.job.retryBackoffMs, MAX_RETRY_DELAY_MS), this.signal);
        continue;
      }
      const now = clock.now();
      batchTime = nextBatchTime(batchTime, this.job.batchIntervalMs, now);
      await clock.sleep(Math.max(0, batchTime - now), this.signal);
    }
    await setStatus(db, id, "stopped");
  }

  /** One micro-batch: resumes an unfinished batch's plan, or plans a new one. */
  async runBatch(batchTimeMs: number): Promise<BatchOutcome> {
    const release = await this.deps.slots?.acquire(this.signal);
    try {
      return await this.runBatchInSlot(batchTimeMs);
    } finally {
      release?.();
    }
  }

  private async runBatchInSlot(batchTimeMs: number, replanned = false): Promise<BatchOutcome> {
    const { db } = this.deps;
    const unfinished = await findUnfinishedBatch(db, this.job.id);
    if (unfinished) {
      const stale = await this.staleRanges(unfinished.ranges);
      if (stale.length === 0) return this.executeOrReplan(unfinished.id, unfinished.batchTime, unfinished.ranges, batchTimeMs, replanned);
      // Retention deleted part of the plan (or the job reads other topics now): it can never be read
      // as planned. Drop it and plan anew from the stored offsets, where onOutOfRange applies.
      await abandonBatch(db, unfinished.id);
      console.warn(`[tidemark] job ${this.job.name}: batch ${unfinished.id} abandoned, its plan is no longer in the log (${stale.map((r) => `${r.topic}/${r.partition} [${r.fromOffset}, ${r.untilOffset})`).join("; ")})`);
    }

    const ranges = await this.plan();
    if (!ranges) return { batchId: null, records: 0 };
    const batchTime = new Date(batchTimeMs);
    const batchId = await insertPlannedBatch(db, this.job.id, batchTime, ranges, this.recordCap);
    return this.executeOrReplan(batchId, batchTime, ranges, batchTimeMs, replanned);
  }

  /**
   * Runs a planned batch. A plan that turns out stale is abandoned and planned anew once, without
   * counting as a failed attempt: a second runtime committed the batch or these ranges (its offsets
   * moved), or the log lost the range's start between the check and the fetch.
   */
  private async executeOrReplan(batchId: number, batchTime: Date, ranges: OffsetRange[], batchTimeMs: number, replanned: boolean): Promise<BatchOutcome> {
    try {
      return await this.execute(batchId, batchTime, ranges);
    } catch (error) {
      const stale = error instanceof OffsetsMovedError || error instanceof BatchClosedError || kafkaErrorKind(error) === "offset-out-of-range";
      if (!stale || replanned || this.signal.aborted) throw error;
      await abandonBatch(this.deps.db, batchId);
      console.warn(`[tidemark] job ${this.job.name}: batch ${batchId} cannot commit as planned, planning anew (${error instanceof Error ? error.message : String(error)})`);
      return this.runBatchInSlot(batchTimeMs, true);
    }
  }

  /** The ranges of a recorded plan that cannot be read as planned any more. */
  private async staleRanges(ranges: OffsetRange[]): Promise<OffsetRange[]> {
    const topics = new Set(this.job.topics);
    const elsewhere = ranges.filter((r) => !topics.has(r.topic));
    if (elsewhere.length > 0) return elsewhere;
    return unreadableRanges(ranges, await this.deps.log.logOffsets(this.job.topics));
  }

  /** Plans the next ranges; null when there is nothing to read. Applies the out-of-range policy first. */
  private async plan(resetsDone = false): Promise<OffsetRange[] | null> {
    const { db } = this.deps;
    const owned = await this.deps.ownership.owned();
    const log = await this.deps.log.logOffsets(this.job.topics);
    const plan = planOffsetRanges({
      owned,
      stored: await readOffsets(db, this.job.id),
      log,
      startingOffsets: this.job.startingOffsets,
      maxRecordsPerPartition: this.recordCap,
    });

    const resets = resolveOutOfRange(plan, log, this.job.onOutOfRange);
    if (resets === null) {
      const gone = plan.skipped[0];
      const beyond = plan.outOfRange[0];
      throw new FatalJobError(
        gone
          ? `OFFSET_OUT_OF_RANGE: ${gone.topic}/${gone.partition} is at offset ${gone.storedOffset} but the log now starts at ${gone.logStartOffset} (retention deleted ${gone.logStartOffset - gone.storedOffset} unread records); set onOutOfRange or reset the job's offsets`
          : `OFFSET_OUT_OF_RANGE: stored offset ${beyond.storedOffset} of ${beyond.topic}/${beyond.partition} is beyond the log end ${beyond.logEndOffset}; set onOutOfRange or reset the job's offsets`,
      );
    }
    if (resets.length > 0) {
      if (resetsDone) throw new Error("offsets still out of range after an automatic reset");
      // The only other way offsets move: an automatic reset, audited in the same transaction.
      await db.$transaction(async (tx) => {
        await writeOffsets(tx, this.job.id, resets.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.toOffset })));
        for (const r of resets) {
          await recordAudit(tx, {
            actor: "system",
            action: "offsets.auto-reset",
            targetType: "job",
            targetId: this.job.id,
            details: { job: this.job.name, policy: this.job.onOutOfRange, ...r },
          });
        }
      });
      console.warn(`[tidemark] job ${this.job.name}: offsets out of range, reset to ${this.job.onOutOfRange} (${resets.map((r) => `${r.topic}/${r.partition} ${r.fromOffset}→${r.toOffset}, ${r.recordsSkipped} skipped`).join("; ")})`);
      return this.plan(true);
    }

    if (plan.records === 0) {
      if (plan.newPartitions.length > 0) {
        // Remember where new partitions start, so records arriving before the next batch are not skipped.
        await db.$transaction((tx) => advanceOffsets(tx, this.job.id, plan.ranges));
      }
      return null;
    }
    return plan.ranges;
  }

  private async execute(batchId: number, batchTime: Date, ranges: OffsetRange[]): Promise<BatchOutcome> {
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

  /** Topics of the job the cluster no longer has; [] when Kafka cannot be asked. */
  private async missingTopics(): Promise<string[]> {
    try {
      const names = new Set(await this.deps.log.topicNames());
      return this.job.topics.filter((t) => !names.has(t));
    } catch {
      return [];
    }
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

