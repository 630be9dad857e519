/** Props of TimeChart, shared by the chart and its lazily loaded drawing (time-chart-plot.tsx). */
export interface ChartSeries {
  /** The row field this series reads: a plain identifier (Recharts reads a key with dots as a path). */
  key: string;
  name: string;
  color: string;
  /** "area" fills below the line; "band" draws the [low, high] pair in `key` as a shaded range. */
  kind?: "line" | "area" | "band";
  /** Areas with the same stackId are drawn on top of each other, in series order. */
  stackId?: string;
  dashed?: boolean;
  /** "monotone" (default) smooths without overshooting; "linear" joins the points straight. */
  curve?: "monotone" | "linear";
  /** Extra class on the series' SVG group (`g.recharts-line` / `g.recharts-area`), e.g. for tests. */
  className?: string;
}

export interface TimeChartProps {
  /** Rows sorted by `ts` (epoch ms); each series reads its `key` (a number, or [low, high] for a band). */
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
