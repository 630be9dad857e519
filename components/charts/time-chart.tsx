"use client";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { bandPath, linearPath, linearScale, monotonePath, nearestIndex, niceTicks, timeTicks, type Point } from "./chart-geometry";
import { formatCompact, formatTooltipTime, timeTickFormatter } from "./format";

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** "area" fills below the line; "band" draws the [low, high] pair in `key` as a shaded range. */
  kind?: "line" | "area" | "band";
  /** Areas with the same stackId are drawn on top of each other, in series order. */
  stackId?: string;
  dashed?: boolean;
  /** "monotone" (default) smooths without overshooting; "linear" joins the points straight. Stacked areas are straight. */
  curve?: "monotone" | "linear";
}

export interface TimeChartProps {
  /** Rows sorted by `ts` (epoch ms); each series reads its `key` (a number, or [low, high] for a band). */
  data: Record<string, unknown>[];
  series: ChartSeries[];
  from: number;
  to: number;
  height?: number;
  yFormat?: (v: number) => string;
  referenceLine?: { y: number; label: string };
  label: string;
  testId?: string;
  empty?: string;
}

const MARGIN = { top: 8, right: 12, bottom: 22, left: 56 };
const AXIS_FONT = 11;

interface SeriesShape {
  series: ChartSeries;
  /** Filled region (areas, bands, stacked areas) */
  fill: string | null;
  /** Stroked line (lines, and the top of areas) */
  stroke: string | null;
  /** Per row: the y of the value drawn (for the hover dots), or null */
  ys: (number | null)[];
}

interface Geometry {
  width: number;
  plot: { left: number; right: number; top: number; bottom: number };
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  shapes: SeriesShape[];
  reference: { y: number; label: string } | null;
  x: (ts: number) => number;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isNumber(v[0]) && isNumber(v[1]);

/** Everything the chart draws, from the data and the size: recomputed only when those change, not on hover. */
function layout(p: TimeChartProps, width: number, height: number): Geometry {
  const plot = { left: MARGIN.left, right: Math.max(MARGIN.left + 1, width - MARGIN.right), top: MARGIN.top, bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom) };
  // Values per series and row: stacked areas get their base and top, bands their low and high.
  const stacks = new Map<string, number[]>();
  const values = p.series.map((s) =>
    p.data.map((row, i): { lo: number; hi: number } | null => {
      const v = row[s.key];
      if (s.kind === "band") return isPair(v) ? { lo: Math.min(v[0], v[1]), hi: Math.max(v[0], v[1]) } : null;
      if (s.stackId) {
        const base = stacks.get(s.stackId) ?? stacks.set(s.stackId, new Array<number>(p.data.length).fill(0)).get(s.stackId)!;
        const lo = base[i];
        base[i] = lo + (isNumber(v) ? v : 0);
        return { lo, hi: base[i] };
      }
      return isNumber(v) ? { lo: v, hi: v } : null;
    }),
  );
  let min = Infinity;
  let max = -Infinity;
  for (const column of values) {
    for (const v of column) {
      if (!v) continue;
      if (v.lo < min) min = v.lo;
      if (v.hi > max) max = v.hi;
    }
  }
  if (p.referenceLine) max = Math.max(max, p.referenceLine.y);
  const { domain, ticks } = niceTicks(min === Infinity ? 0 : min, max === -Infinity ? 0 : max, 5, true);
  const y = linearScale(domain[0], domain[1], plot.bottom, plot.top);
  const x = linearScale(p.from, p.to, plot.left, plot.right);
  const base = y(Math.max(domain[0], 0));

