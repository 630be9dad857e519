/** Lag trend and time to catch up, from a window of (time, lag, position, log end) points. Pure. */

export interface TrendPoint {
  /** epoch ms */
  ts: number;
  lag: number;
  /** Sum of the consumer's positions (what it has read up to) */
  position: number;
  /** Sum of the log-end offsets */
  logEnd: number;
}

export interface LagTrend {
  /** Change of the lag in records per second: positive means falling behind. */
  lagPerSec: number;
  /** Records per second the consumer reads. */
  consumeRate: number;
  /** Records per second producers append. */
  produceRate: number;
}

export const etaStates = ["caught-up", "catching-up", "never", "unknown"] as const satisfies readonly Eta["state"][];
export type Eta =
  | { state: "caught-up"; ms: 0 }
  | { state: "catching-up"; ms: number }
  | { state: "never"; ms: null }
  | { state: "unknown"; ms: null };

/** Least-squares slope of y over x (x in ms), per second; 0 with fewer than two distinct times. */
export function slopePerSecond(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

export function lagTrend(points: TrendPoint[]): LagTrend {
  return {
    lagPerSec: slopePerSecond(points.map((p) => ({ x: p.ts, y: p.lag }))),
    consumeRate: Math.max(0, slopePerSecond(points.map((p) => ({ x: p.ts, y: p.position })))),
    produceRate: Math.max(0, slopePerSecond(points.map((p) => ({ x: p.ts, y: p.logEnd })))),
  };
}

/**
 * Time to reach zero lag: lag ÷ (consume rate − produce rate). "never" when the consumer reads no faster
 * than producers write; "unknown" with too few points to tell.
 */
export function etaToCatchUp(lag: number, trend: LagTrend | null, sampleIntervalMs = 0): Eta {
  if (lag <= 0) return { state: "caught-up", ms: 0 };
  if (!trend) return { state: "unknown", ms: null };
  // A consumer that reads its whole lag within one sample interval is keeping up: the lag is just the
  // records that arrived since its last read, and the two rates are too close for their difference to mean much.
  if (trend.consumeRate > 0 && lag <= (trend.consumeRate * sampleIntervalMs) / 1000) {
    return { state: "catching-up", ms: Math.round((lag / trend.consumeRate) * 1000) };
  }
  const net = trend.consumeRate - trend.produceRate;
  if (net <= 0) return { state: "never", ms: null };
  return { state: "catching-up", ms: Math.round((lag / net) * 1000) };
}
