import type { BatchLimits } from "@/lib/domain/batch-limits";
import type { Clock, KafkaLog, PartitionOwnership } from "@/lib/domain/ports";
import { hasRunner } from "@/lib/domain/statuses";
import { listJobs, markStoppedUnlessWanted, setFailed, type JobRecord } from "../stores/job-store";
import type { JobLeases } from "../cluster/job-leases";
import { fencedWrite, UNFENCED, type Fence } from "../cluster/fence";
import type { Db } from "../stores/tx";
import type { RecordSink } from "../processors/processor";
import type { BatchSlots } from "./batch-slots";
import { JobRunner, type OffsetMirror } from "./job-runner";

export interface CoordinatorDeps {
  db: Db;
  log: KafkaLog;
  clock: Clock;
  ownershipFor(job: JobRecord): PartitionOwnership;
  reconcileIntervalMs: number;
  sink?: RecordSink;
  mirror?: OffsetMirror;
  slots?: BatchSlots;
  /** Limits of a batch for jobs that set none (TIDEMARK_DEFAULT_*). */
  batchDefaults?: BatchLimits;
  /** Fold the next batch while one commits, during a backlog (TIDEMARK_READ_AHEAD); default true. */
  readAhead?: boolean;
  /** Which jobs this instance runs (cluster/job-leases.ts); unset: all of them, unfenced. */
  leases?: JobLeases;
}

interface Running {
  runner: JobRunner;
  ownership: PartitionOwnership;
  finished: boolean;
  done: Promise<void>;
}

/**
 * Makes running jobs match what users asked for. The web layer never holds a runner: it writes a
 * job's desired state to the database and the coordinator reconciles towards it.
 */
export class JobCoordinator {
  private readonly running = new Map<string, Running>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(private readonly deps: CoordinatorDeps) {}

  async start(): Promise<void> {
    await this.deps.leases?.start();
    await this.reconcile();
    this.loop = this.reconcileForever();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await Promise.all([...this.running.keys()].map((id) => this.stopRunner(id)));
    await this.deps.leases?.stop();
  }

  /** A renewal found the job's lease gone: its runner stops at once (its writes are refused anyway). */
  leaseLost(jobId: string): void {
    void this.stopRunner(jobId);
  }

  runnerFor(jobId: string): JobRunner | undefined {
    return this.running.get(jobId)?.runner;
  }

  async reconcile(): Promise<void> {
    const { leases } = this.deps;
    const jobs = await listJobs(this.deps.db);
    const isWanted = (job: JobRecord) => job.desiredState === "running" && job.status !== "failed";
    // Fair share first: which wanted jobs this instance runs, and which it hands over.
    const surplus = new Set(leases ? (await leases.balance(jobs.filter(isWanted).map((j) => j.id))).surplus : []);
    const mine = (id: string) => !leases || leases.holds(id);
    const seen = new Set<string>();
    for (const job of jobs) {
      seen.add(job.id);
      const current = this.running.get(job.id);
      const wanted = isWanted(job);
      if (current && (current.finished || !wanted || !mine(job.id) || surplus.has(job.id) || configChanged(current.runner.job, job))) {
        await this.stopRunner(job.id);
      }
      if (leases?.holds(job.id) && !this.running.has(job.id) && (!wanted || surplus.has(job.id))) await leases.release(job.id);
      if (wanted && mine(job.id) && !this.running.has(job.id) && !(current?.finished && job.status === "failed")) {
        this.startRunner(job);
      } else if (!wanted && !this.running.has(job.id) && hasRunner(job.status)) {
        // Left "running" by a process that died: nothing runs it now.
        await markStoppedUnlessWanted(this.deps.db, job.id);
      }
    }
    for (const id of [...this.running.keys()]) if (!seen.has(id)) await this.stopRunner(id);
    await leases?.forgetAllBut(seen);
  }

  private startRunner(job: JobRecord): void {
    const ownership = this.deps.ownershipFor(job);
    const fence: Fence = this.deps.leases?.fence(job.id) ?? UNFENCED;
    let runner: JobRunner;
    try {
      runner = new JobRunner(job, { ...this.deps, ownership, fence });
    } catch (error) {
      // Unknown processor or a config its schema rejects: nothing to retry.
      void ownership.close();
      const message = error instanceof Error ? error.message : String(error);
      void fencedWrite(this.deps.db, fence, (tx) => setFailed(tx, job.id, "CANNOT_START", `cannot start: ${message}`)).catch(() => {});
      return;
    }
    const entry: Running = { runner, ownership, finished: false, done: Promise.resolve() };
    entry.done = runner.start().then(
      () => void (entry.finished = true),
      (error: unknown) => {
        entry.finished = true;
        console.error(`[tidemark] job ${job.name} stopped on an unexpected error`, error);
      },
    );
    this.running.set(job.id, entry);
  }

  private async stopRunner(id: string): Promise<void> {
    const entry = this.running.get(id);
    if (!entry) return;
    this.running.delete(id);
    await entry.runner.stop().catch(() => {});
    await entry.ownership.close();
  }

  private async reconcileForever(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await this.deps.clock.sleep(this.deps.reconcileIntervalMs, this.abort.signal);
      if (this.abort.signal.aborted) break;
      await this.reconcile().catch((error: unknown) => console.error("[tidemark] reconcile failed", error));
    }
  }
}


function configChanged(a: JobRecord, b: JobRecord): boolean {
  return (
    a.onError !== b.onError ||
    a.maxAttempts !== b.maxAttempts ||
    a.retryBackoffMs !== b.retryBackoffMs ||
    a.onOutOfRange !== b.onOutOfRange ||
    a.mirrorOffsetsToKafka !== b.mirrorOffsetsToKafka ||
    a.backpressure !== b.backpressure ||
    a.startingOffsets !== b.startingOffsets ||
    a.batchIntervalMs !== b.batchIntervalMs ||
    a.maxRecordsPerPartition !== b.maxRecordsPerPartition ||
    a.maxBatchBytes !== b.maxBatchBytes ||
    a.processor !== b.processor ||
    JSON.stringify(a.topics) !== JSON.stringify(b.topics) ||
    JSON.stringify(a.processorConfig) !== JSON.stringify(b.processorConfig)
  );
}