  const shapes = p.series.map((s, si): SeriesShape => {
    const column = values[si];
    const ys = column.map((v) => (v ? y(v.hi) : null));
    const top: Point[] = [];
    const bottom: Point[] = [];
    column.forEach((v, i) => {
      if (!v) return; // gaps are joined, as a line with connectNulls
      const px = x(p.data[i].ts as number);
      top.push({ x: px, y: y(v.hi) });
      bottom.push({ x: px, y: y(v.lo) });
    });
    if (s.kind === "band") return { series: s, fill: bandPath(top, bottom), stroke: null, ys: column.map(() => null) };
    if (s.stackId) return { series: s, fill: bandPath(top, bottom), stroke: linearPath(top), ys };
    const curve = s.curve === "linear" ? linearPath(top) : monotonePath(top);
    if (s.kind === "area" && top.length > 0) {
      return { series: s, fill: `${curve}L${top[top.length - 1].x},${base}L${top[0].x},${base}Z`, stroke: curve, ys };
    }
    return { series: s, fill: null, stroke: curve, ys };
  });

  const yFormat = p.yFormat ?? formatCompact;
  const span = p.to - p.from;
  const tick = timeTickFormatter(span);
  const spacing = span > 2 * 86_400_000 ? 100 : span > 2 * 3_600_000 ? 64 : 80;
  const tz = -new Date(p.to).getTimezoneOffset() * 60_000;
  return {
    width,
    plot,
    yTicks: ticks.map((t) => ({ y: y(t), label: yFormat(t) })),
    xTicks: timeTicks(p.from, p.to, plot.right - plot.left, spacing, tz).map((t) => ({ x: x(t), label: tick(t) })),
    shapes,
    reference: p.referenceLine ? { y: y(p.referenceLine.y), label: p.referenceLine.label } : null,
    x,
  };
}

