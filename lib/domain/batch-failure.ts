import { MAX_OUTAGE_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, retryDelayMs } from "./retry-delay";

/** Why a job stopped as `failed`: stored with the job, shown beside its message, matched by scripts. */
export const jobFailureCodes = [
  /** A stored offset lies outside the log and the job's onOutOfRange is "fail". */
  "OFFSET_OUT_OF_RANGE",
  /** A topic the job reads was deleted. */
  "TOPIC_DELETED",
  /** A batch failed maxAttempts times in a row. */
  "ATTEMPTS_EXHAUSTED",
  /** The job cannot run at all: its processor is unknown, or rejects the job's config. */
  "CANNOT_START",
] as const;
export type JobFailureCode = (typeof jobFailureCodes)[number];

/** What went wrong with a batch, as far as deciding what to do next needs to know. */
export type BatchFailure =
  /** Retrying cannot help (the plan itself is impossible). */
  | { kind: "fatal"; code: JobFailureCode; message: string }
  | { kind: "topics-deleted"; topics: string[] }
  /** Kafka cannot be reached: wait for it, without limit. */
  | { kind: "kafka-outage"; message: string }
  /** Anything else, Kafka's refusals included: a failed attempt. */
  | { kind: "attempt-failed"; message: string };

/** Failures in a row since the last batch that succeeded. */
export interface FailureStreak {
  attempts: number;
  kafkaFailures: number;
}

export const NO_FAILURES: FailureStreak = { attempts: 0, kafkaFailures: 0 };

export type FailureDecision =
  /** Stop the job as `failed`. */
  | { action: "fail"; code: JobFailureCode; message: string }
  /** Report `waiting` and try again after delayMs. */
  | { action: "wait"; message: string; delayMs: number; streak: FailureStreak }
  /** Stay `running` (with the message) and try the batch again after delayMs. */
  | { action: "retry"; message: string; delayMs: number; streak: FailureStreak };

/** The runner's retry / wait / fail rule for a batch that threw. */
export function decideAfterFailure(failure: BatchFailure, streak: FailureStreak, job: { maxAttempts: number; retryBackoffMs: number }): FailureDecision {
  switch (failure.kind) {
    case "fatal":
      return { action: "fail", code: failure.code, message: failure.message };
    case "topics-deleted":
      return {
        action: "fail",
        code: "TOPIC_DELETED",
        message: `topic ${failure.topics.map((t) => `'${t}'`).join(", ")} no longer exists; the job cannot read it`,
      };
    case "kafka-outage": {
      const kafkaFailures = streak.kafkaFailures + 1;
      return {
        action: "wait",
        message: `waiting for Kafka: ${failure.message}`,
        delayMs: retryDelayMs(kafkaFailures, job.retryBackoffMs, MAX_OUTAGE_RETRY_DELAY_MS),
        streak: { ...streak, kafkaFailures },
      };
    }
    case "attempt-failed": {
      const attempts = streak.attempts + 1;
      if (attempts >= job.maxAttempts) {
        return { action: "fail", code: "ATTEMPTS_EXHAUSTED", message: `failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${failure.message}` };
      }
      return {
        action: "retry",
        message: `retrying (attempt ${attempts + 1} of ${job.maxAttempts}) after: ${failure.message}`,
        delayMs: retryDelayMs(attempts, job.retryBackoffMs, MAX_RETRY_DELAY_MS),
        streak: { ...streak, attempts },
      };
    }
  }
}
