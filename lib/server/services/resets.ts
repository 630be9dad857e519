import type { AppliedResetDto, ResetPlanDto, ResetRequest } from "@/lib/contracts/resets";
import type { KafkaLog } from "@/lib/domain/ports";
import { parseIsoDuration, planReset, stalePlanReason, summarizePlan, type PartitionPosition, type ResetPlanRow, type ResetTarget } from "@/lib/domain/reset-plan";
import { partitionKey } from "@/lib/domain/types";
import { recordAudit } from "../audit/audit-log";
import { env, rollbackRetentionMs } from "../env";
import { AppError } from "../http/app-error";
import { getProcessor } from "../processors/registry";
import type { JobRecord } from "../stores/job-store";
import { advanceOffsets, readOffsets } from "../stores/offset-store";
import type { Db, Tx } from "../stores/tx";
import { asKafkaUnavailable } from "./kafka-errors";
import { requireJob } from "./jobs";

export interface ResetDeps {
  db: Db;
  log: KafkaLog;
  actor: string;
  now?: () => number;
}

/**
 * Previews (dryRun) or applies an offset reset of a stopped job. Applying moves the offsets, drops
 * any unfinished batch, and rolls back or clears results, all in one transaction with its audit entry.
 */
export async function resetOffsets(deps: ResetDeps, idOrName: string, request: ResetRequest): Promise<ResetPlanDto | AppliedResetDto> {
  const job = await requireJob(deps.db, idOrName);
  assertStopped(job);
  const positions = await readPositions(deps, job, request.partitions);
  const { target, rollbackFrom } = await resolveTarget(deps, job, request, positions);
  const rows = planReset(positions, target);
  const rollback = rollbackFrom === null ? null : await rollbackScope(deps.db, job.id, rollbackFrom);
  const plan: ResetPlanDto = {
    dryRun: request.dryRun,
    mode: request.mode,
    value: request.value ?? null,
    results: request.results,
    partitions: rows,
    summary: { ...summarizePlan(rows), rolledBackBatches: rollback?.batches ?? 0, rolledBackRecords: rollback?.records ?? 0 },
  };
  if (request.dryRun) return plan;

  let applied = rows;
  if (request.expect) {
    const stale = stalePlanReason(request.expect, positions);
    const sameScope = request.expect.length === rows.length && rows.every((r) => request.expect!.some((e) => partitionKey(e) === partitionKey(r)));
    if (stale || !sameScope) throw new AppError("PLAN_STALE", `the previewed plan no longer holds: ${stale ?? "the job's partitions changed"}; preview again`);
    const expected = new Map(request.expect.map((e) => [partitionKey(e), e.targetOffset]));
    applied = rows.map((r) => ({ ...r, targetOffset: expected.get(partitionKey(r))! }));
  }
  return applyReset(deps, job, request, { ...plan, partitions: applied }, rollbackFrom);
}

function assertStopped(job: JobRecord): void {
  if (job.desiredState === "running" || ["running", "starting", "waiting"].includes(job.status)) {
    throw new AppError("JOB_RUNNING", `job '${job.name}' is running: stop it before resetting its offsets`);
  }
}

