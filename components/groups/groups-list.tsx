"use client";
import Link from "next/link";
import { useGroupsQuery } from "@/lib/client/api/lag";
import { EtaCell, LagCells } from "@/components/charts/lag-cells";
import { LagStatusBadge } from "@/components/charts/lag-status-badge";
import { formatRate } from "@/components/charts/format";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";

/** Every consumer group in the cluster (KafkaOffsetMonitor/Burrow style), Tidemark's job mirrors marked. */
export function GroupsList() {
  const groups = useGroupsQuery();
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Consumer groups</h1>
      <Panel>
        <QueryTable
          query={groups}
          errorTitle="Could not list consumer groups"
          empty={<EmptyState title="No consumer groups">Groups appear here once a consumer commits offsets to Kafka.</EmptyState>}
          label="Consumer groups"
          columns={[
            "Group", "State", numeric("Members"), "Status", "Topics", numeric("Partitions"), numeric("Lag"), numeric("Time lag"), numeric("Records/s"), numeric("ETA"),
          ]}
        >
          {(data) =>
            data.map((g) => (
              <tr key={g.group} className="hover:bg-slate-50" data-testid="group-row">
                <Td className="max-w-80">
                  <Link href={`/groups/${encodeURIComponent(g.group)}`} className="font-medium break-all text-sky-800 hover:underline">
                    {g.group}
                  </Link>
                  {g.tidemarkJob && (
                    <Link
                      href={`/jobs/${encodeURIComponent(g.tidemarkJob)}`}
                      className="ml-2 rounded bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-800 ring-1 ring-sky-600/20 ring-inset"
                      title="Offsets mirrored from this Tidemark job"
                    >
                      Tidemark job
                    </Link>
                  )}
                </Td>
                <Td className="text-slate-600">{g.state}</Td>
                <Td numeric>{g.members}</Td>
                <Td>
                  <LagStatusBadge status={g.status} worst={g.worst} />
                </Td>
                <Td className="max-w-56 truncate text-slate-600" title={g.topics.join(", ")}>
                  {g.topics.join(", ") || "—"}
                </Td>
                <Td numeric>{g.partitions || "—"}</Td>
                <LagCells totalLag={g.totalLag} timeLagMs={g.timeLagMs} />
                <Td numeric>{formatRate(g.consumeRate)}</Td>
                <EtaCell eta={g.eta} />
              </tr>
            ))
          }
        </QueryTable>
      </Panel>
    </div>
  );
}
