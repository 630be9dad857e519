"use client";
import { useMemo, useState } from "react";
import type { LagRangeKey } from "@/lib/client/lag-ranges";
import { useJobLagQuery, useJobLagStatusQuery } from "@/lib/client/api/lag";
import { Panel } from "@/components/ui/panel";
import { ErrorState } from "@/components/ui/states";
import { formatCount } from "@/components/ui/format";
import { BatchCharts } from "./batch-charts";
import { ChartArea } from "./chart-area";
import { CHART_COLORS, formatDuration, formatDurationAxis, formatRate } from "./format";
import { EtaText, LagStatusBadge } from "./lag-status-badge";
import { PartitionLagChart } from "./partition-lag-chart";
import { chartWindow } from "./partition-lag-series";
import { RangePicker } from "./range-picker";
import { TimeChart, type ChartSeries } from "./time-chart";

/** The job page's lag section: Burrow-style status, lag and time lag over time, per-partition lag, and Spark's batch charts. */
export function JobLagPanel({ jobId, batchIntervalMs }: { jobId: string; batchIntervalMs: number }) {
  const [range, setRange] = useState<LagRangeKey>("1h");
  return (
    <div className="space-y-4">
      <LagSummary jobId={jobId} range={range} onRange={setRange} />
      <div className="grid gap-4 lg:grid-cols-2">
        <TotalLagChart jobId={jobId} range={range} />
        <PartitionLagChart jobId={jobId} range={range} />
      </div>
      <BatchCharts jobId={jobId} range={range} batchIntervalMs={batchIntervalMs} />
    </div>
  );
}

function LagSummary({ jobId, range, onRange }: { jobId: string; range: LagRangeKey; onRange: (r: LagRangeKey) => void }) {
  const status = useJobLagStatusQuery(jobId);
  const s = status.data;
  const trend = s?.trend;
  return (
    <Panel
      title={
        <span className="flex items-center gap-2">
          Lag {s && <LagStatusBadge status={s.status} worst={s.worst} stale={s.stale} />}
        </span>
      }
      actions={<RangePicker value={range} onChange={onRange} />}
    >
      {status.isError ? (
        <ErrorState error={status.error} title="Could not read the lag status" />
      ) : (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 px-4 py-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Total lag" value={formatCount(s?.totalLag)} testId="lag-total" />
          <Fact label="Time lag" value={formatDuration(s?.timeLagMs)} hint="age of the oldest unread record" />
          <Fact
            label="Trend"
            value={
              trend ? (
                <span className={trend.lagPerSec > 0.5 ? "text-amber-700" : trend.lagPerSec < -0.5 ? "text-emerald-700" : ""}>
                  {trend.lagPerSec > 0.5 ? "▲" : trend.lagPerSec < -0.5 ? "▼" : "■"} {formatRate(Math.abs(trend.lagPerSec))}
                </span>
              ) : (
                "—"
              )
            }
            hint="lag change"
          />
          <Fact label="ETA to catch up" value={s ? <EtaText eta={s.eta} /> : "—"} />
          <Fact label="Consuming" value={formatRate(trend?.consumeRate)} />
          <Fact label="Producing" value={formatRate(trend?.produceRate)} />
        </dl>
      )}
      {s && s.partitions.some((p) => p.status !== "OK") && (
        <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-600">
          {s.partitions
            .filter((p) => p.status !== "OK")
            .slice(0, 8)
            .map((p) => (
              <span key={`${p.topic}:${p.partition}`} className="mr-3 inline-flex items-center gap-1">
                <span className="font-mono">
                  {p.topic}/{p.partition}
                </span>
                <LagStatusBadge status={p.status} />
              </span>
            ))}
        </p>
      )}
    </Panel>
  );
}

function Fact({ label, value, hint, testId }: { label: string; value: React.ReactNode; hint?: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500" title={hint}>
        {label}
      </dt>
      <dd className="num font-semibold text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

const TOTAL_SERIES: ChartSeries[] = [
  { key: "band", name: "min–max", color: "var(--chart-band)", kind: "band" },
  { key: "lag", name: "lag (avg)", color: CHART_COLORS[0], kind: "line" },
];
const TIME_LAG_SERIES: ChartSeries[] = [
  { key: "timeLag", name: "time lag", color: CHART_COLORS[1], kind: "area" },
  { key: "timeLagMax", name: "max", color: CHART_COLORS[1], kind: "line", dashed: true },
];
const secondsAxis = (v: number) => formatDurationAxis(v * 1000);

function TotalLagChart({ jobId, range }: { jobId: string; range: LagRangeKey }) {
  const lag = useJobLagQuery(jobId, range);
  const win = chartWindow(range, lag.data);
  const data = useMemo(
    () => (lag.data?.total ?? []).map((p) => ({ ts: p.ts, lag: p.lag, band: [p.lagMin, p.lagMax], timeLag: p.timeLagMs / 1000, timeLagMax: p.timeLagMaxMs / 1000 })),
    [lag.data],
  );
  return (
    <Panel title="Total lag and time lag">
      <ChartArea query={lag} errorTitle="Could not read the lag history" className="space-y-1">
        <TimeChart
          label="Total lag in records over time"
          testId="lag-chart"
          data={data}
          from={win.from}
          to={win.to}
          series={TOTAL_SERIES}
        />
        <TimeChart
          label="Time lag in seconds over time"
          testId="time-lag-chart"
          height={120}
          data={data}
          from={win.from}
          to={win.to}
          yFormat={secondsAxis}
          series={TIME_LAG_SERIES}
        />
      </ChartArea>
    </Panel>
  );
}
