/**
 * Alert conditions: one small pure function per condition, each judging one target's current signals.
 * The evaluator (lib/server/alerts) reads the signals from the database and keeps the state machine
 * (lib/domain/alert-state.ts); nothing here does I/O.
 */

export const alertSeverities = ["info", "warning", "critical"] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export const alertConditionTypes = ["lag", "time-lag", "eta", "status", "job-failed", "job-not-running", "falling-behind", "dead-letters"] as const;
export type AlertConditionType = (typeof alertConditionTypes)[number];

export type AlertCondition =
  | { type: "lag"; threshold: number }
  | { type: "time-lag"; thresholdSeconds: number }
  | { type: "eta"; thresholdSeconds: number }
  | { type: "status"; atLeast: "WARN" | "ERR" }
  | { type: "job-failed" }
  | { type: "job-not-running" }
  | { type: "falling-behind"; batches: number }
  | { type: "dead-letters"; threshold: number; windowSeconds: number };

/** Conditions that only make sense for a Tidemark job (a consumer group has no batches or runtime status). */
export const jobOnlyConditions: ReadonlySet<AlertConditionType> = new Set(["job-failed", "job-not-running", "falling-behind", "dead-letters"]);

export type TargetKind = "job" | "group";

/** What the evaluator knows about one job or consumer group at one tick. `null`: not known (no sample yet). */
export interface AlertTargetSignals {
  /** "job:<id>" | "group:<group id>" */
  key: string;
  kind: TargetKind;
  /** Job id, or group id */
  id: string;
  /** Job name, or group id */
  name: string;
  /** Total lag in records */
  lag: number | null;
  /** Age of the oldest unconsumed record, ms */
  timeLagMs: number | null;
  eta: { state: "caught-up" | "catching-up" | "never" | "unknown"; ms: number | null } | null;
  /** Burrow-style status of the job or group (stale samples count as ERR) */
  status: "OK" | "WARN" | "ERR" | null;
  /** Jobs only */
  job?: {
    status: string;
    desiredState: string;
    statusMessage: string | null;
    /** Newest succeeded batches in a row whose processing time exceeded the batch interval */
    slowBatchStreak: number;
    /** Dead-letter records added within each window asked for, keyed by window in ms */
    deadLettersAdded: Record<number, number>;
    /**
     * The job runtime process is down (it crashed and has not yet stayed up again): the job's stored status
     * still says what it was, as nothing runs the job to change it. Optional: false when not known.
     */
    runtimeDown?: boolean;
    /**
     * No instance holds a live lease on the job (none, released, or expired on the database clock), so nothing
     * runs it whatever its stored status says. Optional: false when not known.
     */
    noLiveOwner?: boolean;
  };
}

export interface ConditionResult {
  active: boolean;
  /** The measured value, in `unit` */
  value: number | null;
  threshold: number | null;
  unit: string;
}

const result = (active: boolean, value: number | null, threshold: number | null, unit: string): ConditionResult => ({ active, value, threshold, unit });

export function lagAbove(s: AlertTargetSignals, threshold: number): ConditionResult | null {
  return s.lag === null ? null : result(s.lag > threshold, s.lag, threshold, "records");
}

export function timeLagAbove(s: AlertTargetSignals, thresholdSeconds: number): ConditionResult | null {
  if (s.timeLagMs === null) return null;
  const seconds = s.timeLagMs / 1000;
  return result(seconds > thresholdSeconds, seconds, thresholdSeconds, "seconds");
}

/** ETA to catch up longer than T, or "never" (falling behind): the value is Infinity then. */
export function etaAbove(s: AlertTargetSignals, thresholdSeconds: number): ConditionResult | null {
  if (!s.eta || s.eta.state === "unknown") return null;
  const seconds = s.eta.state === "never" ? Number.POSITIVE_INFINITY : s.eta.state === "caught-up" ? 0 : (s.eta.ms ?? 0) / 1000;
  return result(seconds > thresholdSeconds, seconds, thresholdSeconds, "seconds");
}

const statusRank = { OK: 0, WARN: 1, ERR: 2 } as const;