async function readPositions(deps: ResetDeps, job: JobRecord, scope?: { topic: string; partition: number }[]): Promise<PartitionPosition[]> {
  let logOffsets;
  try {
    logOffsets = await deps.log.logOffsets(job.topics);
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
  const stored = new Map((await readOffsets(deps.db, job.id)).map((o) => [partitionKey(o), o.offset]));
  const all = logOffsets.map((o) => {
    const currentOffset = stored.get(partitionKey(o)) ?? null;
    const effectiveOffset = currentOffset ?? (job.startingOffsets === "earliest" ? o.logStartOffset : o.logEndOffset);
    return { ...o, currentOffset, effectiveOffset };
  });
  if (!scope) return all;
  const known = new Set(all.map(partitionKey));
  const unknown = scope.filter((p) => !known.has(partitionKey(p)));
  if (unknown.length > 0) {
    throw new AppError("UNKNOWN_PARTITION", `not partitions of this job: ${unknown.map((p) => `${p.topic}/${p.partition}`).join(", ")}`, { unknown });
  }
  const wanted = new Set(scope.map(partitionKey));
  return all.filter((p) => wanted.has(partitionKey(p)));
}

async function resolveTarget(
  deps: ResetDeps,
  job: JobRecord,
  request: ResetRequest,
  positions: PartitionPosition[],
): Promise<{ target: ResetTarget; rollbackFrom: number | null }> {
  const now = deps.now?.() ?? Date.now();
  switch (request.mode) {
    case "to-earliest":
    case "to-latest":
      return { target: { mode: request.mode }, rollbackFrom: null };
    case "to-offset":
      return { target: { mode: "to-offset", offset: request.value as number }, rollbackFrom: null };
    case "shift-by":
      return { target: { mode: "shift-by", by: request.value as number }, rollbackFrom: null };
    case "to-datetime":
    case "by-duration": {
      const at = request.mode === "to-datetime" ? Date.parse(request.value as string) : now - parseIsoDuration(request.value as string)!;
      if (at > now + 60_000) throw new AppError("VALIDATION_FAILED", "value: that time is in the future");
      const offsets = new Map<string, number>();
      try {
        for (const topic of new Set(positions.map((p) => p.topic))) {
          for (const [partition, offset] of await deps.log.offsetsForTime(topic, at)) offsets.set(partitionKey({ topic, partition }), offset);
        }
      } catch (error) {
        throw asKafkaUnavailable(error);
      }
      return { target: { mode: request.mode, offsets }, rollbackFrom: null };
    }
    case "to-batch": {
      const batchId = request.value as number;
      const batch = await deps.db.batch.findFirst({ where: { id: batchId, jobId: job.id }, include: { ranges: true } });
      if (!batch) throw new AppError("BATCH_NOT_FOUND", `job '${job.name}' has no batch ${batchId}`);
      if (request.results === "rollback") {
        if (batch.status !== "succeeded") throw new AppError("BATCH_NOT_ROLLBACKABLE", `batch ${batchId} is ${batch.status}: only succeeded batches can be rolled back`);
        if (batch.batchTime.getTime() < now - rollbackRetentionMs()) {
          throw new AppError(
            "BATCH_EXPIRED",
            `batch ${batchId} is older than ${env().TIDEMARK_ROLLBACK_RETENTION_DAYS} days: its per-batch results were pruned, so it cannot be rolled back (use "keep" or "clear")`,
          );
        }
        if (!getProcessor(job.processor).rollback) throw new AppError("ROLLBACK_UNSUPPORTED", `the ${job.processor} processor cannot roll back results; use "keep" or "clear"`);
      }
      const offsets = new Map(batch.ranges.map((r) => [partitionKey(r), Number(r.fromOffset)]));
      return { target: { mode: "to-batch", offsets }, rollbackFrom: request.results === "rollback" ? batchId : null };
    }
    case "per-partition": {
      const offsets = new Map(request.targets!.map((t) => [partitionKey(t), t.offset]));
      const known = new Set(positions.map(partitionKey));
      const unknown = request.targets!.filter((t) => !known.has(partitionKey(t)));
      if (unknown.length > 0) throw new AppError("UNKNOWN_PARTITION", `not partitions of this job: ${unknown.map((t) => `${t.topic}/${t.partition}`).join(", ")}`);
      return { target: { mode: "per-partition", offsets }, rollbackFrom: null };
    }
  }
}

async function rollbackScope(db: Db, jobId: string, fromBatchId: number): Promise<{ batches: number; records: number }> {
  const agg = await db.batch.aggregate({ where: { jobId, id: { gte: fromBatchId }, status: "succeeded" }, _count: true, _sum: { records: true } });
  return { batches: agg._count, records: agg._sum.records ?? 0 };
}

async function applyReset(deps: ResetDeps, job: JobRecord, request: ResetRequest, plan: ResetPlanDto, rollbackFrom: number | null): Promise<AppliedResetDto> {
  const processor = getProcessor(job.processor);
  const row = await deps.db.$transaction(
    async (tx: Tx) => {
      // Write first, so SQLite takes the write lock now (see job-runner); then re-check the job is stopped.
      await tx.job.update({ where: { id: job.id }, data: { statusMessage: null } });
      const fresh = await tx.job.findUniqueOrThrow({ where: { id: job.id } });
      if (fresh.desiredState === "running") throw new AppError("JOB_RUNNING", `job '${job.name}' was started meanwhile: stop it first`);
      await advanceOffsets(tx, job.id, plan.partitions.map(toRange));
      // A planned or failed batch holds the old ranges: it must not be resumed.
      await tx.batch.updateMany({ where: { jobId: job.id, status: { in: ["planned", "running", "failed"] } }, data: { status: "abandoned" } });
      if (rollbackFrom !== null) {
        await processor.rollback!(job.id, rollbackFrom, tx);
        await tx.batch.updateMany({ where: { jobId: job.id, id: { gte: rollbackFrom }, status: "succeeded" }, data: { status: "rolled back" } });
        await tx.job.update({ where: { id: job.id }, data: { recordsProcessed: { decrement: BigInt(plan.summary.rolledBackRecords) } } });
      } else if (request.results === "clear") {
        await processor.clear?.(job.id, tx);
        // Their contributions are gone: those batches can no longer be rolled back.
        await tx.batch.updateMany({ where: { jobId: job.id, status: "succeeded" }, data: { status: "cleared" } });
      }
      const created = await tx.offsetReset.create({
        data: {
          jobId: job.id,
          actor: deps.actor,
          mode: request.mode,
          value: JSON.stringify(request.value ?? null),
          results: request.results,
          reason: request.reason ?? null,
          partitions: JSON.stringify(plan.partitions),
          summary: JSON.stringify(plan.summary),
        },
      });
      await recordAudit(tx, {
        actor: deps.actor,
        action: "offsets.reset",
        targetType: "job",
        targetId: job.id,
        details: {
          mode: request.mode,
          value: request.value ?? null,
          results: request.results,
          reason: request.reason ?? null,
          before: plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.currentOffset })),
          after: plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.targetOffset })),
          summary: plan.summary,
        },
      });
      return created;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  return toAppliedDto(row);
}

/** advanceOffsets stores each range's end: here, the reset's target. */
function toRange(r: ResetPlanRow) {
  return { topic: r.topic, partition: r.partition, fromOffset: r.targetOffset, untilOffset: r.targetOffset };
}

type ResetRow = { id: number; at: Date; actor: string; mode: string; value: string; results: string; reason: string | null; partitions: string; summary: string };

function toAppliedDto(r: ResetRow): AppliedResetDto {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    dryRun: false,
    mode: r.mode as AppliedResetDto["mode"],
    value: JSON.parse(r.value) as number | string | null,
    results: r.results as AppliedResetDto["results"],
    reason: r.reason,
    partitions: JSON.parse(r.partitions) as AppliedResetDto["partitions"],
    summary: JSON.parse(r.summary) as AppliedResetDto["summary"],
  };
}

export async function listResets(db: Db, idOrName: string, opts: { limit: number; before?: number }): Promise<AppliedResetDto[]> {
  const job = await requireJob(db, idOrName);
  const rows = await db.offsetReset.findMany({
    where: { jobId: job.id, ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: opts.limit,
  });
  return rows.map(toAppliedDto);
}
