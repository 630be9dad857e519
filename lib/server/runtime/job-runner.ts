import { nextRecordCap } from "@/lib/domain/backpressure";
import { decideAfterFailure, NO_FAILURES, type BatchFailure, type JobFailureCode } from "@/lib/domain/batch-failure";
import { DEFAULT_BATCH_LIMITS, effectiveBatchLimits, rangeSpan, type BatchLimits } from "@/lib/domain/batch-limits";
import { resolveOutOfRange } from "@/lib/domain/out-of-range";
import { planAhead, plannedAheadStillHolds, planOffsetRanges, unreadableRanges } from "@/lib/domain/plan-offset-ranges";
import type { OffsetRange } from "@/lib/domain/types";
import { getProcessor } from "../processors/registry";
import { recordAudit } from "../audit/audit-log";
import { abandonBatch, BatchClosedError, findUnfinishedBatch, insertPlannedBatch } from "../stores/batch-store";
import { markRunningUnlessFailed, setFailed, setStatus, type JobRecord } from "../stores/job-store";
import { advanceOffsets, OffsetsMovedError, readOffsets, writeOffsets } from "../stores/offset-store";
import { kafkaErrorKind } from "../kafka/kafka-error-kind";
import { BatchExecutor, type BatchOutcome, type FoldedAhead, type JobRunnerDeps } from "./batch-executor";
import { fencedWrite, LeaseLostError, UNFENCED } from "../cluster/fence";
import type { Db, Tx } from "../stores/tx";
import { nextBatchTime } from "./batch-schedule";
import { ReadAhead } from "./batch-read-ahead";

export type { BatchOutcome, JobRunnerDeps, OffsetMirror } from "./batch-executor";

