"use client";
import { memo } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCompact, formatTooltipTime, timeTickFormatter } from "./format";

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** "area" fills below the line; "band" draws the [low, high] pair in `key` as a shaded range. */
  kind?: "line" | "area" | "band";
  stackId?: string;
  dashed?: boolean;
  /** "monotone" (default) smooths; "linear" joins the points straight, a third of the path to build for charts of many series. */
  curve?: "monotone" | "linear";
}

export interface TimeChartProps {
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

/**
 * A time-series chart over a fixed [from, to] window: the x axis does not jump as data arrives. Memoized:
 * a chart of 64 series costs tens of milliseconds to render, so callers pass stable `data`, `series` and
 * `yFormat` and it renders only when those change.
 */
export const TimeChart = memo(function TimeChart({ data, series, from, to, height = 180, yFormat = formatCompact, referenceLine, label, testId, empty = "No samples in this range yet." }: TimeChartProps) {
  const tick = timeTickFormatter(to - from);
  return (
    <figure className="relative" data-testid={testId} data-points={data.length} data-from={from} data-to={to} aria-label={label}>
      <figcaption className="sr-only">{label}</figcaption>
      {data.length === 0 && (
        <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-500" role="status">
          {empty}
        </p>
      )}
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
            <XAxis
              dataKey="ts"
              type="number"
              scale="time"
              domain={[from, to]}
              tickFormatter={tick}
              tick={{ fill: "var(--chart-axis)", fontSize: 11 }}
              stroke="var(--chart-grid)"
              minTickGap={40}
            />
            <YAxis tickFormatter={yFormat} tick={{ fill: "var(--chart-axis)", fontSize: 11 }} stroke="var(--chart-grid)" width={56} allowDecimals={false} />
            <Tooltip
              labelFormatter={(v) => formatTooltipTime(Number(v))}
              formatter={(value, name) => [Array.isArray(value) ? value.map((v) => yFormat(Number(v))).join(" – ") : yFormat(Number(value)), name]}
              contentStyle={{ background: "var(--color-white)", border: "1px solid var(--chart-grid)", borderRadius: 6, fontSize: 12 }}
              labelStyle={{ color: "var(--chart-axis)" }}
              isAnimationActive={false}
            />
            {referenceLine && (
              <ReferenceLine
                y={referenceLine.y}
                stroke="var(--chart-5)"
                strokeDasharray="4 3"
                ifOverflow="extendDomain"
                label={{ value: referenceLine.label, position: "insideTopRight", fill: "var(--chart-5)", fontSize: 11 }}
              />
            )}
            {series.map((s) =>
              s.kind === "band" ? (
                <Area key={s.key} dataKey={s.key} name={s.name} stroke="none" fill={s.color} fillOpacity={0.35} isAnimationActive={false} activeDot={false} />
              ) : s.kind === "area" ? (
                <Area
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  stackId={s.stackId}
                  stroke={s.color}
                  fill={s.color}
                  fillOpacity={s.stackId ? 0.5 : 0.15}
                  strokeWidth={1.5}
                  type={s.curve ?? "monotone"}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ) : (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  stroke={s.color}
                  strokeWidth={1.5}
                  strokeDasharray={s.dashed ? "4 3" : undefined}
                  type={s.curve ?? "monotone"}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});
