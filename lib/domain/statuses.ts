/** What a job is doing, as the runtime reports it. */
export const jobStatuses = ["stopped", "starting", "running", "waiting", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** What the user asked of a job; the runtime's coordinator reconciles towards it. */
export const jobDesiredStates = ["running", "stopped"] as const;
export type JobDesiredState = (typeof jobDesiredStates)[number];

/**
 * A batch's status. The runtime moves it planned → running → succeeded | failed; `abandoned` is an
 * unfinished batch dropped (a reset, a change of topics, a range gone from the log); `rolled back` and
 * `cleared` are committed batches whose results a replay took out.
 */
export const batchStatuses = ["planned", "running", "succeeded", "failed", "abandoned", "rolled back", "cleared"] as const;
export type BatchStatus = (typeof batchStatuses)[number];

/** A batch in one of these has committed: its records were processed (a replay may roll it back later). */
export const committedBatchStatuses = ["succeeded", "rolled back", "cleared"] as const satisfies readonly BatchStatus[];
/** A batch in one of these may still commit (a failed batch is retried; a reset abandons it). */
export const unfinishedBatchStatuses = ["planned", "running", "failed"] as const satisfies readonly BatchStatus[];

/** Statuses in which the runtime has a runner for the job: reading, or about to. */
export const runnerStatuses = ["starting", "running", "waiting"] as const satisfies readonly JobStatus[];

export function hasRunner(status: JobStatus): boolean {
  return (runnerStatuses as readonly JobStatus[]).includes(status);
}

/** Running, or asked to run: settings, offsets and deletion wait until the job has stopped. */
export function isJobActive(job: { desiredState: JobDesiredState; status: JobStatus }): boolean {
  return job.desiredState === "running" || hasRunner(job.status);
}
