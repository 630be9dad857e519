import type { Clock, KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import { planOffsetRanges } from "@/lib/domain/plan-offset-ranges";
import type { KafkaRecord, OffsetRange } from "@/lib/domain/types";
import { getProcessor } from "../processors/registry";
import { completeBatch, findUnfinishedBatch, insertPlannedBatch, markBatch } from "../stores/batch-store";
import { addRecordsProcessed, setStatus, type JobRecord } from "../stores/job-store";
import { advanceOffsets, assertOffsetsUnchanged, readOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { nextBatchTime } from "./batch-schedule";

export interface JobRunnerDeps {
  db: Db;
  log: KafkaLog;
  ownership: PartitionOwnership;
  clock: Clock;
  /** Attempts for a failing batch before the job goes `failed`. */
  maxAttempts?: number;
}

/** An error the job cannot get past by retrying: the job stops as `failed`. */
export class FatalJobError extends Error {}

export interface BatchOutcome {
  batchId: number | null;
  records: number;
}

/**
 * Runs one job as micro-batches. Each batch: plan a fixed range per owned partition, record the
 * plan, read exactly those records, then commit the processor's writes, the new offsets and the
 * batch row in one transaction.
 */
export class JobRunner {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly processor;
  private readonly config: unknown;

  constructor(
    readonly job: JobRecord,
    private readonly deps: JobRunnerDeps,
  ) {
    this.processor = getProcessor(job.processor);
    this.config = this.processor.configSchema.parse(job.processorConfig);
  }

  /** Starts the batch loop; the promise settles when the loop ends (stopped or failed). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  /** Stops after aborting any batch in flight: an uncommitted batch is re-run from its plan later. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private async run(): Promise<void> {
    const { clock, db } = this.deps;
    const maxAttempts = this.deps.maxAttempts ?? 5;
    let batchTime = clock.now();
    let failures = 0;
    await setStatus(db, this.job.id, "running");
    while (!this.signal.aborted) {
      try {
        await this.runBatch(batchTime);
        if (failures > 0) await setStatus(db, this.job.id, "running");
        failures = 0;
      } catch (error) {
        if (this.signal.aborted) break;
        failures += 1;
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof FatalJobError || failures >= maxAttempts) {
          await setStatus(db, this.job.id, "failed", message);
          return;
        }
        const waitingForKafka = isKafkaError(error);
        await setStatus(db, this.job.id, waitingForKafka ? "waiting" : "running", waitingForKafka ? `waiting for Kafka: ${message}` : `retrying after: ${message}`);
        await clock.sleep(Math.min(30_000, 250 * 2 ** failures), this.signal);
        continue;
      }
      const now = clock.now();
      batchTime = nextBatchTime(batchTime, this.job.batchIntervalMs, now);
      await clock.sleep(Math.max(0, batchTime - now), this.signal);
    }
    await setStatus(db, this.job.id, "stopped");
  }

  /** One micro-batch: resumes an unfinished batch's plan, or plans a new one. */
  async runBatch(batchTimeMs: number): Promise<BatchOutcome> {
    const { db, clock } = this.deps;
    const unfinished = await findUnfinishedBatch(db, this.job.id);
    let batchId: number;
    let ranges: OffsetRange[];
    let batchTime = new Date(batchTimeMs);

    if (unfinished) {
      ({ id: batchId, ranges } = unfinished);
      batchTime = unfinished.batchTime;
    } else {
      const plan = planOffsetRanges({
        owned: await this.deps.ownership.owned(),
        stored: await readOffsets(db, this.job.id),
        log: await this.deps.log.logOffsets(this.job.topics),
        startingOffsets: this.job.startingOffsets,
        maxRecordsPerPartition: this.job.maxRecordsPerPartition,
      });
      if (plan.outOfRange.length > 0) {
        const p = plan.outOfRange[0];
        throw new FatalJobError(
          `OFFSET_OUT_OF_RANGE: stored offset ${p.storedOffset} of ${p.topic}/${p.partition} is beyond the log end ${p.logEndOffset}; reset the job's offsets`,
        );
      }
      if (plan.records === 0) {
        if (plan.newPartitions.length > 0) {
          // Remember where new partitions start, so records arriving before the next batch are not skipped.
          await db.$transaction((tx) => advanceOffsets(tx, this.job.id, plan.ranges));
        }
        return { batchId: null, records: 0 };
      }
      ranges = plan.ranges;
      batchId = await insertPlannedBatch(db, this.job.id, batchTime, ranges);
    }

    const startedAt = clock.now();
    const records: KafkaRecord[] = [];
    let bytes = 0;
    try {
      await this.deps.log.readRanges(
        ranges,
        (chunk) => {
          for (const r of chunk) {
            records.push(r);
            bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
          }
        },
        this.signal,
      );
      await db.$transaction(
        async (tx) => {
          // Write first: SQLite's deferred BEGIN then takes the write lock (waiting on busy_timeout)
          // instead of failing when a read snapshot must be upgraded under another writer.
          await tx.batch.update({ where: { id: batchId }, data: { status: "running" } });
          await assertOffsetsUnchanged(tx, this.job.id, ranges);
          await this.processor.process({ jobId: this.job.id, batchId, records, config: this.config }, tx);
          await advanceOffsets(tx, this.job.id, ranges);
          const finishedAt = clock.now();
          await completeBatch(tx, batchId, {
            records: records.length,
            bytes,
            schedulingDelayMs: Math.max(0, startedAt - batchTime.getTime()),
            processingTimeMs: finishedAt - startedAt,
            totalDelayMs: Math.max(0, finishedAt - batchTime.getTime()),
          });
          await addRecordsProcessed(tx, this.job.id, records.length);
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
    } catch (error) {
      if (!this.signal.aborted) {
        await markBatch(db, batchId, "failed", error instanceof Error ? error.message : String(error)).catch(() => {});
      }
      throw error;
    }
    return { batchId, records: records.length };
  }
}

function isKafkaError(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? "";
  return name.startsWith("KafkaJS");
}