/** An error the job cannot get past by retrying: the job stops as `failed` with `code`. */
export class FatalJobError extends Error {
  constructor(
    readonly code: JobFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one job as micro-batches. Each batch: plan a fixed range per owned partition, record the
 * plan, read exactly those records, then commit the processor's writes, the new offsets and the
 * batch row in one transaction.
 */
export class JobRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** The job's limits, or the server's defaults where it sets none. */
  private readonly limits: BatchLimits;
  /** The per-partition cap of the next batch: the limit, or less under backpressure. */
  private recordCap: number;
  private readonly executor: BatchExecutor;
  /** The next batch, being folded while this one commits (a backlog only). */
  private ahead: ReadAhead | null = null;
  /** How long the last batch's commit took: the next batch is read ahead if it will be due by then. */
  private lastCommitMs = 0;

  constructor(
    readonly job: JobRecord,
    private readonly deps: JobRunnerDeps,
  ) {
    const processor = getProcessor(job.processor);
    this.limits = effectiveBatchLimits(job, deps.batchDefaults ?? DEFAULT_BATCH_LIMITS);
    this.recordCap = this.limits.maxRecordsPerPartition;
    this.executor = new BatchExecutor(job, processor, processor.configSchema.parse(job.processorConfig), deps, this.abort.signal, this.limits.maxBatchBytes);
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

  /** A write that counts only while the job's lease is this runner's (cluster/fence.ts). */
  private write<T>(write: (tx: Db | Tx) => Promise<T>): Promise<T> {
    return fencedWrite(this.deps.db, this.deps.fence ?? UNFENCED, write);
  }

  private async run(): Promise<void> {
    try {
      await this.runLoop();
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      // Another instance owns the job now: this runner writes nothing more, not even its status.
      console.warn(`[tidemark] job ${this.job.name}: write refused, ${error.message}; this runner stops`);
      this.abort.abort();
    } finally {
      this.dropReadAhead();
    }
  }

  private async runLoop(): Promise<void> {
    const { clock } = this.deps;
    const id = this.job.id;
    let batchTime = clock.now();
    let streak = NO_FAILURES;
    let degraded = false;
    // Failed since the coordinator read the job list: not this runner's to run (nor to mark stopped).
    if (!(await this.write((tx) => markRunningUnlessFailed(tx, id)))) return;
    while (!this.signal.aborted) {
      try {
        const outcome = await this.runBatch(batchTime);
        if (degraded) await this.write((tx) => setStatus(tx, id, "running"));
        degraded = false;
        streak = NO_FAILURES;
        if (this.job.backpressure && outcome.processingTimeMs !== undefined) {
          const configuredCap = this.limits.maxRecordsPerPartition;
          this.recordCap =
            nextRecordCap({
              configuredCap,
              currentCap: this.recordCap,
              lastMaxPartitionRecords: outcome.maxPartitionRecords ?? 0,
              processingTimeMs: outcome.processingTimeMs,
              intervalMs: this.job.batchIntervalMs,
            }) ?? configuredCap;
        }
      } catch (error) {
        this.dropReadAhead();
        if (this.signal.aborted || error instanceof LeaseLostError) {
          if (error instanceof LeaseLostError) throw error;
          break;
        }
        const decision = decideAfterFailure(await this.classify(error), streak, this.job);
        if (decision.action === "fail") {
          await this.write((tx) => setFailed(tx, id, decision.code, decision.message));
          return;
        }
        degraded = true;
        streak = decision.streak;
        await this.write((tx) => setStatus(tx, id, decision.action === "wait" ? "waiting" : "running", decision.message));
        await clock.sleep(decision.delayMs, this.signal);
        continue;
      }
      const now = clock.now();
      batchTime = nextBatchTime(batchTime, this.job.batchIntervalMs, now);
      await clock.sleep(Math.max(0, batchTime - now), this.signal);
    }
    await this.write((tx) => setStatus(tx, id, "stopped"));
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
    if (unfinished || replanned) this.dropReadAhead();
    if (unfinished) {
      const stale = await this.staleRanges(unfinished.ranges);
      if (stale.length === 0) return this.executeOrReplan(unfinished.id, unfinished.batchTime, unfinished.ranges, batchTimeMs, replanned);
      // Retention deleted part of the plan (or the job reads other topics now): it can never be read
      // as planned. Drop it and plan anew from the stored offsets, where onOutOfRange applies.
      await this.write((tx) => abandonBatch(tx, unfinished.id));
      console.warn(`[tidemark] job ${this.job.name}: batch ${unfinished.id} abandoned, its plan is no longer in the log (${stale.map((r) => `${r.topic}/${r.partition} [${r.fromOffset}, ${r.untilOffset})`).join("; ")})`);
    }

    const ahead = await this.takeReadAhead();
    const ranges = ahead?.planned ?? (await this.plan());
    if (!ranges) return { batchId: null, records: 0 };
    const batchTime = new Date(batchTimeMs);
    const batchId = await this.write((tx) => insertPlannedBatch(tx, this.job.id, batchTime, ranges, this.recordCap));
    return this.executeOrReplan(batchId, batchTime, ranges, batchTimeMs, replanned, ahead);
  }

  /**
   * Once this batch's records are in, and while it commits: plan the next batch as it will be after
   * the commit (planAhead) and start folding it. Only for processors that allow it (`readAhead`), only
   * during a backlog, when the next batch will be due by the time this one has committed, and when a
   * batch slot is free; not under backpressure, which sizes each batch after the previous one's outcome.
   * At lag 0 nothing is read ahead: the next batch is planned at its time, with everything that arrived
   * until then.
   */
  private readNextAhead(planned: OffsetRange[], asRead: OffsetRange[], batchTimeMs: number): void {
    if (this.deps.readAhead === false || !this.executor.foldsAhead || this.job.backpressure || this.signal.aborted || this.ahead) return;
    const now = this.deps.clock.now();
    if (nextBatchTime(batchTimeMs, this.job.batchIntervalMs, now) - now > this.lastCommitMs) return;
    const release = this.deps.slots ? this.deps.slots.tryAcquire() : () => {};
    if (!release) return;
    const planNext = async () =>
      planAhead({
        owned: await this.deps.ownership.owned(),
        asRead,
        cutByBudget: rangeSpan(asRead) < rangeSpan(planned),
        log: await this.deps.log.logOffsets(this.job.topics),
        startingOffsets: this.job.startingOffsets,
        maxRecordsPerPartition: this.recordCap,
      });
    this.ahead = new ReadAhead(planNext, (planned, signal) => this.executor.foldAhead(planned, signal), this.signal, release);
  }

  /** The batch read ahead, if its plan still starts at the committed offsets of the partitions owned now. */
  private async takeReadAhead(): Promise<FoldedAhead | undefined> {
    const ahead = this.ahead;
    this.ahead = null;
    const result = await ahead?.take();
    if (!result) return undefined;
    const owned = await this.deps.ownership.owned();
    return plannedAheadStillHolds(result.planned, owned, await readOffsets(this.deps.db, this.job.id)) ? result : undefined;
  }

  private dropReadAhead(): void {
    this.ahead?.drop();
    this.ahead = null;
  }

  /**
   * Runs a planned batch. A plan that turns out stale is abandoned and planned anew once, without
   * counting as a failed attempt: a second runtime committed the batch or these ranges (its offsets
   * moved), or the log lost the range's start between the check and the fetch.
   */
  private async executeOrReplan(
    batchId: number,
    batchTime: Date,
    ranges: OffsetRange[],
    batchTimeMs: number,
    replanned: boolean,
    ahead?: FoldedAhead,
  ): Promise<BatchOutcome> {
    try {
      const outcome = await this.executor.execute(batchId, batchTime, ranges, { ahead, onRead: (asRead) => this.readNextAhead(ranges, asRead, batchTimeMs) });
      this.lastCommitMs = outcome.commitMs ?? 0;
      return outcome;
    } catch (error) {
      const stale = error instanceof OffsetsMovedError || error instanceof BatchClosedError || kafkaErrorKind(error) === "offset-out-of-range";
      if (!stale || replanned || this.signal.aborted) throw error;
      await this.write((tx) => abandonBatch(tx, batchId));
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
        "OFFSET_OUT_OF_RANGE",
        gone
          ? `${gone.topic}/${gone.partition} is at offset ${gone.storedOffset} but the log now starts at ${gone.logStartOffset} (retention deleted ${gone.logStartOffset - gone.storedOffset} unread records); set onOutOfRange or reset the job's offsets`
          : `stored offset ${beyond.storedOffset} of ${beyond.topic}/${beyond.partition} is beyond the log end ${beyond.logEndOffset}; set onOutOfRange or reset the job's offsets`,
      );
    }
    if (resets.length > 0) {
      if (resetsDone) throw new Error("offsets still out of range after an automatic reset");
      // The only other way offsets move: an automatic reset, audited in the same transaction.
      await db.$transaction(async (tx) => {
        await (this.deps.fence ?? UNFENCED).check(tx);
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
        await db.$transaction(async (tx) => {
          await (this.deps.fence ?? UNFENCED).check(tx);
          await advanceOffsets(tx, this.job.id, plan.ranges);
        });
      }
      return null;
    }
    return plan.ranges;
  }

  /** What a batch's error means for the job; Kafka is asked whether a source topic is gone. */
  private async classify(error: unknown): Promise<BatchFailure> {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof FatalJobError) return { kind: "fatal", code: error.code, message };
    const kafka = kafkaErrorKind(error);
    if (kafka !== null) {
      // Whatever Kafka said, a source topic that is gone explains it.
      const gone = await this.missingTopics();
      if (gone.length > 0) return { kind: "topics-deleted", topics: gone };
    }
    // Kafka's refusals (a missing target topic, a record too large) are failed attempts like any other error.
    return kafka === "outage" ? { kind: "kafka-outage", message } : { kind: "attempt-failed", message };
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

