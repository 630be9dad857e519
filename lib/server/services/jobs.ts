import type { CreateJobCommand, JobDto, PartitionProgressDto } from "@/lib/contracts/jobs";
import type { KafkaLog } from "@/lib/domain/ports";
import { partitionKey } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { deleteJob, findJob, insertJob, listJobs, setDesiredState, toJobDto, type JobRecord } from "../stores/job-store";
import { readOffsets } from "../stores/offset-store";
import type { Db } from "../stores/tx";
import { asKafkaUnavailable } from "./kafka-errors";
import { assertTopicsExist } from "./topics";

export interface JobServiceDeps {
  db: Db;
  log: KafkaLog;
}

export async function requireJob(db: Db, idOrName: string): Promise<JobRecord> {
  const job = await findJob(db, idOrName);
  if (!job) throw new AppError("JOB_NOT_FOUND", `no job with id or name '${idOrName}'`);
  return job;
}

/** Per-partition progress: the job's stored offset against the log. */
export async function jobPartitions({ db, log }: JobServiceDeps, job: JobRecord): Promise<PartitionProgressDto[]> {
  const stored = new Map((await readOffsets(db, job.id)).map((o) => [partitionKey(o), o.offset]));
  let offsets;
  try {
    offsets = await log.logOffsets(job.topics);
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
  return offsets.map((o) => {
    const committed = stored.get(partitionKey(o)) ?? null;
    const readFrom = committed ?? (job.startingOffsets === "earliest" ? o.logStartOffset : o.logEndOffset);
    return {
      topic: o.topic,
      partition: o.partition,
      committedOffset: committed,
      logStartOffset: o.logStartOffset,
      logEndOffset: o.logEndOffset,
      lag: Math.max(0, o.logEndOffset - Math.max(readFrom, o.logStartOffset)),
    };
  });
}

async function totalLag(deps: JobServiceDeps, job: JobRecord): Promise<number | null> {
  try {
    return (await jobPartitions(deps, job)).reduce((sum, p) => sum + p.lag, 0);
  } catch {
    return null;
  }
}

export async function listJobDtos(deps: JobServiceDeps): Promise<JobDto[]> {
  const jobs = await listJobs(deps.db);
  return Promise.all(jobs.map(async (job) => toJobDto(job, await totalLag(deps, job))));
}

export async function getJobDto(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  return toJobDto(job, await totalLag(deps, job));
}

export async function createJob(deps: JobServiceDeps, command: CreateJobCommand): Promise<JobDto> {
  if (await findJob(deps.db, command.name)) {
    throw new AppError("JOB_NAME_TAKEN", `a job named '${command.name}' already exists`);
  }
  await assertTopicsExist(deps.log, command.topics);
  try {
    const job = await insertJob(deps.db, command);
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
  if (job.desiredState === "running" || job.status === "running" || job.status === "waiting" || job.status === "starting") {
    throw new AppError("JOB_RUNNING", `job '${job.name}' is running: stop it before deleting it`);
  }
  await deleteJob(deps.db, job.id);
}

export async function startJob(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  return toJobDto(await setDesiredState(deps.db, job.id, "running"), await totalLag(deps, job));
}

export async function stopJob(deps: JobServiceDeps, idOrName: string): Promise<JobDto> {
  const job = await requireJob(deps.db, idOrName);
  return toJobDto(await setDesiredState(deps.db, job.id, "stopped"), await totalLag(deps, job));
}
