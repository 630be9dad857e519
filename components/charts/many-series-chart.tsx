"use client";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { ChartFigure } from "./chart-figure";
import { bandPath, linearPath, linearScale, nearestIndex, niceTicks, timeAxisTicks, type Point } from "./chart-geometry";
import { AXIS_TICK, PLOT_MARGIN, TOOLTIP_LABEL_STYLE, TOOLTIP_STYLE, Y_AXIS_WIDTH } from "./chart-style";
import { formatCompact, formatTooltipTime } from "./format";

/*
 * Why this chart is not Recharts, when every other chart is (time-chart.tsx): it draws up to 64 series (one
 * per partition), as lines or stacked areas. Recharts registers each series in the chart's store and re-runs
 * every series' selectors on each update, so a range switch or a 5 s refetch with 64 stacked partitions cost
 * 140–230 ms of main thread in one task on this project's 2-core machine, over the 200 ms jank line; drawn
 * here, the same update is ~30 ms. BENCHMARKS.md ("Job page in the browser") has the figures.
 */

export interface ManySeries {
  /** The row field this series reads */
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** Class of the series' SVG group, e.g. for tests */
  className?: string;
}

export interface ManySeriesChartProps {
  /** Rows sorted by `ts` (epoch ms); each series reads a number from its `key` (a missing value is skipped). */
  data: Record<string, number>[];
  series: ManySeries[];
  /** Areas stacked on each other in series order, or one line per series */
  stacked: boolean;
  from: number;
  to: number;
  height?: number;
  label: string;
  testId?: string;
  empty?: string;
}

const MARGIN = { ...PLOT_MARGIN, bottom: 22, left: Y_AXIS_WIDTH };

interface SeriesShape {
  series: ManySeries;
  /** Filled region (stacked areas) */
  fill: string | null;
  /** The line, or the top of a stacked area */
  stroke: string;
  /** Per row: the y drawn (for the hover dots), or null */
  ys: (number | null)[];
}

interface Geometry {
  width: number;
  plot: { left: number; right: number; top: number; bottom: number };
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  shapes: SeriesShape[];
  x: (ts: number) => number;
}

