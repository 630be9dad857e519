"use client";
import { memo } from "react";
import { Area, AreaChart, YAxis } from "recharts";

const WIDTH = 128;
const HEIGHT = 28;
const MARGIN = { top: 2, right: 0, bottom: 2, left: 0 };
const Y_DOMAIN = [0, "dataMax"] as const;

/** Sparkline's drawing (loaded on demand): a fixed size, no ResponsiveContainer measuring each of a table's charts, no animation. */
const SparklinePlot = memo(function SparklinePlot({ points }: { points: { ts: number; lag: number }[] }) {
  return (
    <AreaChart width={WIDTH} height={HEIGHT} data={points} margin={MARGIN} accessibilityLayer={false}>
      <YAxis hide domain={Y_DOMAIN} />
      <Area type="monotone" dataKey="lag" stroke="var(--chart-1)" fill="var(--chart-band)" strokeWidth={1.5} isAnimationActive={false} dot={false} activeDot={false} />
    </AreaChart>
  );
});
export default SparklinePlot;
