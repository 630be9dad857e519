"use client";
import { useJobPartitionsQuery } from "@/lib/client/api/jobs";
import { ProgressBar } from "@/components/ui/progress-bar";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { numeric, PartitionCell, Table, TableHead, Td } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

export function PartitionTable({ jobId }: { jobId: string }) {
  const partitions = useJobPartitionsQuery(jobId);
  if (partitions.isPending) return <Loading />;
  if (partitions.isError) return <ErrorState error={partitions.error} title="Could not read partition offsets" />;
  if (partitions.data.length === 0) return <EmptyState title="No partitions" />;
  return (
    <Table aria-label="Partitions">
      <TableHead columns={["Partition", numeric("Committed"), numeric("Log start"), numeric("Log end"), { label: "Progress", className: "w-1/4" }, numeric("Lag")]} />
      <tbody>
        {partitions.data.map((p) => {
          const span = p.logEndOffset - p.logStartOffset;
          const read = (p.committedOffset ?? p.logStartOffset) - p.logStartOffset;
          const pct = span === 0 ? 100 : (read / span) * 100;
          return (
            <tr key={`${p.topic}:${p.partition}`} data-testid="partition-row">
              <PartitionCell topic={p.topic} partition={p.partition} />
              <Td numeric>{formatCount(p.committedOffset)}</Td>
              <Td numeric className="text-slate-500">
                {formatCount(p.logStartOffset)}
              </Td>
              <Td numeric>{formatCount(p.logEndOffset)}</Td>
              <Td>
                <ProgressBar value={pct} label={`${p.topic}/${p.partition} read`} />
              </Td>
              <Td numeric className={p.lag > 0 ? "font-medium text-amber-700" : "text-emerald-700"} data-testid="partition-lag">
                {formatCount(p.lag)}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
