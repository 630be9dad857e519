import type { AppliedResetDto, ResetOptionsDto, ResetPlanDto, ResetRequest } from "@/lib/contracts/resets";
import type { ListDto } from "@/lib/contracts/jobs";
import { page } from "@/lib/domain/page";
import type { KafkaLog } from "@/lib/domain/ports";
import {
  planFromExpected,
  planReset,
  stalePlanReason,
  summarizePlan,
  type ResetPlanRow,
} from "@/lib/domain/reset-plan";
import { partitionKey, type StoredOffset } from "@/lib/domain/types";
import { recordAudit } from "../audit/audit-log";
import { env, rollbackRetentionMs } from "../env";
import { AppError } from "../http/app-error";
import type { Processor } from "../processors/processor";
import type { JobRecord } from "../stores/job-store";
import { advanceOffsets, readOffsets } from "../stores/offset-store";
import type { Db, Tx } from "../stores/tx";
import { assertRollbackComplete, rollbackCounts, type RollbackScope } from "./reset-rollback";
import { isJobActive } from "@/lib/domain/statuses";
import { jobProcessor } from "./job-processor";
import { requireJob } from "./jobs";
import { inScope, readPositions, resolveTarget } from "./reset-target";

export interface ResetDeps {
  db: Db;
  log: KafkaLog;
  actor: string;
  now?: () => number;
}

/**
 * Previews (dryRun) or applies an offset reset of a stopped job. Applying moves the offsets to the
 * previewed targets (`expect`), drops any unfinished batch, and rolls back or clears results, all in
 * one transaction with its audit entry.
 */
export async function resetOffsets(deps: ResetDeps, idOrName: string, request: ResetRequest): Promise<ResetPlanDto | AppliedResetDto> {
  const job = await requireJob(deps.db, idOrName);
  assertStopped(job);
  assertResultsPolicy(job, request.results);
  const all = await readPositions(deps, job);
  const positions = inScope(all, request.partitions);
  // Results are per job, not per partition: taking them out (or clearing them) for every partition
  // while rewinding only some would lose the others' results for good.
  if (request.results !== "keep" && positions.length < all.length) {
    throw new AppError(
      "PARTIAL_SCOPE",
      request.results === "rollback"
        ? `a rollback takes the batches' results out of every partition, so it must rewind all ${all.length} partitions of the job: leave out "partitions" (or keep results)`
        : `clearing deletes the results of every partition, so it must reset all ${all.length} partitions of the job: leave out "partitions" (or keep results)`,
      { partitions: all.length, chosen: positions.length },
    );
  }
  const { target, rollback } = await resolveTarget(deps, job, request, positions);
  if (rollback) assertRollbackComplete(rollback, positions);
  const fresh = planReset(positions, target);
  const plan = (rows: ResetPlanRow[]): ResetPlanDto => ({
    dryRun: request.dryRun,
    mode: request.mode,
    value: request.value ?? null,
    results: request.results,
    partitions: rows,
    summary: { ...summarizePlan(rows), rolledBackBatches: rollback?.batches ?? 0, rolledBackRecords: rollback?.records ?? 0 },
  });
  if (request.dryRun) return plan(fresh);

  // Only a previewed plan is ever applied, exactly as previewed (the schema refuses applying without one).
  const expected = request.expect;
  if (!expected) throw new AppError("VALIDATION_FAILED", "expect: applying (dryRun false) needs expect: preview first (dryRun true) and send the preview's partitions back as expect");
  const stale = stalePlanReason(expected, positions);
  const sameScope = expected.length === fresh.length && fresh.every((r) => expected.some((e) => partitionKey(e) === partitionKey(r)));
  if (stale || !sameScope) throw new AppError("PLAN_STALE", `the previewed plan no longer holds: ${stale ?? "the job's partitions changed"}; preview again`);
  if (rollback) {
    // A rollback's targets are fixed by the batches it takes out: any other target would re-read too much or too little.
    const previewed = new Map(expected.map((e) => [partitionKey(e), e.targetOffset]));
    const wrong = fresh.find((r) => previewed.get(partitionKey(r)) !== r.targetOffset);
    if (wrong) throw new AppError("PLAN_STALE", `the previewed plan no longer holds: rolling back moves ${wrong.topic}/${wrong.partition} to ${wrong.targetOffset}; preview again`);
  }
  return applyReset(deps, job, request, plan(planFromExpected(positions, expected, fresh)), rollback, expected);
}

