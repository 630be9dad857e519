import type { ReactNode } from "react";
import { ChartTable, type ChartTableData } from "./chart-table";

/**
 * The frame of a time chart: a figure named by `label` (for screen readers, and the e2e specs' test id and data
 * attributes), a message over the plot while there are no points, the drawing as children, and below it the
 * text alternative: the latest values and a "Show as table" toggle (`table`).
 */
export function ChartFigure(props: { label: string; testId?: string; points: number; from: number; to: number; empty: string; table: ChartTableData; children: ReactNode }) {
  const { label, testId, points, from, to, empty, table, children } = props;
  return (
    <figure className="relative" data-testid={testId} data-points={points} data-from={from} data-to={to} aria-label={label}>
      <figcaption className="sr-only">{label}</figcaption>
      {points === 0 && (
        <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-slate-500" role="status">
          {empty}
        </p>
      )}
      {children}
      {points > 0 && <ChartTable label={label} data={table} />}
    </figure>
  );
}
