"use client";
import Link from "next/link";
import type { UseQueryResult } from "@tanstack/react-query";
import type { BatchDto } from "@/lib/contracts/jobs";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { numeric, Table, TableHead, Td } from "@/components/ui/table";
import { formatBytes, formatCount, formatMs, formatTime } from "@/components/ui/format";

export function BatchTable({ batches }: { batches: UseQueryResult<BatchDto[], Error> }) {
  if (batches.isPending) return <Loading />;
  if (batches.isError) return <ErrorState error={batches.error} title="Could not load batches" />;
  if (batches.data.length === 0) return <EmptyState title="No batches yet">A batch is recorded when there are records to read.</EmptyState>;
  return (
    <Table aria-label="Batches">
      <TableHead
        columns={[
          numeric("#"), "Batch time", "Status", numeric("Records"), numeric("Size"), numeric("Partitions"), numeric("Sched. delay"), numeric("Processing"),
          numeric("Total delay"),
        ]}
      />
      <tbody>
        {batches.data.map((b) => (
          <tr key={b.id} data-testid="batch-row" title={b.error ?? undefined}>
            <Td numeric className="text-slate-500">
              <Link href={`/jobs/${encodeURIComponent(b.jobId)}/batches/${b.id}`} className="text-sky-800 hover:underline" aria-label={`Batch ${b.id} details`}>
                {b.id}
              </Link>
            </Td>
            <Td className="num">{formatTime(b.batchTime)}</Td>
            <Td>
              <StatusBadge status={b.status} />
              {b.failedAt && (
                <span className="num ml-1.5 text-xs text-red-700" data-testid="batch-failed-at">
                  at {b.failedAt.topic}/{b.failedAt.partition}@{b.failedAt.offset}
                </span>
              )}
              {b.recordCap !== null && <span className="num ml-1.5 text-xs text-slate-500" title="per-partition cap this batch was planned with">≤{formatCount(b.recordCap)}/p</span>}
            </Td>
            <Td numeric>{formatCount(b.records)}</Td>
            <Td numeric className="text-slate-500">
              {formatBytes(b.bytes)}
            </Td>
            <Td numeric>{b.ranges.filter((r) => r.untilOffset > r.fromOffset).length}</Td>
            <Td numeric>{formatMs(b.schedulingDelayMs)}</Td>
            <Td numeric>{formatMs(b.processingTimeMs)}</Td>
            <Td numeric>{formatMs(b.totalDelayMs)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
