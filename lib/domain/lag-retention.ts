/** Retention and roll-up tiers of lag samples, and bucket sizes for range reads. Pure. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "7d", "36h", "90m", "45s", "500ms" or a plain number of milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a duration (e.g. 7d, 36h, 90m, 45s, 500ms)`);
  const unit = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY }[(m[2] ?? "ms") as "ms"];
  return Math.round(Number(m[1]) * unit);
}

export interface RollupTier {
  /** 0 for raw samples, else the bucket width in ms */
  resolutionMs: number;
  /** Rows of this tier younger than this stay; older ones move to the next tier (or are deleted). */
  keepMs: number;
}

/** Raw samples for 6 h, 1-minute buckets up to 2 days, 15-minute buckets up to the retention (clipped to it). */
export function rollupTiers(retentionMs: number): RollupTier[] {
  const tiers: RollupTier[] = [
    { resolutionMs: 0, keepMs: 6 * HOUR },
    { resolutionMs: MINUTE, keepMs: 2 * DAY },
    { resolutionMs: 15 * MINUTE, keepMs: retentionMs },
  ];
  const out: RollupTier[] = [];
  for (const t of tiers) {
    const keepMs = Math.min(t.keepMs, retentionMs);
    if (out.length === 0 || keepMs > out[out.length - 1].keepMs) out.push({ ...t, keepMs });
  }
  return out;
}

/**
 * Rows of `tier` older than the returned time are rolled into `next`: the cut is aligned down to the next
 * tier's bucket width, so only whole buckets move and a bucket is never split between two roll-ups.
 */
export function rollupCutoff(nowMs: number, tier: RollupTier, next: RollupTier): number {
  const cut = nowMs - tier.keepMs;
  return Math.floor(cut / next.resolutionMs) * next.resolutionMs;
}

/**
 * The most rows one series can hold at once, sampled every `intervalMs` with roll-ups every
 * `maintenanceEveryMs`: each tier spans its own keep time, plus one bucket of the next tier (cuts are
 * aligned to it), plus one of its own (the younger tier's cut), plus the time between two roll-ups.
 */
export function maxRowsPerSeries(intervalMs: number, tiers: RollupTier[], maintenanceEveryMs = 60_000): number {
  let rows = 0;
  let youngerKeep = 0;
  tiers.forEach((t, i) => {
    const next = tiers[i + 1]?.resolutionMs ?? 0;
    const span = t.keepMs - youngerKeep + next + t.resolutionMs + maintenanceEveryMs;
    rows += Math.ceil(span / Math.max(t.resolutionMs, intervalMs)) + 1;
    youngerKeep = t.keepMs;
  });
  return rows;
}

const NICE_BUCKETS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR,
  6 * HOUR, 12 * HOUR, DAY,
];

/** The smallest round bucket width that gives at most `maxPoints` buckets over [from, to]. */
export function bucketMsFor(fromMs: number, toMs: number, maxPoints: number): number {
  const span = Math.max(1, toMs - fromMs);
  // Buckets are aligned to multiples of their width, so a range can touch one more bucket than span/width.
  const needed = span / Math.max(1, maxPoints - 1);
  return NICE_BUCKETS.find((b) => b >= needed) ?? Math.ceil(needed / DAY) * DAY;
}