/** Everything the chart draws, from the data and the size: recomputed only when those change, not on hover. */
function layout(p: Pick<ManySeriesChartProps, "data" | "series" | "stacked" | "from" | "to">, width: number, height: number): Geometry {
  const plot = { left: MARGIN.left, right: Math.max(MARGIN.left + 1, width - MARGIN.right), top: MARGIN.top, bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom) };
  // Per series and row: the value's base and top (the base is the series below when stacked, else the value).
  const base = new Array<number>(p.data.length).fill(0);
  const values = p.series.map((s) =>
    p.data.map((row, i): { lo: number; hi: number } | null => {
      const v = row[s.key];
      const has = typeof v === "number" && Number.isFinite(v);
      if (!p.stacked) return has ? { lo: v, hi: v } : null;
      const lo = base[i];
      base[i] = lo + (has ? v : 0);
      return { lo, hi: base[i] };
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
  const { domain, ticks } = niceTicks(min === Infinity ? 0 : min, max === -Infinity ? 0 : max, 5, true);
  const y = linearScale(domain[0], domain[1], plot.bottom, plot.top);
  const x = linearScale(p.from, p.to, plot.left, plot.right);

  const shapes = p.series.map((s, si): SeriesShape => {
    const column = values[si];
    const top: Point[] = [];
    const bottom: Point[] = [];
    column.forEach((v, i) => {
      if (!v) return; // gaps are joined
      const px = x(p.data[i].ts);
      top.push({ x: px, y: y(v.hi) });
      bottom.push({ x: px, y: y(v.lo) });
    });
    return { series: s, fill: p.stacked ? bandPath(top, bottom) : null, stroke: linearPath(top), ys: column.map((v) => (v ? y(v.hi) : null)) };
  });

  const time = timeAxisTicks(p.from, p.to, plot.right - plot.left);
  return {
    width,
    plot,
    yTicks: ticks.map((t) => ({ y: y(t), label: formatCompact(t) })),
    xTicks: time.ticks.map((t) => ({ x: x(t), label: time.format(t) })),
    shapes,
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
 * Many time series over a fixed [from, to] window, as straight lines or stacked areas, drawn as plain SVG:
 * one path per series, memoized, so hovering re-renders only the cursor and the tooltip. Looks like the
 * Recharts charts next to it (same grid, axes, colours and tooltip content).
 */
export const ManySeriesChart = memo(function ManySeriesChart({ data, series, stacked, from, to, height = 180, label, testId, empty = "No samples in this range yet." }: ManySeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [hover, setHover] = useState<number | null>(null);
  const geometry = useMemo(() => (width > 0 ? layout({ data, series, stacked, from, to }, width, height) : null), [data, series, stacked, from, to, width, height]);

  // Same element object on every hover render: React skips the whole drawing.
  const drawing = useMemo(() => (geometry ? <Drawing g={geometry} height={height} stacked={stacked} /> : null), [geometry, height, stacked]);

  const onMove = (e: React.MouseEvent<SVGSVGElement>) => {
    if (!geometry || data.length === 0) return;
    const left = e.currentTarget.getBoundingClientRect().left;
    const { plot } = geometry;
    const ts = from + ((e.clientX - left - plot.left) / (plot.right - plot.left)) * (to - from);
    setHover(nearestIndex(data as { ts: number }[], ts));
  };

  const active = geometry && hover !== null && hover < data.length ? hover : null;
  return (
    <ChartFigure label={label} testId={testId} points={data.length} from={from} to={to} empty={empty} table={{ series, rows: data, format: formatCompact }}>
      <div ref={box} style={{ height }}>
        {geometry && (
          <svg width={geometry.width} height={height} aria-hidden="true" onMouseMove={onMove} onMouseLeave={() => setHover(null)} style={{ display: "block" }}>
            {drawing}
            {active !== null && <Cursor g={geometry} ts={data[active].ts} index={active} />}
          </svg>
        )}
      </div>
      {active !== null && geometry && <TooltipBox g={geometry} row={data[active]} series={series} />}
    </ChartFigure>
  );
});

function Drawing({ g, height, stacked }: { g: Geometry; height: number; stacked: boolean }) {
  const { plot } = g;
  return (
    <>
      {g.yTicks.map((t) => (
        <line key={`g${t.y}`} x1={plot.left} x2={plot.right} y1={t.y} y2={t.y} stroke="var(--chart-grid)" />
      ))}
      <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="var(--chart-grid)" />
      <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke="var(--chart-grid)" />
      {g.yTicks.map((t) => (
        <text key={`y${t.y}`} x={plot.left - 6} y={t.y} dy="0.32em" textAnchor="end" fontSize={AXIS_TICK.fontSize} fill={AXIS_TICK.fill}>
          {t.label}
        </text>
      ))}
      {g.xTicks.map((t) => (
        <text key={`x${t.x}`} x={t.x} y={height - 6} textAnchor="middle" fontSize={AXIS_TICK.fontSize} fill={AXIS_TICK.fill}>
          {t.label}
        </text>
      ))}
      {g.shapes.map(({ series: s, fill, stroke }) => (
        <g key={s.key} className={s.className}>
          {fill && <path className="chart-area" d={fill} fill={s.color} fillOpacity={0.5} stroke="none" />}
          <path className="chart-line" d={stroke} fill="none" stroke={s.color} strokeWidth={1.5} strokeDasharray={s.dashed && !stacked ? "4 3" : undefined} />
        </g>
      ))}
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

function TooltipBox({ g, row, series }: { g: Geometry; row: Record<string, number>; series: ManySeries[] }) {
  const x = g.x(row.ts);
  const onRight = x < g.width / 2;
  return (
    <div
      role="tooltip"
      className="pointer-events-none absolute z-20 px-2 py-1"
      style={{ top: g.plot.top, ...(onRight ? { left: x + 12 } : { right: g.width - x + 12 }), ...TOOLTIP_STYLE }}
    >
      <p style={TOOLTIP_LABEL_STYLE}>{formatTooltipTime(row.ts)}</p>
      {series.map((s) => {
        const v = row[s.key];
        return typeof v === "number" && Number.isFinite(v) ? (
          <p key={s.key} style={{ color: s.color }} className="whitespace-nowrap">
            {s.name} : {formatCompact(v)}
          </p>
        ) : null;
      })}
    </div>
  );
}
