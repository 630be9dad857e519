"use client";
import { memo, useMemo } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { timeAxisTicks } from "./chart-geometry";
import { AXIS_TICK, PLOT_MARGIN, TOOLTIP_LABEL_STYLE, TOOLTIP_STYLE, Y_AXIS_WIDTH } from "./chart-style";
import { formatTooltipTime } from "./format";
import type { ChartSeries, TimeChartProps } from "./time-chart-types";

/*
 * TimeChart's drawing, with Recharts: loaded on demand (time-chart.tsx imports it lazily), so that the
 * Recharts code is fetched and evaluated in its own task after the page has hydrated, not in the task that
 * hydrates it.
 */

// Fixed sizes, so that Recharts never measures text: the y axis has a set width (Y_AXIS_WIDTH), and the x ticks are
// given (with interval 0) instead of being thinned by measuring each label with a forced layout.
const MARGIN = { ...PLOT_MARGIN, bottom: 0, left: 0 };
/** Pixels a time label needs right of its tick */
const LAST_TICK_ROOM = 26;
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
    const plotWidth = Math.max(0, width - Y_AXIS_WIDTH - MARGIN.right);
    const time = timeAxisTicks(from, to, plotWidth);
    // A label centred on a tick at the very end would be cut off by the chart's edge.
    const ticks = time.ticks.filter((t) => ((to - t) / (to - from)) * plotWidth >= LAST_TICK_ROOM);
    return <XAxis dataKey="ts" type="number" domain={[from, to]} allowDataOverflow ticks={ticks} interval={0} tickFormatter={time.format} tick={AXIS_TICK} stroke="var(--chart-grid)" />;
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
  // What every series shares: its data key and name, drawn at once with no dots.
  const common = { className: s.className, dataKey: s.key, name: s.name, isAnimationActive: false, dot: false };
  if (s.kind === "band") {
    // An invisible stroke in the axis colour: the tooltip writes an item in its stroke colour (its fill, pale
    // blue, would be unreadable on the tooltip's background).
    return <Area key={s.key} {...common} type="linear" stroke="var(--chart-axis)" strokeWidth={0} fill={s.color} fillOpacity={0.35} activeDot={false} />;
  }
  if (s.kind === "area") {
    return (
      <Area
        key={s.key}
        {...common}
        stackId={s.stackId}
        type={s.stackId ? "linear" : (s.curve ?? "monotone")}
        stroke={s.color}
        strokeWidth={1.5}
        fill={s.color}
        fillOpacity={s.stackId ? 0.5 : 0.15}
        connectNulls
      />
    );
  }
  return <Line key={s.key} {...common} type={s.curve ?? "monotone"} stroke={s.color} strokeWidth={1.5} strokeDasharray={s.dashed ? "4 3" : undefined} connectNulls />;
}
