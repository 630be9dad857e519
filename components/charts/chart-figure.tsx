import type { ReactNode } from "react";

/**
 * The frame of a time chart: a figure named by `label` (for screen readers, and the e2e specs' test id and data
 * attributes), a message over the plot while there are no points, and the drawing as children.
 */
export function ChartFigure({ label, testId, points, from, to, empty, children }: { label: string; testId?: string; points: number; from: number; to: number; empty: string; children: ReactNode }) {
  return (
    <figure className="relative" data-testid={testId} data-points={points} data-from={from} data-to={to} aria-label={label}>
      <figcaption className="sr-only">{label}</figcaption>
      {points === 0 && (
        <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-500" role="status">
          {empty}
        </p>
      )}
      {children}
    </figure>
  );
}
