/**
 * What TimeChart (Recharts, time-chart-plot.tsx) and ManySeriesChart (plain SVG) share, so that the two kinds of
 * chart on one page look alike: room around the plot, the y axis' width, axis labels and the tooltip.
 */

/** Above and right of the plot; the y axis' labels take Y_AXIS_WIDTH on its left. */
export const PLOT_MARGIN = { top: 8, right: 12 };
export const Y_AXIS_WIDTH = 56;
export const AXIS_TICK = { fill: "var(--chart-axis)", fontSize: 11 };
export const TOOLTIP_STYLE = { background: "var(--color-white)", border: "1px solid var(--chart-grid)", borderRadius: 6, fontSize: 12 };
export const TOOLTIP_LABEL_STYLE = { color: "var(--chart-axis)" };