/** The container's width, followed as it resizes. */
function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(Math.round(el.getBoundingClientRect().width));
    const observer = new ResizeObserver((entries) => setWidth(Math.round(entries[0].contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * A time-series chart over a fixed [from, to] window: the x axis does not jump as data arrives. Drawn as
 * plain SVG, one path per series, and memoized: a range switch or a refetch re-renders only the charts
 * whose data changed, and hovering re-renders only the cursor and the tooltip. (Recharts, before, cost
 * hundreds of milliseconds of main thread per render of a 64-series chart on this project's 2-core box.)
 */
export const TimeChart = memo(function TimeChart(props: TimeChartProps) {
  const { data, series, height = 180, label, testId, empty = "No samples in this range yet." } = props;
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [hover, setHover] = useState<number | null>(null);
  const { from, to, yFormat, referenceLine } = props;
  const geometry = useMemo(
    () => (width > 0 ? layout({ data, series, from, to, yFormat, referenceLine, label }, width, height) : null),
    [data, series, from, to, yFormat, referenceLine, label, width, height],
  );

  // Same element object on every hover render: React skips the whole drawing.
  const drawing = useMemo(() => (geometry ? <Drawing g={geometry} height={height} /> : null), [geometry, height]);

  const onMove = (e: React.MouseEvent<SVGSVGElement>) => {
    if (!geometry || data.length === 0) return;
    const left = e.currentTarget.getBoundingClientRect().left;
    const { plot } = geometry;
    const ts = from + ((e.clientX - left - plot.left) / (plot.right - plot.left)) * (to - from);
    setHover(nearestIndex(data as { ts: number }[], ts));
  };

  const active = geometry && hover !== null && hover < data.length ? hover : null;
  return (
    <figure className="relative" data-testid={testId} data-points={data.length} data-from={from} data-to={to} aria-label={label}>
      <figcaption className="sr-only">{label}</figcaption>
      {data.length === 0 && (
        <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-500" role="status">
          {empty}
        </p>
      )}
      <div ref={box} style={{ height }}>
        {geometry && (
          <svg width={geometry.width} height={height} aria-hidden="true" onMouseMove={onMove} onMouseLeave={() => setHover(null)} style={{ display: "block" }}>
            {drawing}
            {active !== null && <Cursor g={geometry} ts={data[active].ts as number} index={active} />}
          </svg>
        )}
      </div>
      {active !== null && geometry && <TooltipBox g={geometry} row={data[active]} series={series} yFormat={yFormat ?? formatCompact} />}
    </figure>
  );
});

function Drawing({ g, height }: { g: Geometry; height: number }) {
  const { plot } = g;
  return (
    <>
      {g.yTicks.map((t) => (
        <line key={`g${t.y}`} x1={plot.left} x2={plot.right} y1={t.y} y2={t.y} stroke="var(--chart-grid)" />
      ))}
      <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="var(--chart-grid)" />
      <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke="var(--chart-grid)" />
      {g.yTicks.map((t) => (
        <text key={`y${t.y}`} x={plot.left - 6} y={t.y} dy="0.32em" textAnchor="end" fontSize={AXIS_FONT} fill="var(--chart-axis)">
          {t.label}
        </text>
      ))}
      {g.xTicks.map((t) => (
        <text key={`x${t.x}`} x={t.x} y={height - 6} textAnchor="middle" fontSize={AXIS_FONT} fill="var(--chart-axis)">
          {t.label}
        </text>
      ))}
      {g.shapes.map(({ series: s, fill, stroke }) => (
        <g key={s.key}>
          {fill && <path className={s.kind === "band" ? "chart-band" : "chart-area"} d={fill} fill={s.color} fillOpacity={s.kind === "band" ? 0.35 : s.stackId ? 0.5 : 0.15} stroke="none" />}
          {stroke && <path className="chart-line" d={stroke} fill="none" stroke={s.color} strokeWidth={1.5} strokeDasharray={s.dashed ? "4 3" : undefined} />}
        </g>
      ))}
      {g.reference && (
        <g>
          <line x1={plot.left} x2={plot.right} y1={g.reference.y} y2={g.reference.y} stroke="var(--chart-5)" strokeDasharray="4 3" />
          {/* Above the line, or below it when the line is at the top of the plot (the label would be cut off). */}
          <text x={plot.right - 4} y={g.reference.y - 4 - AXIS_FONT < plot.top ? g.reference.y + AXIS_FONT + 2 : g.reference.y - 4} textAnchor="end" fontSize={AXIS_FONT} fill="var(--chart-5)">
            {g.reference.label}
          </text>
        </g>
      )}
    </>
  );
}

function Cursor({ g, ts, index }: { g: Geometry; ts: number; index: number }) {
  const x = g.x(ts);
  return (
    <g pointerEvents="none">
      <line x1={x} x2={x} y1={g.plot.top} y2={g.plot.bottom} stroke="var(--chart-axis)" strokeOpacity={0.5} />
      {g.shapes.map(({ series: s, ys }) => (ys[index] === null || ys[index] === undefined ? null : <circle key={s.key} cx={x} cy={ys[index]!} r={3} fill={s.color} stroke="var(--color-white)" />))}
    </g>
  );
}

function TooltipBox({ g, row, series, yFormat }: { g: Geometry; row: Record<string, unknown>; series: ChartSeries[]; yFormat: (v: number) => string }) {
  const x = g.x(row.ts as number);
  const onRight = x < g.width / 2;
  return (
    <div
      role="tooltip"
      className="pointer-events-none absolute z-20 px-2 py-1"
      style={{
        top: g.plot.top,
        ...(onRight ? { left: x + 12 } : { right: g.width - x + 12 }),
        background: "var(--color-white)",
        border: "1px solid var(--chart-grid)",
        borderRadius: 6,
        fontSize: 12,
      }}
    >
      <p style={{ color: "var(--chart-axis)" }}>{formatTooltipTime(row.ts as number)}</p>
      {series.map((s) => {
        const v = row[s.key];
        const text = isPair(v) ? `${yFormat(v[0])} – ${yFormat(v[1])}` : isNumber(v) ? yFormat(v) : null;
        return text === null ? null : (
          <p key={s.key} style={{ color: s.kind === "band" ? "var(--chart-axis)" : s.color }} className="whitespace-nowrap">
            {s.name} : {text}
          </p>
        );
      })}
    </div>
  );
}
