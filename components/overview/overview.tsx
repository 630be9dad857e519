"use client";
import Link from "next/link";
import { useOverviewQuery } from "@/lib/client/api/lag";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { EtaCell, LagCells } from "@/components/charts/lag-cells";
import { LagStatusBadge } from "@/components/charts/lag-status-badge";
import { Sparkline } from "@/components/charts/sparkline";
import { formatRate } from "@/components/charts/format";
import { Panel, Stat } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

/** The home page: the cluster at a glance and every job's lag, status and ETA. */
export function Overview() {
  const overview = useOverviewQuery();
  const c = overview.data?.cluster;
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">Overview</h1>
        <Link href="/jobs/new" className="inline-flex h-8 items-center rounded-md bg-sky-700 px-3 text-sm font-medium text-white hover:bg-sky-800">
          New job
        </Link>
      </div>
      <FiringAlerts compact />
      {overview.data?.clusterError && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {overview.data.clusterError}
        </p>
      )}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4" aria-label="Cluster">
        <Stat label="Brokers" value={formatCount(c?.brokers)} />
        <Stat label="Topics" value={c ? <Link href="/topics" className="hover:underline">{formatCount(c.topics)}</Link> : "—"} />
        <Stat label="Partitions" value={formatCount(c?.partitions)} />
        <Stat label="Consumer groups" value={c ? <Link href="/groups" className="hover:underline">{formatCount(c.groups)}</Link> : "—"} />
      </div>
      <Panel title="Jobs">
        <QueryTable
          query={overview}
          errorTitle="Could not load the overview"
          isEmpty={(data) => data.jobs.length === 0}
          empty={
            <EmptyState title="No jobs yet">
              A job reads topics in micro-batches and commits its results with its offsets.{" "}
              <Link href="/jobs/new" className="font-medium text-sky-700 underline">
                Create the first one
              </Link>
              .
            </EmptyState>
          }
          label="Jobs"
          columns={["Job", "Runtime", "Instance", "Lag status", numeric("Records/s"), numeric("Lag"), numeric("Time lag"), numeric("ETA"), "Last 15 min"]}
        >
          {(data) =>
            data.jobs.map((job) => (
              <tr key={job.id} className="hover:bg-slate-50" data-testid="overview-job-row">
                <Td>
                  <Link href={`/jobs/${encodeURIComponent(job.name)}`} className="font-medium text-sky-800 hover:underline">
                    {job.name}
                  </Link>
                </Td>
                <Td>
                  <StatusBadge status={job.status} />
                </Td>
                <Td className="max-w-40 truncate text-slate-600" title={job.owner ? `instance ${job.owner.instanceId}` : undefined}>
                  {job.owner ? (
                    <span className={job.owner.live ? "" : "text-amber-800"}>
                      {job.owner.host ?? job.owner.instanceId}
                      {job.owner.live ? "" : " (expired)"}
                    </span>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td>
                  <LagStatusBadge status={job.lagStatus} worst={job.worst} />
                </Td>
                <Td numeric>{formatRate(job.recordsPerSec)}</Td>
                <LagCells totalLag={job.totalLag} timeLagMs={job.timeLagMs} />
                <EtaCell eta={job.eta} />
                <Td className="py-1">
                  <Sparkline points={job.sparkline} label={`${job.name} lag over the last 15 minutes`} />
                </Td>
              </tr>
            ))
          }
        </QueryTable>
      </Panel>
    </div>
  );
}
