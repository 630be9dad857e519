/** Where a reset moves each partition: the job's positions now, the partitions in scope, and the target of each mode. */
import type { ResetRequest } from "@/lib/contracts/resets";
import { parseIsoDuration, type PartitionPosition, type ResetTarget } from "@/lib/domain/reset-plan";
import { nextReadOffset, readPosition } from "@/lib/domain/next-read-offset";
import { partitionKey } from "@/lib/domain/types";
import { env, rollbackRetentionMs } from "../env";
import { AppError } from "../http/app-error";
import type { JobRecord } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import { asKafkaUnavailable } from "./kafka-errors";
import { rollbackCounts, startsFrom, type RollbackScope } from "./reset-rollback";
import type { KafkaLog } from "@/lib/domain/ports";
import type { Db } from "../stores/tx";

/** What finding targets reads: the database, Kafka's offsets, and the clock (a subset of ResetDeps). */
interface TargetDeps {
  db: Db;
  log: KafkaLog;
  now?: () => number;
}

export async function readPositions(deps: TargetDeps, job: JobRecord): Promise<PartitionPosition[]> {
  let logOffsets;
  try {
    logOffsets = await deps.log.logOffsets(job.topics);
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
  // Where the job reads next, by the planner's own rule (a partition added later: its log start).
  const position = readPosition(await readOffsets(deps.db, job.id), job.startingOffsets);
  return logOffsets.map((o) => ({ ...o, currentOffset: position.stored.get(partitionKey(o)) ?? null, effectiveOffset: nextReadOffset(o, position).offset }));
}

export function inScope(all: PartitionPosition[], scope?: { topic: string; partition: number }[]): PartitionPosition[] {
  if (!scope) return all;
  const known = new Set(all.map(partitionKey));
  const unknown = scope.filter((p) => !known.has(partitionKey(p)));
  if (unknown.length > 0) {
    throw new AppError("UNKNOWN_PARTITION", `not partitions of this job: ${unknown.map((p) => `${p.topic}/${p.partition}`).join(", ")}`, { unknown });
  }
  const wanted = new Set(scope.map(partitionKey));
  return all.filter((p) => wanted.has(partitionKey(p)));
}

export async function resolveTarget(
  deps: TargetDeps,
  job: JobRecord,
  request: ResetRequest,
  positions: PartitionPosition[],
): Promise<{ target: ResetTarget; rollback: RollbackScope | null }> {
  const now = deps.now?.() ?? Date.now();
  switch (request.mode) {
    case "to-earliest":
    case "to-latest":
      return { target: { mode: request.mode }, rollback: null };
    case "to-offset":
      return { target: { mode: "to-offset", offset: request.value }, rollback: null };
    case "shift-by":
      return { target: { mode: "shift-by", by: request.value }, rollback: null };
    case "to-datetime":
    case "by-duration": {
      const at = request.mode === "to-datetime" ? Date.parse(request.value) : now - durationMs(request.value);
      if (at > now + 60_000) throw new AppError("VALIDATION_FAILED", "value: that time is in the future");
      const offsets = new Map<string, number>();
      try {
        for (const topic of new Set(positions.map((p) => p.topic))) {
          // Kafka reads -1 and -2 as "latest" and "earliest": a duration reaching before 1970 means the first record.
          for (const [partition, offset] of await deps.log.offsetsForTime(topic, Math.max(0, at))) offsets.set(partitionKey({ topic, partition }), offset);
        }
      } catch (error) {
        throw asKafkaUnavailable(error);
      }
      return { target: { mode: request.mode, offsets }, rollback: null };
    }
    case "to-batch": {
      const batchId = request.value;
      const batch = await deps.db.batch.findFirst({ where: { id: batchId, jobId: job.id } });
      if (!batch) throw new AppError("BATCH_NOT_FOUND", `job '${job.name}' has no batch ${batchId}`);
      if (request.results === "rollback") {
        if (batch.status !== "succeeded") throw new AppError("BATCH_NOT_ROLLBACKABLE", `batch ${batchId} is ${batch.status}: only succeeded batches can be rolled back`);
        if (batch.batchTime.getTime() < now - rollbackRetentionMs()) {
          throw new AppError(
            "BATCH_EXPIRED",
            `batch ${batchId} is older than ${env().TIDEMARK_ROLLBACK_RETENTION_DAYS} days: its per-batch results were pruned, so it cannot be rolled back (use "keep" or "clear")`,
          );
        }
      }
      const offsets = await startsFrom(deps.db, job.id, batchId, new Set(positions.map(partitionKey)));
      const target: ResetTarget = { mode: "to-batch", batchId, offsets };
      if (request.results !== "rollback") return { target, rollback: null };
      const rewind = positions.flatMap((p) => {
        const start = offsets.get(partitionKey(p));
        return start ? [{ topic: p.topic, partition: p.partition, offset: start.offset }] : [];
      });
      return { target, rollback: { fromBatchId: batchId, rewind, ...(await rollbackCounts(deps.db, job.id, batchId)) } };
    }
    case "per-partition": {
      const offsets = new Map(request.targets.map((t) => [partitionKey(t), t.offset]));
      const known = new Set(positions.map(partitionKey));
      const unknown = request.targets.filter((t) => !known.has(partitionKey(t)));
      if (unknown.length > 0) throw new AppError("UNKNOWN_PARTITION", `not partitions of this job: ${unknown.map((t) => `${t.topic}/${t.partition}`).join(", ")}`);
      return { target: { mode: "per-partition", offsets }, rollback: null };
    }
  }
}

/** The first partition whose stored offset is no longer the one the preview saw (null: stored nothing). */
/** The schema accepts only durations parseIsoDuration reads; this keeps the service honest without a `!`. */
function durationMs(iso: string): number {
  const ms = parseIsoDuration(iso);
  if (ms === null) throw new AppError("VALIDATION_FAILED", "value: by-duration needs value: an ISO-8601 duration such as PT15M or P1DT2H");
  return ms;
}
