import type { JobOwnerDto } from "@/lib/contracts/instances";
import type { CreateJobCommand, JobDto, PartitionProgressDto, UpdateJobCommand } from "@/lib/contracts/jobs";
import { nextReadOffset, readPosition, recordsBehind } from "@/lib/domain/next-read-offset";
import type { KafkaLog } from "@/lib/domain/ports";
import { partitionKey, type PartitionLogOffsets } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { deleteJob, findJob, insertJob, listJobs, setDesiredState, toJobDto, updateJobSettings, type JobExtras, type JobRecord } from "../stores/job-store";
import { abandonUnfinishedBatches, latestFailure } from "../stores/batch-store";
import { countDeadLetters } from "../stores/dead-letter-store";
import { getProcessor, hasProcessor, listProcessors } from "../processors/registry";
import { readOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { recordAudit } from "../audit/audit-log";
import { asKafkaUnavailable } from "./kafka-errors";
import { jobOwners } from "./instances";
import { assertTopicsExist } from "./topics";
import { hasRunner, isJobActive } from "@/lib/domain/statuses";

export interface JobServiceDeps {
  db: Db;
  log: KafkaLog;
  /** Who asks, as the audit log names them ("local", "user:ann", "token:ci"). */
  actor?: string;
}

export async function requireJob(db: Db, idOrName: string): Promise<JobRecord> {
  const job = await findJob(db, idOrName);
  if (!job) throw new AppError("JOB_NOT_FOUND", `no job with id or name '${idOrName}'`);
  return job;
}

/** Per-partition progress: where the job reads next (nextReadOffset, as the planner) against the log. */
export async function jobPartitions({ db, log }: JobServiceDeps, job: JobRecord, logOffsets?: PartitionLogOffsets[]): Promise<PartitionProgressDto[]> {
  const position = readPosition(await readOffsets(db, job.id), job.startingOffsets);
  let offsets = logOffsets;
  if (!offsets) {
    try {
      offsets = await log.logOffsets(job.topics);
    } catch (error) {
      throw asKafkaUnavailable(error);
    }
  }
  const topics = new Set(job.topics);
  return offsets
    .filter((o) => topics.has(o.topic))
    .map((o) => ({
      topic: o.topic,
      partition: o.partition,
      committedOffset: position.stored.get(partitionKey(o)) ?? null,
      logStartOffset: o.logStartOffset,
      logEndOffset: o.logEndOffset,
      lag: recordsBehind(o, nextReadOffset(o, position)),
    }));
}

/** Records behind over all partitions; null when Kafka cannot say (unreachable, or a topic no longer exists). */
async function totalLag(deps: JobServiceDeps, job: JobRecord, logOffsets?: PartitionLogOffsets[]): Promise<number | null> {
  try {
    const partitions = await jobPartitions(deps, job, logOffsets);
    const present = new Set(partitions.map((p) => p.topic));
    if (!job.topics.every((t) => present.has(t))) return null;
    return partitions.reduce((sum, p) => sum + p.lag, 0);
  } catch {
    return null;
  }
}

/** Dead-letter count, the failed batch while the job is failed, and the instance holding its lease. */
async function jobExtras(db: Db, job: JobRecord, owners?: Map<string, JobOwnerDto>): Promise<JobExtras> {
  return {
    deadLetters: await countDeadLetters(db, job.id),
    failure: job.status === "failed" ? await latestFailure(db, job.id) : null,
    owner: (owners ?? (await jobOwners(db))).get(job.id) ?? null,
  };
}

export async function listJobDtos(deps: JobServiceDeps): Promise<JobDto[]> {
  const jobs = await listJobs(deps.db);
  // One ListOffsets round for every job's topics, not one per job; per job only if that fails.
  let offsets: PartitionLogOffsets[] | undefined;
  try {
    if (jobs.length > 1) offsets = await deps.log.logOffsets([...new Set(jobs.flatMap((j) => j.topics))]);
  } catch {
    offsets = undefined;
  }
  const known = new Set(offsets?.map((o) => o.topic));
  const owners = await jobOwners(deps.db);
  return Promise.all(
    jobs.map(async (job) => {
      // A topic missing from the shared answer (deleted, say) is asked about alone: its error makes the lag unknown.
      const shared = job.topics.every((t) => known.has(t)) ? offsets : undefined;
      return toJobDto(job, await totalLag(deps, job, shared), await jobExtras(deps.db, job, owners));
    }),
  );
}

export async function getJobDto(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  return toJobDto(job, await totalLag(deps, job), await jobExtras(deps.db, job));
}

/** The processor's own schema checks processorConfig; its messages name processorConfig.<field>. */
function assertProcessorConfig(processor: string, config: unknown): void {
  if (!hasProcessor(processor)) {
    const known = listProcessors().map((p) => p.processor.name);
    throw new AppError("VALIDATION_FAILED", `processor must be one of: ${known.join(", ")} (no processor '${processor}' is loaded)`, [{ path: "processor", message: `unknown processor '${processor}'` }]);
  }
  const result = getProcessor(processor).configSchema.safeParse(config ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: ["processorConfig", ...i.path].join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  }
}

/** Edits a stopped job's settings; its offsets, batches and results stay (no checkpoint to invalidate). */
export async function updateJob(deps: JobServiceDeps, idOrName: string, update: UpdateJobCommand): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  if (isJobActive(job)) throw new AppError("JOB_RUNNING", `job '${job.name}' is running: stop it before changing its settings`);
  if (update.processor !== undefined || update.processorConfig !== undefined) {
    const processorChanged = update.processor !== undefined && update.processor !== job.processor;
    // A different processor starts from its own defaults unless a config comes with it.
    if (processorChanged && update.processorConfig === undefined) update = { ...update, processorConfig: {} };
    assertProcessorConfig(update.processor ?? job.processor, update.processorConfig ?? job.processorConfig);
  }
  if (update.topics) await assertTopicsExist(deps.log, update.topics);
  const updated = await deps.db.$transaction(async (tx) => {
    const row = await updateJobSettings(tx, job.id, update);
    // An unfinished batch was planned under the old settings: planned anew instead of resumed.
    if (replansBatches(job, update)) await abandonUnfinishedBatches(tx, job.id);
    await recordAudit(tx, {
      actor: deps.actor ?? "system",
      action: "job.update",
      targetType: "job",
      targetId: job.id,
      details: { name: job.name, before: Object.fromEntries(Object.keys(update).map((k) => [k, job[k as keyof JobRecord]])), after: update },
    });
    return row;
  });
  return toJobDto(updated, await totalLag(deps, updated), await jobExtras(deps.db, updated));
}

