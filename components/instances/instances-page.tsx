"use client";
import Link from "next/link";
import type { InstanceDto } from "@/lib/contracts/instances";
import { useInstancesQuery } from "@/lib/client/api/instances";
import { formatDuration } from "@/components/charts/format";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { numeric, Table, TableHead, Td } from "@/components/ui/table";

const dateTime = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** Every Tidemark instance sharing the database (any instance shows the whole cluster) and the jobs each runs. */
export function InstancesPage() {
  const instances = useInstancesQuery();
  const data = instances.data;
  const live = data?.instances.filter((i) => i.live).length ?? 0;
  return (
    <div className="space-y-4">
      <div className="flex items-baseline gap-3">
        <h1 className="text-lg font-semibold">Instances</h1>
        {data && (
          <p className="text-sm text-slate-500" data-testid="instances-summary">
            {live} live of {data.instances.length} · lease TTL {formatDuration(data.leaseTtlMs)}
          </p>
        )}
      </div>
      <Panel>
        {instances.isPending ? (
          <Loading />
        ) : instances.isError ? (
          <ErrorState error={instances.error} title="Could not list the instances" />
        ) : data!.instances.length === 0 ? (
          <EmptyState title="No instance is running jobs">
            Every server whose job runtime is on (<code className="font-mono text-xs">TIDEMARK_RUNTIME=1</code>, the default) writes a heartbeat here every
            third of the lease TTL. None has: the runtime is off on these servers, or still starting.
          </EmptyState>
        ) : (
          <Table aria-label="Instances">
            <TableHead columns={["Instance", "Host", numeric("PID"), "Version", "Started", "Last heartbeat", "Status", "Jobs owned"]} />
            <tbody>
              {data!.instances.map((instance) => (
                <InstanceRow key={instance.id} instance={instance} asOfMs={Date.parse(data!.asOf)} />
              ))}
            </tbody>
          </Table>
        )}
      </Panel>
      {data && data.instances.length > 0 && (
        <p className="text-xs text-slate-500">
          An instance is live while its heartbeat is younger than the lease TTL. A silent instance&apos;s jobs go to the live ones once their leases expire; it stays
          listed until it has been silent for a while.
        </p>
      )}
    </div>
  );
}

function InstanceRow({ instance: i, asOfMs }: { instance: InstanceDto; asOfMs: number }) {
  return (
    <tr className="hover:bg-slate-50" data-testid="instance-row">
      <Td className="font-mono text-xs break-all text-slate-800">{i.id}</Td>
      <Td className="max-w-48 truncate" title={i.host}>
        {i.host}
      </Td>
      <Td numeric>{i.pid}</Td>
      <Td className="text-slate-600">{i.version}</Td>
      <Td className="whitespace-nowrap text-slate-600">
        <time dateTime={i.startedAt} title={i.startedAt}>
          {dateTime.format(new Date(i.startedAt))}
        </time>
      </Td>
      <Td className="whitespace-nowrap">
        <span className="num">{ago(asOfMs - Date.parse(i.heartbeatAt))}</span>
        <time dateTime={i.heartbeatAt} title={i.heartbeatAt} className="ml-2 text-xs text-slate-500">
          {dateTime.format(new Date(i.heartbeatAt))}
        </time>
      </Td>
      <Td>
        <StatusBadge status={i.live ? "live" : "silent"} />
      </Td>
      <Td className="max-w-96">
        {i.jobs.length === 0 ? (
          <span className="text-slate-500">—</span>
        ) : (
          <ul aria-label={`Jobs owned by ${i.id}`} className="flex flex-wrap gap-x-3 gap-y-0.5">
            {i.jobs.map((job) => (
              <li key={job.id}>
                <Link href={`/jobs/${encodeURIComponent(job.name)}`} className="font-medium text-sky-800 hover:underline" title={`lease epoch ${job.epoch}`}>
                  {job.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Td>
    </tr>
  );
}

/** Heartbeats come every third of the TTL: below a second is "now", not a count of milliseconds. */
function ago(ms: number): string {
  return ms < 1000 ? "now" : `${formatDuration(ms)} ago`;
}
