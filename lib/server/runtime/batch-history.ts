import type { Clock } from "@/lib/domain/ports";
import { PeriodicTask } from "../periodic-loop";
import { getProcessor, hasProcessor } from "../processors/registry";
import type { Db } from "../stores/tx";
import { deleteInChunks } from "./delete-in-chunks";

/**
 * Statuses of batches that may be deleted once old: finished, and read back by nothing that needs
 * them for correctness. Never `planned`/`running`/`failed` (the runner resumes them, latestFailure
 * shows them) and never `rolled back`: the records-processed counter (alerts/metrics.ts) adds those
 * batches' records to Job.recordsProcessed, which already holds those of succeeded and cleared ones.
 */
export const PRUNABLE_BATCH_STATUSES = ["succeeded", "abandoned", "cleared"] as const;

export interface BatchHistoryPolicy {
  /** Finished batches whose batchTime is older than this are deleted (TIDEMARK_BATCH_RETENTION_DAYS). */
  retentionMs: number;
  /** The newest this many batches of each job stay whatever their age, so an idle job keeps its history. */
  keepPerJob: number;
  /** Batches deleted per statement: each is a short write, so batch commits and web writes wait little. */
  chunkSize: number;
}

export const DEFAULT_KEEP_PER_JOB = 1000;
export const DEFAULT_PRUNE_CHUNK = 5000;
/** How often a pruning pass runs (and once at start). */
export const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * How far back a job's batches must stay: the retention, or longer when the job's processor reads older
 * batch rows for its own retention (store-records' retentionMs). Null: the processor is unknown or its
 * config does not parse, so what it needs is unknown and nothing of the job is deleted.
 */
export function jobHistoryMs(retentionMs: number, job: { processor: string; processorConfig: string }): number | null {
  if (!hasProcessor(job.processor)) return null;
  const processor = getProcessor(job.processor);
  if (!processor.batchHistoryMs) return retentionMs;
  let config: unknown;
  try {
    config = processor.configSchema.parse(JSON.parse(job.processorConfig));
  } catch {
    return null;
  }
  return Math.max(retentionMs, processor.batchHistoryMs(config));
}

/**
 * One pruning pass: per job, deletes its finished batches (PRUNABLE_BATCH_STATUSES) whose batchTime is
 * older than the job's history (jobHistoryMs) and which are not among its newest `keepPerJob` batches.
 * Their BatchRange rows go with them (ON DELETE CASCADE). Returns the number deleted per job name.
 * Stops between chunks when `signal` aborts.
 */
export async function pruneBatchHistory(db: Db, policy: BatchHistoryPolicy, nowMs: number, signal?: AbortSignal): Promise<Map<string, number>> {
  const deleted = new Map<string, number>();
  const jobs = await db.job.findMany({ select: { id: true, name: true, processor: true, processorConfig: true }, orderBy: { name: "asc" } });
  for (const job of jobs) {
    if (signal?.aborted) break;
    const historyMs = jobHistoryMs(policy.retentionMs, job);
    if (historyMs === null) continue;
    // The oldest of the newest keepPerJob batches: only batches below it may go. None: the job has fewer.
    const oldestKept = await db.batch.findFirst({ where: { jobId: job.id }, orderBy: { id: "desc" }, skip: policy.keepPerJob - 1, select: { id: true } });
    if (!oldestKept) continue;
    const cutoff = new Date(nowMs - historyMs);
    // Oldest first along the (jobId, batchTime) index; a batch a reset changed meanwhile no longer matches.
    const prunable = { jobId: job.id, batchTime: { lt: cutoff }, id: { lt: oldestKept.id }, status: { in: [...PRUNABLE_BATCH_STATUSES] } };
    const count = await deleteInChunks(
      policy.chunkSize,
      signal,
      async () => (await db.batch.findMany({ where: prunable, orderBy: [{ batchTime: "asc" }, { id: "asc" }], take: policy.chunkSize, select: { id: true } })).map((r) => r.id),
      // The status again: a reset may have changed one since it was read (it then stays).
      async (ids) => (await db.batch.deleteMany({ where: { id: { in: ids }, status: { in: [...PRUNABLE_BATCH_STATUSES] } } })).count,
    );
    if (count > 0) deleted.set(job.name, count);
  }
  return deleted;
}

/**
 * Keeps batch history bounded, as Spark keeps `spark.streaming.ui.retainedBatches`: a pruning pass at
 * start and every PRUNE_INTERVAL_MS, on the runtime's database connection. Logs one line per pass that
 * deleted anything.
 */
export class BatchHistoryPruner extends PeriodicTask {
  constructor(private readonly deps: { db: Db; clock: Clock; policy: BatchHistoryPolicy; intervalMs?: number; say?: (message: string) => void }) {
    super({ clock: deps.clock, intervalMs: deps.intervalMs ?? PRUNE_INTERVAL_MS, activity: "batch history pruning", say: deps.say });
  }

  runOnce(): Promise<unknown> {
    return this.pruneOnce();
  }

  /** One pass; returns how many batches it deleted. */
  async pruneOnce(): Promise<number> {
    const deleted = await pruneBatchHistory(this.deps.db, this.deps.policy, this.deps.clock.now(), this.abort.signal);
    const total = [...deleted.values()].reduce((a, b) => a + b, 0);
    if (total > 0) {
      const days = Math.round((this.deps.policy.retentionMs / 86_400_000) * 100) / 100;
      const perJob = [...deleted].map(([name, n]) => `${name} ${n}`).join(", ");
      this.say(`batch history: deleted ${total} finished batches older than ${days} days (the newest ${this.deps.policy.keepPerJob} per job kept): ${perJob}`);
    }
    return total;
  }
}