/**
 * Whether an update changes what an unfinished batch would read or do: its topics (the plan reads
 * the old ones), its limits (a plan too big for a target or for memory would run again as it is,
 * for ever), its processor or config. Such a batch committed nothing, so dropping it loses nothing:
 * the next batch is planned from the stored offsets (README "Changing a job").
 */
function replansBatches(job: JobRecord, update: UpdateJobCommand): boolean {
  return (
    (update.topics !== undefined && !sameTopics(update.topics, job.topics)) ||
    (update.maxRecordsPerPartition !== undefined && update.maxRecordsPerPartition !== job.maxRecordsPerPartition) ||
    (update.maxBatchBytes !== undefined && update.maxBatchBytes !== job.maxBatchBytes) ||
    (update.processor !== undefined && update.processor !== job.processor) ||
    (update.processorConfig !== undefined && !sameJson(update.processorConfig, job.processorConfig))
  );
}

/** Same JSON value, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b ?? {}));
}

function sameTopics(a: string[], b: string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((t) => set.has(t));
}

export async function createJob(deps: JobServiceDeps, command: CreateJobCommand): Promise<JobDto> {
  if (await findJob(deps.db, command.name)) {
    throw new AppError("JOB_NAME_TAKEN", `a job named '${command.name}' already exists`);
  }
  assertProcessorConfig(command.processor, command.processorConfig);
  await assertTopicsExist(deps.log, command.topics);
  try {
    const job = await deps.db.$transaction(async (tx) => {
      const row = await insertJob(tx, command);
      await recordAudit(tx, { actor: deps.actor ?? "system", action: "job.create", targetType: "job", targetId: row.id, details: { after: command } });
      return row;
    });
    return toJobDto(job, await totalLag(deps, job));
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("JOB_NAME_TAKEN", `a job named '${command.name}' already exists`);
    }
    throw error;
  }
}

export async function removeJob(deps: JobServiceDeps, idOrName: string): Promise<void> {
  const job = await requireJob(deps.db, idOrName);
  if (isJobActive(job)) {
    throw new AppError("JOB_RUNNING", `job '${job.name}' is running: stop it before deleting it`);
  }
  await deps.db.$transaction(async (tx) => {
    // What the processor keeps outside the job's own rows (count-by-key's per-batch deltas) goes too.
    if (hasProcessor(job.processor)) await getProcessor(job.processor).clear?.(job.id, tx);
    await deleteJob(tx, job.id);
    await recordAudit(tx, {
      actor: deps.actor ?? "system",
      action: "job.delete",
      targetType: "job",
      targetId: job.id,
      details: { before: { name: job.name, topics: job.topics, processor: job.processor, processorConfig: job.processorConfig, status: job.status } },
    });
  });
}

export async function startJob(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  return changeDesiredState(deps, idOrName, "running");
}

export async function stopJob(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  return changeDesiredState(deps, idOrName, "stopped");
}

/**
 * Start or stop: the desired state and its audit entry (state before and after) commit together. A start
 * of a job that already runs changes nothing (its runner would never report "running" again).
 */
async function changeDesiredState(deps: JobServiceDeps, idOrName: string, desiredState: "running" | "stopped"): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  const updated = await deps.db.$transaction(async (tx) => {
    const current = (await findJob(tx, job.id)) ?? job;
    // A job asked to run that has a runner already: asking again must not reset it to "starting".
    if (desiredState === "running" && current.desiredState === "running" && hasRunner(current.status)) return current;
    const row = await setDesiredState(tx, job.id, desiredState);
    await recordAudit(tx, {
      actor: deps.actor ?? "system",
      action: desiredState === "running" ? "job.start" : "job.stop",
      targetType: "job",
      targetId: job.id,
      details: {
        name: job.name,
        before: { desiredState: job.desiredState, status: job.status },
        after: { desiredState: row.desiredState, status: row.status },
      },
    });
    return row;
  });
  return toJobDto(updated, await totalLag(deps, updated));
}
