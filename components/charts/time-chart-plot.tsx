"use client";
import { memo, useMemo } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { timeTicks } from "./chart-geometry";
import { formatTooltipTime, timeTickFormatter } from "./format";
import type { ChartSeries, TimeChartProps } from "./time-chart";

/*
 * TimeChart's drawing, with Recharts: loaded on demand (time-chart.tsx imports it lazily), so that the
 * Recharts code is fetched and evaluated in its own task after the page has hydrated, not in the task that
 * hydrates it.
 */

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

export interface TimeChartPlotProps extends Pick<TimeChartProps, "data" | "series" | "from" | "to" | "referenceLine"> {
  width: number;
  height: number;
  yFormat: (v: number) => string;
  /** Mount the Tooltip (while the pointer is over the chart) */
  tooltip: boolean;
}

/** Axes, series, tooltip and reference line are elements memoized on what they show (see TimeChart). */
const TimeChartPlot = memo(function TimeChartPlot({ width, height, data, series, from, to, yFormat, referenceLine, tooltip: withTooltip }: TimeChartPlotProps) {
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
    <ComposedChart width={width} height={height} data={data} margin={MARGIN} accessibilityLayer={false}>
      {GRID}
      {xAxis}
      {yAxis}
      {withTooltip && tooltip}
      {reference}
      {items}
    </ComposedChart>
  );
});
export default TimeChartPlot;

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
