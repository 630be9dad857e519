/**
 * Burrow's consumer lag evaluation rules (linkedin/Burrow, core/internal/evaluator), one small pure function
 * per rule. A partition is judged over a sliding window of its last commits — offset, when it was committed,
 * and the lag at that moment — plus the recent log-end offsets and the current lag. No thresholds.
 */

export const partitionStatuses = ["OK", "WARN", "STOP", "STALL", "REWIND"] as const;
export type PartitionLagStatus = (typeof partitionStatuses)[number];
/** A job's or group's status: the worst partition status, capped at ERR as Burrow does; ERR also when samples are stale. */
export const lagStatuses = ["OK", "WARN", "ERR"] as const;
export type LagStatus = (typeof lagStatuses)[number];

/** One entry of Burrow's window: a commit of `offset` at `timestamp` (epoch ms), `lag` records behind then. */
export interface CommitObservation {
  offset: number;
  timestamp: number;
  lag: number | null;
}

/** Burrow's severity order: OK < WARN < ERR < STOP < STALL < REWIND. */
const severity: Record<PartitionLagStatus | "ERR", number> = { OK: 1, WARN: 2, ERR: 3, STOP: 4, STALL: 5, REWIND: 6 };

/** Rule 1: if the lag was zero anywhere in the window, the window is OK. */
export function isLagAlwaysNotZero(offsets: CommitObservation[]): boolean {
  return offsets.every((o) => o.lag === null || o.lag !== 0);
}

/** Rule 2: the committed offset went backwards from one commit to the next (REWIND). */
export function checkIfOffsetsRewind(offsets: CommitObservation[]): boolean {
  for (let i = 1; i < offsets.length; i++) if (offsets[i].offset < offsets[i - 1].offset) return true;
  return false;
}

/** Rule 3: the time since the last commit is longer than the window spans: the consumer stopped committing (STOP). */
export function checkIfOffsetsStopped(offsets: CommitObservation[], nowMs: number): boolean {
  const first = offsets[0].timestamp;
  const last = offsets[offsets.length - 1].timestamp;
  return nowMs - last > last - first;
}

/** Rule 4: the consumer commits, but the offset never changes while there is lag (STALL). */
export function checkIfOffsetsStalled(offsets: CommitObservation[]): boolean {
  for (let i = 1; i < offsets.length; i++) if (offsets[i].offset !== offsets[i - 1].offset) return false;
  return true;
}

/** Rule 5: offsets advance but the lag never decreases: the consumer is too slow (WARN). */
export function checkIfLagNotDecreasing(offsets: CommitObservation[]): boolean {
  let last: number | null = null;
  for (const o of offsets) {
    if (o.lag === null) continue;
    if (last !== null && o.lag < last) return false;
    last = o.lag;
  }
  return true;
}

/** The consumer had zero lag against one of the recent log-end offsets: too soon to call it stopped (Burrow #303). */
export function checkIfRecentLagZero(offsets: CommitObservation[], brokerOffsets: number[]): boolean {
  const lastOffset = offsets[offsets.length - 1].offset;
  return brokerOffsets.some((end) => end <= lastOffset);
}

/** The rules in Burrow's order: a current lag of zero is always OK; STOP first; then, unless lag was ever zero, REWIND, STALL, WARN. */
export function calculatePartitionStatus(
  offsets: CommitObservation[],
  brokerOffsets: number[],
  currentLag: number,
  nowMs: number,
): PartitionLagStatus {
  if (offsets.length === 0 || currentLag <= 0) return "OK";
  if (checkIfOffsetsStopped(offsets, nowMs) && !checkIfRecentLagZero(offsets, brokerOffsets)) return "STOP";
  if (isLagAlwaysNotZero(offsets)) {
    if (checkIfOffsetsRewind(offsets)) return "REWIND";
    if (checkIfOffsetsStalled(offsets)) return "STALL";
    if (checkIfLagNotDecreasing(offsets)) return "WARN";
  }
  return "OK";
}

/** A group's status from its partitions' (Burrow): the worst one, where STOP, STALL and REWIND count as ERR. */
export function aggregateStatus(statuses: PartitionLagStatus[]): LagStatus {
  let worst: PartitionLagStatus | "ERR" = "OK";
  for (const s of statuses) if (severity[s] > severity[worst]) worst = s;
  return severity[worst] >= severity.ERR ? "ERR" : (worst as LagStatus);
}

/** The most severe partition status (for display next to ERR: "ERR · STOP"). */
export function worstPartitionStatus(statuses: PartitionLagStatus[]): PartitionLagStatus {
  return statuses.reduce<PartitionLagStatus>((w, s) => (severity[s] > severity[w] ? s : w), "OK");
}
