/** Jobs, their batches, history, lag, results and offset resets (app/api/jobs/**), and the processors they run. */
import { createJobSchema, deadLettersQuerySchema, jobDtoSchema, listQuerySchema, recordsQuerySchema, resultsQuerySchema, updateJobSchema } from "@/lib/contracts/jobs";
import { batchSeriesSchema, jobLagQuerySchema, lagEvaluationSchema, lagSeriesSchema, rangeQuerySchema } from "@/lib/contracts/lag";
import { resetRequestSchema } from "@/lib/contracts/resets";
import type { PathSpecs } from "./operation";

const JOB = "/api/jobs/{id}";

export const jobPaths: PathSpecs = {
  "/api/processors": {
    get: { summary: "Built-in and processors-folder processors: name, description, config JSON Schema, result columns", returns: "Processors (ProcessorDto)", list: true },
  },
  "/api/jobs": {
    get: { summary: "Every job with status, records processed and total lag", returns: "Jobs (JobDto)", list: true, response: jobDtoSchema, errors: ["KAFKA_UNAVAILABLE"] },
    post: { summary: "Create a job (stopped)", body: createJobSchema, status: 201, returns: "The job (JobDto)", response: jobDtoSchema, errors: ["JOB_NAME_TAKEN", "UNKNOWN_TOPIC", "KAFKA_UNAVAILABLE"] },
  },
  [JOB]: {
    get: { summary: "One job, by id or name", returns: "The job (JobDto)", response: jobDtoSchema, errors: ["JOB_NOT_FOUND", "KAFKA_UNAVAILABLE"] },
    patch: {
      summary: "Change a stopped job's settings; its offsets and results stay",
      body: updateJobSchema,
      returns: "The job (JobDto)", response: jobDtoSchema,
      errors: ["JOB_NOT_FOUND", "JOB_RUNNING", "UNKNOWN_TOPIC", "KAFKA_UNAVAILABLE"],
    },
    delete: { summary: "Delete a stopped job with its offsets, batches and results", status: 204, returns: "Deleted", errors: ["JOB_NOT_FOUND", "JOB_RUNNING"] },
  },
  [`${JOB}/start`]: { post: { summary: "Ask the runtime to run the job (also restarts a failed job)", returns: "The job (JobDto)", response: jobDtoSchema, errors: ["JOB_NOT_FOUND"] } },
  [`${JOB}/stop`]: { post: { summary: "Ask the runtime to stop the job; a batch in flight is not committed", returns: "The job (JobDto)", response: jobDtoSchema, errors: ["JOB_NOT_FOUND"] } },
  [`${JOB}/partitions`]: {
    get: { summary: "Per partition: committed offset, log start/end, lag", returns: "Partitions (PartitionProgressDto)", list: true, errors: ["JOB_NOT_FOUND", "KAFKA_UNAVAILABLE"] },
  },
  [`${JOB}/batches`]: {
    get: { summary: "Batches newest first, with offset ranges and timings", query: listQuerySchema, returns: "Batches (BatchDto)", list: true, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/batches/series`]: {
    get: { summary: "Input rate, processing time, scheduling and total delay per time bucket", query: rangeQuerySchema, returns: "BatchSeriesDto", response: batchSeriesSchema, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/batches/{batchId}`]: {
    get: { summary: "One batch: offset ranges per partition, records, timings, error", returns: "BatchDto", errors: ["JOB_NOT_FOUND", "BATCH_NOT_FOUND"] },
  },
  [`${JOB}/lag`]: {
    get: { summary: "Lag history: the total, and partitions on request (at most 500 points each)", query: jobLagQuerySchema, returns: "LagSeriesDto", response: lagSeriesSchema, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/status`]: {
    get: { summary: "Burrow-style evaluation per partition and for the job, lag trend and ETA", returns: "LagEvaluationDto", response: lagEvaluationSchema, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/results`]: {
    get: {
      summary: "The job's results as its processor lists them (columns: GET /api/processors)",
      query: resultsQuerySchema,
      returns: "Result rows in the processor's columns",
      list: true,
      errors: ["JOB_NOT_FOUND", "PROCESSOR_NOT_LOADED"],
    },
  },
  [`${JOB}/dead-letters`]: {
    get: { summary: "Records skipped under onError 'skip', newest first", query: deadLettersQuerySchema, returns: "Dead letters (DeadLetterDto)", list: true, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/records`]: {
    get: { summary: "What store-records kept, newest offsets first", query: recordsQuerySchema, returns: "Stored records (StoredRecordDto)", list: true, errors: ["JOB_NOT_FOUND"] },
  },
  [`${JOB}/offsets/reset`]: {
    get: { summary: "What a reset of this job can do with its results (rollback, clear, re-reading)", returns: "ResetOptionsDto", errors: ["JOB_NOT_FOUND", "PROCESSOR_NOT_LOADED"] },
    post: {
      summary: "Preview (dryRun, the default) or apply a previewed offset reset of a stopped job",
      description: "Applying (`dryRun: false`) needs the preview's `partitions` as `expect`.",
      body: resetRequestSchema,
      returns: "The plan (ResetPlanDto), or the applied reset (AppliedResetDto)",
      errors: [
        "JOB_NOT_FOUND",
        "JOB_RUNNING",
        "UNKNOWN_PARTITION",
        "BATCH_NOT_FOUND",
        "PLAN_STALE",
        "BATCH_EXPIRED",
        "BATCH_NOT_ROLLBACKABLE",
        "ROLLBACK_UNSUPPORTED",
        "CLEAR_UNSUPPORTED",
        "PARTIAL_SCOPE",
        "ROLLBACK_INCOMPLETE",
        "PROCESSOR_NOT_LOADED",
        "KAFKA_UNAVAILABLE",
      ],
    },
  },
  [`${JOB}/resets`]: {
    get: { summary: "Applied offset resets, newest first", query: listQuerySchema, returns: "Applied resets (AppliedResetDto)", list: true, errors: ["JOB_NOT_FOUND"] },
  },
};
