/** Formatting for lag views: durations, rates, chart axes. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return ms <= 0 ? "0 s" : `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ""}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ""}`;
}

/** Short durations for chart axes: "850ms", "12s", "2.5m", "3.2h", "1.5d". */
export function formatDurationAxis(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)}h`;
  return `${+(ms / 86_400_000).toFixed(1)}d`;
}

export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined) return "—";
  if (perSec === 0) return "0/s";
  if (perSec < 10) return `${perSec.toFixed(1)}/s`;
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(perSec)}/s`;
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
export function formatCompact(n: number): string {
  return compact.format(n);
}

// One formatter each, made once: Date#toLocaleString builds a new Intl.DateTimeFormat per call (~0.1 ms),
// and a chart formats every candidate tick on each render (seconds of main thread over a range switch).
const weekdayTime = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
const hoursMinutes = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
const clockTime = new Intl.DateTimeFormat("en-GB", { hour: "numeric", minute: "numeric", second: "numeric", hour12: false });
const tooltipTime = new Intl.DateTimeFormat("en-GB", { hour12: false, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Axis labels: clock time for short ranges, day and time for long ones. */
export function timeTickFormatter(rangeMs: number): (ts: number) => string {
  const day = 24 * 3_600_000;
  const format = rangeMs > 2 * day ? weekdayTime : rangeMs > 2 * 3_600_000 ? hoursMinutes : clockTime;
  return (ts) => format.format(ts);
}

export function formatTooltipTime(ts: number): string {
  return tooltipTime.format(ts);
}

export const CHART_COLORS = Array.from({ length: 8 }, (_, i) => `var(--chart-${i + 1})`);
