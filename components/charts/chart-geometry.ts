/**
 * Scales, ticks and SVG paths: plain functions of numbers, so ManySeriesChart's 64 series × 100 points are a
 * few thousand arithmetic operations and one string per series (no per-point components). Both it and
 * TimeChart (Recharts) take their x ticks, on round local times, from `timeAxisTicks`.
 */
import { timeTickFormatter } from "./format";

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

/**
 * The x axis of a time chart over [from, to], `plotWidthPx` wide: ticks on round local times, as far apart as
 * their labels need (day and time is the widest label, clock time with seconds next, hours and minutes the
 * narrowest), and the labels' formatter.
 */
export function timeAxisTicks(from: number, to: number, plotWidthPx: number): { ticks: number[]; format: (ts: number) => string } {
  const span = to - from;
  const spacing = span > 48 * HOUR ? 100 : span > 2 * HOUR ? 64 : 80;
  const tzOffsetMs = -new Date(to).getTimezoneOffset() * MINUTE;
  return { ticks: timeTicks(from, to, plotWidthPx, spacing, tzOffsetMs), format: timeTickFormatter(span) };
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** A polyline through the points: "M x,y L x,y ...". */
export function linearPath(points: Point[]): string {
  let d = "";
  for (let i = 0; i < points.length; i++) d += `${i === 0 ? "M" : "L"}${r1(points[i].x)},${r1(points[i].y)}`;
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