/** Status at or above WARN or ERR; the value is the rank (0 OK, 1 WARN, 2 ERR). */
export function statusAtLeast(s: AlertTargetSignals, atLeast: "WARN" | "ERR"): ConditionResult | null {
  if (s.status === null) return null;
  return result(statusRank[s.status] >= statusRank[atLeast], statusRank[s.status], statusRank[atLeast], "status");
}

export function jobFailed(s: AlertTargetSignals): ConditionResult | null {
  return s.job ? result(s.job.status === "failed", s.job.status === "failed" ? 1 : 0, null, "") : null;
}

/**
 * Asked to run, yet not running: stopped, waiting for Kafka, or its status says running but the runtime process
 * that runs it is down or no instance holds its lease. Failed has its own condition.
 */
export function jobNotRunning(s: AlertTargetSignals): ConditionResult | null {
  if (!s.job) return null;
  const wanted = s.job.desiredState === "running" && s.job.status !== "failed";
  const down = wanted && (s.job.status === "stopped" || s.job.status === "waiting" || s.job.runtimeDown === true || s.job.noLiveOwner === true);
  return result(down, down ? 1 : 0, null, "");
}

/** Processing time over the batch interval for `batches` consecutive batches (Spark's "falling behind"). */
export function fallingBehind(s: AlertTargetSignals, batches: number): ConditionResult | null {
  return s.job ? result(s.job.slowBatchStreak >= batches, s.job.slowBatchStreak, batches, "batches") : null;
}

/** More than `threshold` dead-letter records added within the window. */
export function deadLettersAdded(s: AlertTargetSignals, threshold: number, windowSeconds: number): ConditionResult | null {
  if (!s.job) return null;
  const added = s.job.deadLettersAdded[windowSeconds * 1000] ?? 0;
  return result(added > threshold, added, threshold, "records");
}

/** Judges one condition on one target; null when the signal is not known yet (treated as not holding). */
export function evaluateCondition(c: AlertCondition, s: AlertTargetSignals): ConditionResult | null {
  if (jobOnlyConditions.has(c.type) && s.kind !== "job") return null;
  switch (c.type) {
    case "lag":
      return lagAbove(s, c.threshold);
    case "time-lag":
      return timeLagAbove(s, c.thresholdSeconds);
    case "eta":
      return etaAbove(s, c.thresholdSeconds);
    case "status":
      return statusAtLeast(s, c.atLeast);
    case "job-failed":
      return jobFailed(s);
    case "job-not-running":
      return jobNotRunning(s);
    case "falling-behind":
      return fallingBehind(s, c.batches);
    case "dead-letters":
      return deadLettersAdded(s, c.threshold, c.windowSeconds);
  }
}

const n = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "never";
  if (seconds < 120) return `${n.format(seconds)} s`;
  if (seconds < 7200) return `${n.format(seconds / 60)} min`;
  return `${n.format(seconds / 3600)} h`;
}

/** The condition as people read it: "lag > 1,000 records". */
export function describeCondition(c: AlertCondition): string {
  switch (c.type) {
    case "lag":
      return `lag > ${n.format(c.threshold)} records`;
    case "time-lag":
      return `time lag > ${formatSeconds(c.thresholdSeconds)}`;
    case "eta":
      return `ETA to catch up > ${formatSeconds(c.thresholdSeconds)} or never`;
    case "status":
      return `status at or above ${c.atLeast}`;
    case "job-failed":
      return "job failed";
    case "job-not-running":
      return "job stopped without a user asking";
    case "falling-behind":
      return `processing time > batch interval for ${c.batches} batches in a row`;
    case "dead-letters":
      return `more than ${n.format(c.threshold)} dead-letter records in ${formatSeconds(c.windowSeconds)}`;
  }
}

/** The measured value as people read it. */
export function formatValue(c: AlertCondition, value: number | null): string {
  if (value === null) return "—";
  switch (c.type) {
    case "lag":
      return `${n.format(value)} records`;
    case "time-lag":
    case "eta":
      return formatSeconds(value);
    case "status":
      return ["OK", "WARN", "ERR"][value] ?? String(value);
    case "job-failed":
    case "job-not-running":
      return value ? "yes" : "no";
    case "falling-behind":
      return `${n.format(value)} batches`;
    case "dead-letters":
      return `${n.format(value)} records`;
  }
}

/** Shell-style glob for consumer-group targets: `*` any run of characters, `?` one character. */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
  return re.test(name);
}
