"use client";
import { Area, AreaChart, ResponsiveContainer, YAxis } from "recharts";

/** A tiny lag-over-time area, for tables. */
export function Sparkline({ points, label }: { points: { ts: number; lag: number }[]; label: string }) {
  if (points.length < 2) return <span className="text-xs text-slate-400">no history</span>;
  return (
    <div className="h-7 w-32" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
          <YAxis hide domain={[0, "dataMax"]} />
          <Area type="monotone" dataKey="lag" stroke="var(--chart-1)" fill="var(--chart-band)" strokeWidth={1.5} isAnimationActive={false} dot={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
