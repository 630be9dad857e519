"use client";
import { useMemo, useState } from "react";
import { rangeMs, type LagRangeKey } from "@/lib/client/lag-queries";
import { useJobBatchSeriesQuery, useJobLagQuery, useJobLagStatusQuery } from "@/lib/client/use-lag";
import { Panel } from "@/components/ui/panel";
import { ErrorState } from "@/components/ui/states";
import { formatCount } from "@/components/ui/format";
import { cn } from "@/components/ui/cn";
import { CHART_COLORS, formatCompact, formatDuration, formatDurationAxis, formatRate } from "./format";
import { EtaText, LagStatusBadge } from "./lag-status-badge";
import { ManySeriesChart, type ManySeries } from "./many-series-chart";
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

/** The chart's x window: the server's [from, to]; before the first answer (an empty chart) any window of the range's length. */
function useWindow(range: LagRangeKey, data?: { from: number; to: number }) {
  return data ? { from: data.from, to: data.to } : { from: 0, to: rangeMs(range) };
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
  const win = useWindow(range, lag.data);
  const data = useMemo(
    () => (lag.data?.total ?? []).map((p) => ({ ts: p.ts, lag: p.lag, band: [p.lagMin, p.lagMax], timeLag: p.timeLagMs / 1000, timeLagMax: p.timeLagMaxMs / 1000 })),
    [lag.data],
  );
  return (
    <Panel title="Total lag and time lag">
      {lag.isError ? (
        <ErrorState error={lag.error} title="Could not read the lag history" />
      ) : (
        <div className="space-y-1 px-2 py-2">
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
        </div>
      )}
    </Panel>
  );
}

/**
 * The most lagging partitions are drawn by default, with the rest as one "other partitions" series: their
 * sum when stacked (so the stack still adds up to the total lag), their highest lag when drawn as lines (so a
 * spike among them shows without flattening the others). Eight is also the number of distinct chart colours.
 */
const TOP_PARTITIONS = 8;
const OTHER_KEY = "other";

interface PartitionSeries {
  /** `topic/partition`, what the chips and the tooltip say */
  id: string;
  /** The rows' field: `p<n>`, a plain identifier whatever the topic's name */
  key: string;
  last: number;
  points: { ts: number; lag: number }[];
}

function PartitionLagChart({ jobId, range }: { jobId: string; range: LagRangeKey }) {
  const lag = useJobLagQuery(jobId, range, "all", 120);
  const [stacked, setStacked] = useState(false);
  // null: the default selection (the most lagging partitions); otherwise what the user switched on.
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [showOther, setShowOther] = useState(true);
  const win = useWindow(range, lag.data);
  const series = useMemo(() => {
    const all = (lag.data?.partitions ?? []).map((p, i): PartitionSeries => ({ id: `${p.topic}/${p.partition}`, key: `p${i}`, last: p.points.at(-1)?.lag ?? 0, points: p.points }));
    return all.sort((a, b) => b.last - a.last || a.id.localeCompare(b.id, undefined, { numeric: true }));
  }, [lag.data]);
  const isOn = (id: string, index: number) => (chosen ? chosen.has(id) : index < TOP_PARTITIONS);
  // Memoized, like the chart's props below: each refetch, toggle or re-render of this panel would otherwise
  // rebuild the rows and series and re-render the chart.
  const { visible, hidden } = useMemo(() => {
    const on = (s: PartitionSeries, i: number) => (chosen ? chosen.has(s.id) : i < TOP_PARTITIONS);
    return { visible: series.filter(on), hidden: series.filter((s, i) => !on(s, i)) };
  }, [series, chosen]);
  const other = showOther && hidden.length > 0;
  const data = useMemo(() => {
    const rows = new Map<number, Record<string, number>>();
    const row = (ts: number) => {
      let r = rows.get(ts);
      if (!r) rows.set(ts, (r = { ts }));
      return r;
    };
    for (const s of visible) for (const p of s.points) row(p.ts)[s.key] = p.lag;
    if (other) {
      for (const s of hidden) {
        for (const p of s.points) {
          const r = row(p.ts);
          r[OTHER_KEY] = r[OTHER_KEY] === undefined ? p.lag : stacked ? r[OTHER_KEY] + p.lag : Math.max(r[OTHER_KEY], p.lag);
        }
      }
    }
    return [...rows.values()].sort((a, b) => a.ts - b.ts);
  }, [visible, hidden, other, stacked]);
  const otherName = `other ${hidden.length} partitions (${stacked ? "sum" : "max"})`;
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
      {lag.isError ? (
        <ErrorState error={lag.error} title="Could not read the partitions' lag" />
      ) : (
        <div className="px-2 py-2">
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
        </div>
      )}
    </Panel>
  );
}

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
function BatchCharts({ jobId, range, batchIntervalMs }: { jobId: string; range: LagRangeKey; batchIntervalMs: number }) {
  const series = useJobBatchSeriesQuery(jobId, range);
  const win = useWindow(range, series.data);
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
      {series.isError ? (
        <ErrorState error={series.error} title="Could not read the batch history" />
      ) : (
        <div className="grid gap-x-4 gap-y-2 px-2 py-2 lg:grid-cols-2">
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
        </div>
      )}
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
