"use client";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { timeTicks } from "./chart-geometry";
import { scheduleChartUpdate, useStaggered } from "./chart-scheduler";
import { formatCompact, formatTooltipTime, timeTickFormatter } from "./format";

export interface ChartSeries {
  /** The row field this series reads: a plain identifier (Recharts reads a key with dots as a path). */
  key: string;
  name: string;
  color: string;
  /** "area" fills below the line; "band" draws the [low, high] pair in `key` as a shaded range. */
  kind?: "line" | "area" | "band";
  /** Areas with the same stackId are drawn on top of each other, in series order. */
  stackId?: string;
  dashed?: boolean;
  /** "monotone" (default) smooths without overshooting; "linear" joins the points straight. */
  curve?: "monotone" | "linear";
  /** Extra class on the series' SVG group (`g.recharts-line` / `g.recharts-area`), e.g. for tests. */
  className?: string;
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

// Fixed sizes, so that Recharts never measures text: the y axis has a set width, and the x ticks are
// given (with interval 0) instead of being thinned by measuring each label with a forced layout.
const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
const Y_AXIS_WIDTH = 56;
/** Pixels a time label needs right of its tick */
const LAST_TICK_ROOM = 26;
const AXIS_TICK = { fill: "var(--chart-axis)", fontSize: 11 };
const TOOLTIP_STYLE = { background: "var(--color-white)", border: "1px solid var(--chart-grid)", borderRadius: 6, fontSize: 12 };
const TOOLTIP_LABEL_STYLE = { color: "var(--chart-axis)" };
const TOOLTIP_ITEM_STYLE = { padding: 0 };
const tooltipLabel = (ts: unknown) => formatTooltipTime(Number(ts));
const GRID = <CartesianGrid stroke="var(--chart-grid)" vertical={false} />;

/**
 * The container's width, followed as it resizes; 0 until the first measurement's turn in the chart queue, so
 * that a page's charts are first drawn one per task rather than all in the task that hydrates the page.
 */
function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancel = () => {};
    // Its first callback reports the initial size.
    const observer = new ResizeObserver((entries) => {
      const next = Math.round(entries[0].contentRect.width);
      cancel();
      cancel = scheduleChartUpdate(() => setWidth(next));
    });
    observer.observe(el);
    return () => {
      cancel();
      observer.disconnect();
    };
  }, [ref]);
  return width;
}

/**
 * A time-series chart (Recharts) over a fixed [from, to] window: the x axis does not jump as data arrives.
 *
 * Kept cheap on a 2-core machine, where one Recharts update runs every series' selectors and re-renders
 * synchronously:
 * - each update (new data, window, series or size) waits for its own task in the chart queue
 *   (`chart-scheduler.ts`), so a range switch is several short tasks, one per chart, not one long one;
 * - axes, series and tooltip are elements made once per change of what they show: new data alone re-renders
 *   only the chart root, whose children React skips (a re-rendered Line or Area dispatches its settings to
 *   the chart's store again, and each dispatch re-runs every subscribed selector);
 * - the Tooltip is mounted only while the pointer is over the chart: its selectors do not run on updates;
 * - no animation, no dots, fixed axis sizes, x ticks given (no text measuring); one array of rows.
 */
