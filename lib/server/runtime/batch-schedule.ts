/**
 * The next batch time: one interval after the previous one. When a batch overran by more than a
 * whole interval, the next starts now instead of queueing every missed slot: each batch reads up
 * to the log end anyway, so missed slots hold no work of their own.
 */
export function nextBatchTime(previous: number, intervalMs: number, now: number): number {
  const next = previous + intervalMs;
  return now - next > intervalMs ? now : next;
}
