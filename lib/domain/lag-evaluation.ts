/**
 * Turns stored lag samples into Burrow's inputs and evaluates them. Tidemark samples every interval
 * instead of receiving each commit, so a sample counts as a commit when the consumer was alive (a running
 * job, a group with members: Burrow would see it commit) or when its offset moved.
 */
import { aggregateStatus, calculatePartitionStatus, worstPartitionStatus, type CommitObservation, type LagStatus, type PartitionLagStatus } from "./lag-status";
import { etaToCatchUp, lagTrend, type Eta, type LagTrend, type TrendPoint } from "./lag-trend";

export interface SampleForEvaluation {
  ts: number;
  committedOffset: number | null;
  logEndOffset: number;
  lag: number;
  timeLagMs: number;
  isCommit: boolean;
  commitTs: number | null;
}

export interface EvaluationSettings {
  nowMs: number;
  /** The sampling interval, ms */
  intervalMs: number;
  /** Commits in Burrow's window (its `intervals`, default 10) */
  windowSize: number;
}

export interface PartitionEvaluation {
  status: PartitionLagStatus;
  /** Fewer commits than the window holds: the status is provisional (Burrow's "complete" < 1). */
  complete: number;
}

/** One partition: its recent raw samples, oldest first. */
export function evaluatePartition(samples: SampleForEvaluation[], s: EvaluationSettings): PartitionEvaluation {
  const latest = samples.at(-1);
  if (!latest) return { status: "OK", complete: 0 };
  const commits: CommitObservation[] = samples
    .filter((x) => x.isCommit && x.committedOffset !== null)
    .slice(-s.windowSize)
    .map((x) => ({ offset: x.committedOffset as number, timestamp: x.ts, lag: x.lag }));
  const brokerOffsets = samples.slice(-s.windowSize).map((x) => x.logEndOffset);
  const complete = Math.min(1, commits.length / s.windowSize);

  if (commits.length < 2) {
    // Not enough commits for a window (a consumer that stopped long ago, or one just seen): with the last
    // known commit time, STOP once it is older than a whole window would span; otherwise OK for now.
    if (latest.lag <= 0 || latest.commitTs === null || latest.committedOffset === null) return { status: "OK", complete };
    const position = latest.committedOffset;
    const recentLagZero = brokerOffsets.some((end) => end <= position);
    const stopped = s.nowMs - latest.commitTs > s.windowSize * s.intervalMs && !recentLagZero;
    return { status: stopped ? "STOP" : "OK", complete };
  }
  return { status: calculatePartitionStatus(commits, brokerOffsets, latest.lag, s.nowMs), complete };
}

export interface SubjectEvaluation {
  status: LagStatus;
  /** Worst partition status (STOP, STALL, REWIND under an ERR) */
  worst: PartitionLagStatus;
  /** Samples are older than three intervals: the sampler is not running or Kafka does not answer. */
  stale: boolean;
  trend: LagTrend | null;
  eta: Eta;
}

/**
 * A job or group: Burrow's aggregate of its partitions, ERR when the newest sample is stale, and the
 * trend and ETA from its total series (newest `windowSize` samples).
 */
export function evaluateSubject(
  partitions: PartitionEvaluation[],
  totals: TrendPoint[],
  latestSampleTs: number | null,
  s: EvaluationSettings,
): SubjectEvaluation {
  const statuses = partitions.map((p) => p.status);
  const stale = latestSampleTs === null || s.nowMs - latestSampleTs > Math.max(3 * s.intervalMs, 15_000);
  const window = totals.slice(-s.windowSize);
  const trend = window.length >= 2 ? lagTrend(window) : null;
  const lag = totals.at(-1)?.lag ?? 0;
  return {
    status: stale && latestSampleTs !== null ? "ERR" : aggregateStatus(statuses),
    worst: worstPartitionStatus(statuses),
    stale,
    trend,
    eta: etaToCatchUp(lag, trend, s.intervalMs),
  };
}
