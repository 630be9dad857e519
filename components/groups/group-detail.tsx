"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { rangeMs, type LagRangeKey } from "@/lib/client/lag-ranges";
import { useGroupLagQuery, useGroupQuery } from "@/lib/client/api/lag";
import { ChartArea } from "@/components/charts/chart-area";
import { CHART_COLORS, formatDuration, formatRate } from "@/components/charts/format";
import { EtaText, LagStatusBadge } from "@/components/charts/lag-status-badge";
import { RangePicker } from "@/components/charts/range-picker";
import { TimeChart, type ChartSeries } from "@/components/charts/time-chart";
import { BackLink } from "@/components/ui/back-link";
import { Panel, Stat } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { numeric, PartitionCell, Table, TableHead, Td } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

export function GroupDetail({ group }: { group: string }) {
  const detail = useGroupQuery(group);
  const [range, setRange] = useState<LagRangeKey>("1h");
  const back = (
    <BackLink href="/groups">Consumer groups</BackLink>
  );
  if (detail.isPending) return <Loading label="Loading group…" />;
  if (detail.isError)
    return (
      <div className="space-y-3">
        {back}
        <ErrorState error={detail.error} title={detail.error.code === "GROUP_NOT_FOUND" ? "No such consumer group" : "Could not load the group"} />
      </div>
    );
  const g = detail.data;
  return (
    <div className="space-y-4">
      <div>
        {back}
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold break-all">{g.group}</h1>
          <LagStatusBadge status={g.status} worst={g.worst} />
          <span className="text-sm text-slate-500">
            {g.state} · {g.protocolType || "no protocol"}
          </span>
          {g.tidemarkJob && (
            <Link href={`/jobs/${encodeURIComponent(g.tidemarkJob)}`} className="text-sm text-sky-800 hover:underline">
              mirrors Tidemark job {g.tidemarkJob} →
            </Link>
          )}
        </div>
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Total lag" value={formatCount(g.totalLag)} />
        <Stat label="Time lag" value={formatDuration(g.timeLagMs)} hint="age of the oldest unread record" />
        <Stat label="ETA" value={<EtaText eta={g.eta} />} />
        <Stat label="Consuming" value={formatRate(g.trend?.consumeRate)} hint={`producing ${formatRate(g.trend?.produceRate)}`} />
        <Stat label="Members" value={formatCount(g.members.length)} />
      </div>
      <GroupLagChart group={group} range={range} onRange={setRange} />
      <Panel title="Partitions">
        {g.partitions.length === 0 ? (
          <EmptyState title="No committed offsets" />
        ) : (
          <Table aria-label="Group partitions">
            <TableHead columns={["Partition", numeric("Committed"), numeric("Log end"), numeric("Lag"), numeric("Time lag"), "Status", "Owner"]} />
            <tbody>
              {g.partitions.map((p) => (
                <tr key={`${p.topic}:${p.partition}`} data-testid="group-partition-row">
                  <PartitionCell topic={p.topic} partition={p.partition} />
                  <Td numeric>{formatCount(p.committedOffset)}</Td>
                  <Td numeric>{formatCount(p.logEndOffset)}</Td>
                  <Td numeric className={p.lag > 0 ? "font-medium text-amber-700" : "text-emerald-700"}>
                    {formatCount(p.lag)}
                  </Td>
                  <Td numeric>{formatDuration(p.timeLagMs)}</Td>
                  <Td>
                    <LagStatusBadge status={p.status} />
                  </Td>
                  <Td className="text-xs">
                    {p.owner ? (
                      <span title={p.owner.memberId}>
                        <span className="font-medium">{p.owner.clientId}</span> <span className="text-slate-500">{p.owner.host}</span>
                      </span>
                    ) : (
                      <span className="text-slate-400">unassigned</span>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Panel>
      {g.members.length > 0 && (
        <Panel title="Members">
          <Table aria-label="Members">
            <TableHead columns={["Client id", "Host", "Member id", numeric("Partitions")]} />
            <tbody>
              {g.members.map((m) => (
                <tr key={m.memberId}>
                  <Td className="font-medium">{m.clientId}</Td>
                  <Td className="text-slate-600">{m.host}</Td>
                  <Td className="font-mono text-xs text-slate-500">{m.memberId}</Td>
                  <Td numeric>{m.partitions}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Panel>
      )}
    </div>
  );
}

// Made once: a new series array per render would re-render the chart.
const GROUP_LAG_SERIES: ChartSeries[] = [
  { key: "band", name: "min–max", color: "var(--chart-band)", kind: "band" },
  { key: "lag", name: "lag (avg)", color: CHART_COLORS[0], kind: "line" },
];

function GroupLagChart({ group, range, onRange }: { group: string; range: LagRangeKey; onRange: (r: LagRangeKey) => void }) {
  const lag = useGroupLagQuery(group, range);
  const data = useMemo(() => (lag.data?.total ?? []).map((p) => ({ ts: p.ts, lag: p.lag, band: [p.lagMin, p.lagMax] })), [lag.data]);
  // Before the first answer the chart is empty: any window of the right length will do.
  const from = lag.data?.from ?? 0;
  const to = lag.data?.to ?? rangeMs(range);
  return (
    <Panel title="Lag history" actions={<RangePicker value={range} onChange={onRange} />}>
      <ChartArea query={lag} errorTitle="Could not read the lag history">
        <TimeChart
          label="Group lag over time"
          testId="group-lag-chart"
          data={data}
          from={from}
          to={to}
          series={GROUP_LAG_SERIES}
        />
      </ChartArea>
    </Panel>
  );
}
