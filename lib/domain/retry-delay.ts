/**
 * How long a job waits before trying a failed batch again: exponential from the job's
 * retryBackoffMs, doubling with each failure, capped.
 */

/** The longest wait between two attempts at a failing batch. */
export const MAX_RETRY_DELAY_MS = 30_000;
/** Kafka outages retry without limit, but check at least this often whether the broker is back. */
export const MAX_OUTAGE_RETRY_DELAY_MS = 5_000;

/** The wait after the `failures`-th failure in a row (1, 2, …): base, 2×base, 4×base, … up to maxMs. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  // The exponent stops growing once the cap is reached anyway: 2 ** 1024 would be Infinity.
  const doublings = Math.min(Math.max(0, failures - 1), 52);
  return Math.min(maxMs, baseMs * 2 ** doublings);
}
