/**
 * Scales, ticks and SVG paths for TimeChart: plain functions of numbers, so a chart of 64 series × 100
 * points is a few thousand arithmetic operations and one string per series (no per-point components).
 */

export interface Point {
  x: number;
  y: number;
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/**
 * "Nice" value ticks covering [min, max]: about `count` of them, a step of 1, 2, 2.5 or 5 × 10^n (whole
 * numbers when `integers`), the domain widened to the outer ticks. An empty or flat range gets [0, 1].
 */
export function niceTicks(min: number, max: number, count = 5, integers = true): { domain: [number, number]; ticks: number[] } {
  let lo = Math.min(0, min);
  let hi = max;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) {
    lo = Math.min(0, Number.isFinite(min) ? min : 0);
    hi = lo + 1;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  if (integers) step = Math.max(1, Math.ceil(step));
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0, v = first; v <= last + step / 2 && i < 100; i++, v = first + i * step) ticks.push(Number(v.toPrecision(12)));
  return { domain: [first, ticks[ticks.length - 1]], ticks };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR];

/**
 * Time ticks in [from, to] on round local times (every 5 minutes, 3 hours, midnight ...), at most one per
 * `minSpacingPx` of `widthPx`. `tzOffsetMs` is how far local time is ahead of UTC.
 */
export function timeTicks(from: number, to: number, widthPx: number, minSpacingPx: number, tzOffsetMs = 0): number[] {
  const span = to - from;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const most = Math.max(1, Math.floor(widthPx / minSpacingPx));
  const step = TIME_STEPS.find((s) => span / s <= most) ?? Math.ceil(span / most / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + tzOffsetMs) / step) * step - tzOffsetMs; t <= to; t += step) ticks.push(t);
  return ticks;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** A polyline through the points: "M x,y L x,y ...". */
export function linearPath(points: Point[]): string {
  let d = "";
  for (let i = 0; i < points.length; i++) d += `${i === 0 ? "M" : "L"}${r1(points[i].x)},${r1(points[i].y)}`;
  return d;
}

/**
 * A smooth curve through the points that never overshoots them (monotone in x: Steffen's method, as d3's
 * curveMonotoneX draws it), as cubic Béziers. Points must be sorted by x.
 */
export function monotonePath(points: Point[]): string {
  const n = points.length;
  if (n < 3) return linearPath(points);
  const slope = (i: number) => (points[i + 1].y - points[i].y) / (points[i + 1].x - points[i].x || 1);
  const tangents = new Array<number>(n);
  for (let i = 1; i < n - 1; i++) {
    const h0 = points[i].x - points[i - 1].x;
    const h1 = points[i + 1].x - points[i].x;
    const s0 = slope(i - 1);
    const s1 = slope(i);
    const p = (s0 * h1 + s1 * h0) / (h0 + h1 || 1);
    tangents[i] = (Math.sign(s0) + Math.sign(s1)) * Math.min(Math.abs(s0), Math.abs(s1), 0.5 * Math.abs(p)) || 0;
  }
  tangents[0] = (3 * slope(0) - tangents[1]) / 2;
  tangents[n - 1] = (3 * slope(n - 2) - tangents[n - 2]) / 2;
  let d = `M${r1(points[0].x)},${r1(points[0].y)}`;
  for (let i = 0; i < n - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    const h = (b.x - a.x) / 3;
    d += `C${r1(a.x + h)},${r1(a.y + h * tangents[i])},${r1(b.x - h)},${r1(b.y - h * tangents[i + 1])},${r1(b.x)},${r1(b.y)}`;
  }
  return d;
}

/** A filled region between an upper and a lower line, both sorted by x (same x values), drawn straight. */
export function bandPath(upper: Point[], lower: Point[]): string {
  if (upper.length === 0) return "";
  let d = linearPath(upper);
  for (let i = lower.length - 1; i >= 0; i--) d += `L${r1(lower[i].x)},${r1(lower[i].y)}`;
  return `${d}Z`;
}

/** Index of the row whose `ts` is nearest to `ts` (rows sorted by ts); -1 for no rows. */
export function nearestIndex(rows: { ts: number }[], ts: number): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && ts - rows[lo - 1].ts < rows[lo].ts - ts ? lo - 1 : lo;
}
