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
  /** Rows of this tier older than this are deleted. */
  keepMs: number;
}

/**
 * Every tier that may exist, finest first. Like a round-robin database, the tiers overlap: each is built
 * from the next finer one as its buckets complete, and kept for its own time, so a read can take the
 * coarsest tier that still gives it the bucket width it wants. Raw samples 6 h, 1-minute buckets 2 days,
 * 15-minute and 1-hour buckets up to the retention.
 */
const TIER_PLAN: RollupTier[] = [
  { resolutionMs: 0, keepMs: 6 * HOUR },
  { resolutionMs: MINUTE, keepMs: 2 * DAY },
  { resolutionMs: 15 * MINUTE, keepMs: Infinity },
  { resolutionMs: HOUR, keepMs: Infinity },
];

/** The resolutions a stored row can have (a subset is in use, see rollupTiers). */
export const TIER_RESOLUTIONS: readonly number[] = TIER_PLAN.map((t) => t.resolutionMs);

/**
 * The tiers to keep for a retention and a sampling interval, raw first, each clipped to the retention.
 * A tier no coarser than the interval would copy the raw samples, so it is left out; so is a tier whose
 * buckets are too wide for its source tier (the next finer one) to still hold a whole bucket, with room
 * to spare, when it completes.
 */
export function rollupTiers(retentionMs: number, intervalMs: number): RollupTier[] {
  const out: RollupTier[] = [];
  for (const t of TIER_PLAN) {
    const keepMs = Math.min(t.keepMs, retentionMs);
    const source = out.at(-1);
    if (source && (t.resolutionMs <= intervalMs || 2 * t.resolutionMs > source.keepMs)) continue;
    out.push({ resolutionMs: t.resolutionMs, keepMs });
  }
  return out;
}

/**
 * The most rows one series can hold at once, sampled every `intervalMs` with roll-ups and pruning every
 * `maintenanceEveryMs`: each tier spans its keep time plus the time between two prunes, one row per
 * bucket (or per sample, for raw rows).
 */
export function maxRowsPerSeries(intervalMs: number, tiers: RollupTier[], maintenanceEveryMs = 60_000): number {
  return tiers.reduce((rows, t) => rows + Math.ceil((t.keepMs + maintenanceEveryMs) / Math.max(t.resolutionMs, intervalMs)) + 1, 0);
}

/** The span of time one tier holds for a subject: [fromMs, untilMs), `untilMs` Infinity for raw samples. */
export interface TierSpan {
  resolutionMs: number;
  fromMs: number;
  untilMs: number;
}

/**
 * Which tier to read for which part of [fromMs, toMs] (inclusive), to group rows into `bucketMs` buckets.
 * Each instant is read from the coarsest tier that holds it and whose width divides the bucket (a bucket
 * then sums whole tier rows); where none of those holds it (older than their keep time), from the finest
 * tier that does. The result is ordered, without overlaps: where a finer tier follows a coarser one, it
 * starts at the end of the coarser tier's last bucket, which already counts the time up to there. The first
 * tier row may start before `fromMs` (it lands in the first bucket, which does too).
 */
export function planTierReads(spans: TierSpan[], fromMs: number, toMs: number, bucketMs: number): TierSpan[] {
  const end = toMs + 1;
  const cuts = [...new Set([fromMs, end, ...spans.flatMap((s) => [s.fromMs, s.untilMs])])].filter((c) => c >= fromMs && c <= end).sort((a, b) => a - b);
  const fits = (r: number) => r === 0 || (r <= bucketMs && bucketMs % r === 0);
  const picked: TierSpan[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const holding = spans.filter((s) => s.fromMs <= a && s.untilMs >= b);
    if (holding.length === 0) continue;
    const fitting = holding.filter((s) => fits(s.resolutionMs));
    const r = fitting.length > 0 ? Math.max(...fitting.map((s) => s.resolutionMs)) : Math.min(...holding.map((s) => s.resolutionMs));
    const last = picked.at(-1);
    if (last && last.resolutionMs === r && last.untilMs === a) last.untilMs = b;
    else picked.push({ resolutionMs: r, fromMs: a, untilMs: b });
  }
  const out: TierSpan[] = [];
  let counted = -Infinity;
  for (const s of picked) {
    const from = Math.max(s.resolutionMs > 0 ? Math.floor(s.fromMs / s.resolutionMs) * s.resolutionMs : s.fromMs, counted);
    if (from >= s.untilMs) continue;
    out.push({ ...s, fromMs: from });
    counted = s.resolutionMs > 0 ? Math.ceil(s.untilMs / s.resolutionMs) * s.resolutionMs : s.untilMs;
  }
  return out;
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
