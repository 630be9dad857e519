/**
 * Backpressure (Spark's idea, simpler rule): while a batch takes longer than the batch interval,
 * the next batches read fewer records per partition; once batches are fast again, the cap grows
 * back until it reaches the configured one (the runtime always passes one: the job's, or the
 * server's default). With none it keeps growing while batches fill it and is never removed.
 */
export interface BackpressureInput {
  /** The user's maxRecordsPerPartition; null = no cap. */
  configuredCap: number | null;
  /** The cap the last batch was planned with; null = none. */
  currentCap: number | null;
  /** Largest number of records the last batch read from one partition. */
  lastMaxPartitionRecords: number;
  processingTimeMs: number;
  intervalMs: number;
}

const MIN_CAP = 100;
const GROWTH = 1.5;

/** The cap for the next batch; null = no cap. */
export function nextRecordCap(input: BackpressureInput): number | null {
  const { configuredCap, currentCap, lastMaxPartitionRecords, processingTimeMs, intervalMs } = input;
  const clampToConfigured = (cap: number) => (configuredCap === null ? cap : Math.min(cap, configuredCap));
  if (processingTimeMs > intervalMs && lastMaxPartitionRecords > 0) {
    // Aim at 80% of the interval at the observed rate.
    const base = Math.min(currentCap ?? lastMaxPartitionRecords, lastMaxPartitionRecords);
    const shrunk = Math.floor((base * 0.8 * intervalMs) / processingTimeMs);
    return clampToConfigured(Math.max(MIN_CAP, shrunk));
  }
  if (currentCap === null) return configuredCap;
  if (processingTimeMs < intervalMs / 2 && lastMaxPartitionRecords >= currentCap) {
    const grown = Math.ceil(currentCap * GROWTH);
    if (configuredCap !== null) return Math.min(grown, configuredCap);
    // No configured cap: grow while batches fill the cap. It is not removed, but once it is above
    // what a batch finds to read, batches are no longer full and it stays where it is.
    return grown;
  }
  return currentCap;
}
