"use client";
import { memo, useEffect, useState } from "react";
import { formatCount } from "@/components/ui/format";
import { scheduleChartUpdate, useStaggered } from "./chart-scheduler";

// The drawing (Recharts) is a chunk of its own, fetched when the first sparkline mounts (sparkline-plot.tsx),
// so that Recharts is evaluated after the page has hydrated; a sparkline is drawn once it is there.
let SparklinePlot: typeof import("./sparkline-plot").default | null = null;
let plotLoading: Promise<unknown> | null = null;
// A chunk that fails to load leaves the charts empty (their labels stay) until a later mount tries again.
const loadPlot = () =>
  (plotLoading ??= import("./sparkline-plot").then(
    (m) => (SparklinePlot = m.default),
    () => void (plotLoading = null),
  ));

/**
 * A tiny lag-over-time area, for tables (Recharts). Memoized on `points` (TanStack Query keeps an unchanged
 * job's array between refetches, so a refetch redraws only the sparklines whose history moved), and drawn
 * through the chart queue: a table of many jobs draws its sparklines one per task.
 */
export const Sparkline = memo(function Sparkline({ points, label }: { points: { ts: number; lag: number }[]; label: string }) {
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let cancel = () => {};
    let dropped = false;
    void loadPlot().then(() => {
      if (!dropped) cancel = scheduleChartUpdate(() => setDrawn(true));
    });
    return () => {
      dropped = true;
      cancel();
    };
  }, []);
  const shown = useStaggered(points);
  if (shown.length < 2) return <span className="text-xs text-slate-400">no history</span>;
  // The drawing's text alternative: what it shows, and the figures one reads off it.
  const name = `${label}: latest ${formatCount(shown[shown.length - 1].lag)}, highest ${formatCount(Math.max(...shown.map((p) => p.lag)))}`;
  return (
    <div className="h-7 w-32" role="img" aria-label={name}>
      {drawn && SparklinePlot && <SparklinePlot points={shown} />}
    </div>
  );
});
