"use client";
import { useMemo } from "react";
import type { LagRangeKey } from "@/lib/client/lag-ranges";
import { useJobBatchSeriesQuery } from "@/lib/client/api/lag";
import { Panel } from "@/components/ui/panel";
import { ChartArea } from "./chart-area";
import { CHART_COLORS, formatCompact, formatDuration, formatDurationAxis } from "./format";
import { chartWindow } from "./partition-lag-series";
import { TimeChart, type ChartSeries } from "./time-chart";

const INPUT_RATE_SERIES: ChartSeries[] = [{ key: "inputRate", name: "records/s", color: CHART_COLORS[2], kind: "area" }];
const PROCESSING_SERIES: ChartSeries[] = [
  { key: "processing", name: "avg", color: CHART_COLORS[0], kind: "area" },
  { key: "processingMax", name: "max", color: CHART_COLORS[0], kind: "line", dashed: true },
];
const SCHEDULING_SERIES: ChartSeries[] = [
  { key: "scheduling", name: "avg", color: CHART_COLORS[3], kind: "area" },
  { key: "schedulingMax", name: "max", color: CHART_COLORS[3], kind: "line", dashed: true },
];
const TOTAL_DELAY_SERIES: ChartSeries[] = [
  { key: "total", name: "avg", color: CHART_COLORS[4], kind: "area" },
  { key: "totalMax", name: "max", color: CHART_COLORS[4], kind: "line", dashed: true },
];

/** Spark Streaming's tab: input rate, processing time against the batch interval, scheduling delay, total delay. */
export function BatchCharts({ jobId, range, batchIntervalMs }: { jobId: string; range: LagRangeKey; batchIntervalMs: number }) {
  const series = useJobBatchSeriesQuery(jobId, range);
  const win = chartWindow(range, series.data);
  const data = useMemo(
    () =>
      (series.data?.points ?? []).map((p) => ({
        ts: p.ts,
        inputRate: p.inputRate,
        processing: p.processingTimeMs,
        processingMax: p.processingTimeMaxMs,
        scheduling: p.schedulingDelayMs,
        schedulingMax: p.schedulingDelayMaxMs,
        total: p.totalDelayMs,
        totalMax: p.totalDelayMaxMs,
      })),
    [series.data],
  );
  const interval = useMemo(() => ({ y: batchIntervalMs, label: `interval ${formatDuration(batchIntervalMs)}` }), [batchIntervalMs]);
  const ms = formatDurationAxis;
  const empty = "No batches in this range.";
  return (
    <Panel title="Batches">
      <ChartArea query={series} errorTitle="Could not read the batch history" className="grid gap-x-4 gap-y-2 lg:grid-cols-2">
        <ChartTitle title="Input rate" hint="records per second of batch interval">
          <TimeChart label="Input rate, records per second" testId="input-rate-chart" height={150} data={data} from={win.from} to={win.to} empty={empty} yFormat={formatCompact} series={INPUT_RATE_SERIES} />
        </ChartTitle>
        <ChartTitle title="Processing time" hint="above the dashed batch interval, the job falls behind">
          <TimeChart
            label="Processing time per batch, with the batch interval"
            testId="processing-chart"
            height={150}
            data={data}
            from={win.from}
            to={win.to}
            empty={empty}
            yFormat={ms}
            referenceLine={interval}
            series={PROCESSING_SERIES}
          />
        </ChartTitle>
        <ChartTitle title="Scheduling delay" hint="from the batch's due time to its start">
          <TimeChart label="Scheduling delay" height={150} data={data} from={win.from} to={win.to} empty={empty} yFormat={ms} series={SCHEDULING_SERIES} />
        </ChartTitle>
        <ChartTitle title="Total delay" hint="from the batch's due time to its commit">
          <TimeChart label="Total delay" height={150} data={data} from={win.from} to={win.to} empty={empty} yFormat={ms} series={TOTAL_DELAY_SERIES} />
        </ChartTitle>
      </ChartArea>
    </Panel>
  );
}

function ChartTitle({ title, hint, children }: { title: string; hint: string; children: React.ReactNode }) {
  return (
    <div>
      <h3 className="px-2 text-xs font-medium text-slate-700">
        {title} <span className="font-normal text-slate-400">— {hint}</span>
      </h3>
      {children}
    </div>
  );
}
