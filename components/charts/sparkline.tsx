"use client";
import { useMemo } from "react";
import { linearScale, monotonePath } from "./chart-geometry";

const WIDTH = 128;
const HEIGHT = 28;

/** A tiny lag-over-time area, for tables: plain SVG (a table of many jobs draws one path each, no chart library). */
export function Sparkline({ points, label }: { points: { ts: number; lag: number }[]; label: string }) {
  const paths = useMemo(() => {
    if (points.length < 2) return null;
    const max = Math.max(0, ...points.map((p) => p.lag));
    const x = linearScale(0, points.length - 1, 0, WIDTH);
    const y = linearScale(0, max || 1, HEIGHT - 2, 2);
    const line = monotonePath(points.map((p, i) => ({ x: x(i), y: y(p.lag) })));
    return { line, area: `${line}L${WIDTH},${HEIGHT - 2}L0,${HEIGHT - 2}Z` };
  }, [points]);
  if (!paths) return <span className="text-xs text-slate-400">no history</span>;
  return (
    <div className="h-7 w-32" role="img" aria-label={label}>
      <svg width="100%" height="100%" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" style={{ display: "block" }}>
        <path d={paths.area} fill="var(--chart-band)" stroke="none" />
        <path d={paths.line} fill="none" stroke="var(--chart-1)" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
      </svg>
    </div>
  );
}