/** GET /api/jobs/:id/offsets/reset: what a reset of this job can do with its results. */
export async function resetOptions(deps: Pick<ResetDeps, "db" | "now">, idOrName: string): Promise<ResetOptionsDto> {
  const job = await requireJob(deps.db, idOrName);
  const processor = jobProcessor(job);
  const cutoff = new Date((deps.now?.() ?? Date.now()) - rollbackRetentionMs());
  const oldest = processor.rollback
    ? await deps.db.batch.findFirst({ where: { jobId: job.id, status: "succeeded", batchTime: { gte: cutoff } }, orderBy: { id: "asc" }, select: { id: true } })
    : null;
  return {
    processor: job.processor,
    reprocessing: processor.reprocessing ?? "unknown",
    rollback: { supported: Boolean(processor.rollback), retentionDays: env().TIDEMARK_ROLLBACK_RETENTION_DAYS, oldestBatchId: oldest?.id ?? null },
    clear: { supported: Boolean(processor.clear), reason: processor.clear ? null : cannotClear(processor) },
  };
}

function cannotClear(processor: Processor<unknown>): string {
  return processor.reprocessing === "sent-again"
    ? `the ${processor.name} processor's output is records sent to Kafka, which Tidemark cannot delete`
    : `the ${processor.name} processor has no results Tidemark can clear`;
}

function assertStopped(job: JobRecord): void {
  if (isJobActive(job)) {
    throw new AppError("JOB_RUNNING", `job '${job.name}' is running: stop it before resetting its offsets`);
  }
}

function assertResultsPolicy(job: JobRecord, results: ResetRequest["results"]): void {
  const processor = jobProcessor(job);
  if (results === "clear" && !processor.clear) throw new AppError("CLEAR_UNSUPPORTED", `${cannotClear(processor)}; use "keep"`);
  if (results === "rollback" && !processor.rollback) throw new AppError("ROLLBACK_UNSUPPORTED", `the ${job.processor} processor cannot roll back results; use "keep" or "clear"`);
}

function movedSincePreview(stored: StoredOffset[], expected: ExpectedRow[]): string | null {
  const now = new Map(stored.map((o) => [partitionKey(o), o.offset]));
  const moved = expected.find((e) => (now.get(partitionKey(e)) ?? null) !== e.currentOffset);
  return moved ? `${moved.topic}/${moved.partition} moved from ${moved.currentOffset ?? "unset"} to ${now.get(partitionKey(moved)) ?? "unset"} since the preview` : null;
}

type ExpectedRow = NonNullable<ResetRequest["expect"]>[number];

async function applyReset(
  deps: ResetDeps,
  job: JobRecord,
  request: ResetRequest,
  plan: ResetPlanDto,
  rollback: RollbackScope | null,
  expected: ExpectedRow[],
): Promise<AppliedResetDto> {
  const processor = jobProcessor(job);
  const row = await deps.db.$transaction(
    async (tx: Tx) => {
      // Write first, so SQLite takes the write lock now (see job-runner); then re-check the job is stopped.
      await tx.job.update({ where: { id: job.id }, data: { statusMessage: null } });
      const fresh = await tx.job.findUniqueOrThrow({ where: { id: job.id } });
      if (fresh.desiredState === "running") throw new AppError("JOB_RUNNING", `job '${job.name}' was started meanwhile: stop it first`);
      // Another reset (or a runtime) may have committed since this request read the offsets: the plan holds
      // only if every partition is still where the preview saw it, read under the write lock.
      const moved = movedSincePreview(await readOffsets(tx, job.id), expected);
      if (moved) throw new AppError("PLAN_STALE", `the previewed plan no longer holds: ${moved}; preview again`);
      if (rollback && (await rollbackCounts(tx, job.id, rollback.fromBatchId)).batches !== rollback.batches) {
        throw new AppError("PLAN_STALE", `the previewed plan no longer holds: the batches to roll back changed; preview again`);
      }
      await advanceOffsets(tx, job.id, plan.partitions.map(toRange));
      // A planned or failed batch holds the old ranges: it must not be resumed.
      await tx.batch.updateMany({ where: { jobId: job.id, status: { in: ["planned", "running", "failed"] } }, data: { status: "abandoned" } });
      if (rollback) {
        await processor.rollback!(job.id, rollback.fromBatchId, tx, rollback.rewind);
        await tx.batch.updateMany({ where: { jobId: job.id, id: { gte: rollback.fromBatchId }, status: "succeeded" }, data: { status: "rolled back" } });
        await tx.job.update({ where: { id: job.id }, data: { recordsProcessed: { decrement: BigInt(plan.summary.rolledBackRecords) } } });
      } else if (request.results === "clear") {
        await processor.clear!(job.id, tx);
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

/** Applied resets, newest first, a page at a time (`next` is the cursor for `before`). */
export async function listResetPage(db: Db, idOrName: string, { limit, before }: { limit: number; before?: number }): Promise<ListDto<AppliedResetDto>> {
  const { rows, next } = await page(limit, (take) => listResets(db, idOrName, { limit: take, before }), (last) => String(last.id));
  return { items: rows, next };
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
