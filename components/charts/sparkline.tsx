"use client";
import { memo, useEffect, useState } from "react";
import { Area, AreaChart, YAxis } from "recharts";
import { scheduleChartUpdate, useStaggered } from "./chart-scheduler";

const WIDTH = 128;
const HEIGHT = 28;
const MARGIN = { top: 2, right: 0, bottom: 2, left: 0 };
const Y_DOMAIN = [0, "dataMax"] as const;

/**
 * A tiny lag-over-time area, for tables (Recharts). A fixed size (no ResponsiveContainer measuring each of a
 * table's charts), no animation, memoized on `points` (TanStack Query keeps an unchanged job's array between
 * refetches, so a refetch redraws only the sparklines whose history moved), and drawn through the chart
 * queue: a table of many jobs draws its sparklines one per task.
 */
export const Sparkline = memo(function Sparkline({ points, label }: { points: { ts: number; lag: number }[]; label: string }) {
  const [drawn, setDrawn] = useState(false);
  useEffect(() => scheduleChartUpdate(() => setDrawn(true)), []);
  const shown = useStaggered(points);
  if (shown.length < 2) return <span className="text-xs text-slate-400">no history</span>;
  return (
    <div className="h-7 w-32" role="img" aria-label={label}>
      {drawn && (
        <AreaChart width={WIDTH} height={HEIGHT} data={shown} margin={MARGIN} accessibilityLayer={false}>
          <YAxis hide domain={Y_DOMAIN} />
          <Area type="monotone" dataKey="lag" stroke="var(--chart-1)" fill="var(--chart-band)" strokeWidth={1.5} isAnimationActive={false} dot={false} activeDot={false} />
        </AreaChart>
      )}
    </div>
  );
});