export const TimeChart = memo(function TimeChart(props: TimeChartProps) {
  const { height = 180, label, testId, empty = "No samples in this range yet." } = props;
  const incoming = useMemo(
    () => ({ data: props.data, series: props.series, from: props.from, to: props.to, yFormat: props.yFormat ?? formatCompact, referenceLine: props.referenceLine }),
    [props.data, props.series, props.from, props.to, props.yFormat, props.referenceLine],
  );
  const { data, series, from, to, yFormat, referenceLine } = useStaggered(incoming);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [pointer, setPointer] = useState(false);

  const xAxis = useMemo(() => {
    const span = to - from;
    const spacing = span > 2 * 86_400_000 ? 100 : span > 2 * 3_600_000 ? 64 : 80;
    const tz = -new Date(to).getTimezoneOffset() * 60_000;
    const plotWidth = Math.max(0, width - Y_AXIS_WIDTH - MARGIN.right);
    // A label centred on a tick at the very end would be cut off by the chart's edge.
    const ticks = timeTicks(from, to, plotWidth, spacing, tz).filter((t) => ((to - t) / span) * plotWidth >= LAST_TICK_ROOM);
    return <XAxis dataKey="ts" type="number" domain={[from, to]} allowDataOverflow ticks={ticks} interval={0} tickFormatter={timeTickFormatter(span)} tick={AXIS_TICK} stroke="var(--chart-grid)" />;
  }, [from, to, width]);
  const yAxis = useMemo(() => <YAxis width={Y_AXIS_WIDTH} tickFormatter={yFormat} tick={AXIS_TICK} interval={0} stroke="var(--chart-grid)" allowDecimals={false} />, [yFormat]);
  const tooltip = useMemo(() => {
    const value = (v: unknown) => (Array.isArray(v) ? v.map((x) => yFormat(Number(x))).join(" – ") : yFormat(Number(v)));
    return <Tooltip isAnimationActive={false} labelFormatter={tooltipLabel} formatter={value} contentStyle={TOOLTIP_STYLE} labelStyle={TOOLTIP_LABEL_STYLE} itemStyle={TOOLTIP_ITEM_STYLE} />;
  }, [yFormat]);
  const reference = useMemo(
    () =>
      referenceLine && (
        <ReferenceLine
          y={referenceLine.y}
          stroke="var(--chart-5)"
          strokeDasharray="4 3"
          ifOverflow="extendDomain"
          // Below the line, inside the plot: at the top of the plot a label above it would be cut off.
          label={{ value: referenceLine.label, position: "insideBottomRight", fill: "var(--chart-5)", fontSize: 11 }}
        />
      ),
    [referenceLine],
  );
  const items = useMemo(() => series.map(seriesElement), [series]);

  return (
    <figure className="relative" data-testid={testId} data-points={data.length} data-from={from} data-to={to} aria-label={label}>
      <figcaption className="sr-only">{label}</figcaption>
      {data.length === 0 && (
        <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-500" role="status">
          {empty}
        </p>
      )}
      <div ref={box} style={{ height }} aria-hidden="true" onMouseEnter={() => setPointer(true)} onMouseLeave={() => setPointer(false)}>
        {width > 0 && (
          <ComposedChart width={width} height={height} data={data} margin={MARGIN} accessibilityLayer={false}>
            {GRID}
            {xAxis}
            {yAxis}
            {pointer && tooltip}
            {reference}
            {items}
          </ComposedChart>
        )}
      </div>
    </figure>
  );
});

function seriesElement(s: ChartSeries) {
  if (s.kind === "band") {
    // An invisible stroke in the axis colour: the tooltip writes an item in its stroke colour (its fill, pale
    // blue, would be unreadable on the tooltip's background).
    return <Area key={s.key} className={s.className} dataKey={s.key} name={s.name} type="linear" stroke="var(--chart-axis)" strokeWidth={0} fill={s.color} fillOpacity={0.35} isAnimationActive={false} dot={false} activeDot={false} />;
  }
  if (s.kind === "area") {
    return (
      <Area
        key={s.key}
        className={s.className}
        dataKey={s.key}
        name={s.name}
        stackId={s.stackId}
        type={s.stackId ? "linear" : (s.curve ?? "monotone")}
        stroke={s.color}
        strokeWidth={1.5}
        fill={s.color}
        fillOpacity={s.stackId ? 0.5 : 0.15}
        isAnimationActive={false}
        dot={false}
        connectNulls
      />
    );
  }
  return (
    <Line
      key={s.key}
      className={s.className}
      dataKey={s.key}
      name={s.name}
      type={s.curve ?? "monotone"}
      stroke={s.color}
      strokeWidth={1.5}
      strokeDasharray={s.dashed ? "4 3" : undefined}
      isAnimationActive={false}
      dot={false}
      connectNulls
    />
  );
}
