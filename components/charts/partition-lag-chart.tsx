"use client";
import { useMemo, useState } from "react";
import type { LagRangeKey } from "@/lib/client/lag-ranges";
import { useJobLagQuery } from "@/lib/client/api/lag";
import { Panel } from "@/components/ui/panel";
import { cn } from "@/components/ui/cn";
import { ChartArea } from "./chart-area";
import { CHART_COLORS, formatCompact } from "./format";
import { ManySeriesChart, type ManySeries } from "./many-series-chart";
import { chartWindow, OTHER_KEY, otherSeriesName, partitionRows, rankPartitions, splitShown, TOP_PARTITIONS } from "./partition-lag-series";

/** A job's lag per partition: the most lagging drawn, the rest folded into one series (partition-lag-series.ts). */
export function PartitionLagChart({ jobId, range }: { jobId: string; range: LagRangeKey }) {
  const lag = useJobLagQuery(jobId, range, "all", 120);
  const [stacked, setStacked] = useState(false);
  // null: the default selection (the most lagging partitions); otherwise what the user switched on.
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [showOther, setShowOther] = useState(true);
  const win = chartWindow(range, lag.data);
  const series = useMemo(() => rankPartitions(lag.data?.partitions ?? []), [lag.data]);
  const isOn = (id: string, index: number) => (chosen ? chosen.has(id) : index < TOP_PARTITIONS);
  // Memoized, like the chart's props below: each refetch, toggle or re-render of this panel would otherwise
  // rebuild the rows and series and re-render the chart.
  const { visible, hidden } = useMemo(() => splitShown(series, chosen), [series, chosen]);
  const other = showOther && hidden.length > 0;
  const data = useMemo(() => partitionRows(visible, hidden, { other, stacked }), [visible, hidden, other, stacked]);
  const otherName = otherSeriesName(hidden.length, stacked);
  const chartSeries = useMemo(() => {
    const color = new Map(series.map((s, i) => [s.id, CHART_COLORS[i % CHART_COLORS.length]]));
    const lines = visible.map((s): ManySeries => ({ key: s.key, name: s.id, color: color.get(s.id)!, className: "partition-series" }));
    if (other) lines.push({ key: OTHER_KEY, name: otherName, color: "var(--chart-axis)", dashed: true, className: "other-series" });
    return lines;
  }, [series, visible, other, otherName]);
  const toggle = (id: string) => {
    const next = new Set(visible.map((s) => s.id));
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  return (
    <Panel
      title="Lag per partition"
      actions={
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          <input type="checkbox" data-testid="partition-stacked" checked={stacked} onChange={(e) => setStacked(e.target.checked)} /> stacked
        </label>
      }
    >
      <ChartArea query={lag} errorTitle="Could not read the partitions' lag">
        <ManySeriesChart
          label="Lag per partition over time"
          testId="partition-lag-chart"
          height={240}
          data={data}
          from={win.from}
          to={win.to}
          series={chartSeries}
          stacked={stacked}
        />
        <div className="mt-1 flex flex-wrap gap-1 px-2" role="group" aria-label="Partitions shown">
          {series.map((s, i) => {
            const on = isOn(s.id, i);
            return (
              <button
                key={s.id}
                type="button"
                aria-pressed={on}
                onClick={() => toggle(s.id)}
                className={cn("inline-flex items-center gap-1 rounded px-1.5 py-0.5 font-mono text-[11px]", on ? "bg-slate-100 text-slate-800" : "text-slate-400 line-through")}
              >
                <span aria-hidden className="h-2 w-2 rounded-sm" style={{ background: CHART_COLORS[i % CHART_COLORS.length] }} />
                {s.id}
                <span className="num text-slate-500">{formatCompact(s.last)}</span>
              </button>
            );
          })}
          {hidden.length > 0 && (
            <button
              type="button"
              data-other
              aria-pressed={showOther}
              onClick={() => setShowOther(!showOther)}
              title={stacked ? "the lag of the partitions not drawn, added up" : "the highest lag among the partitions not drawn"}
              className={cn("inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px]", showOther ? "bg-slate-100 text-slate-800" : "text-slate-400 line-through")}
            >
              <span aria-hidden className="h-2 w-2 rounded-sm" style={{ background: "var(--chart-axis)" }} />
              {otherName}
            </button>
          )}
        </div>
      </ChartArea>
    </Panel>
  );
}
