"use client";
import { BackLink } from "@/components/ui/back-link";
import { useJobLookupQuery } from "@/lib/client/api/jobs";
import { useJobBatchQuery } from "@/lib/client/api/lag";
import { Panel, Stat } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { numeric, PartitionCell, Table, TableHead, Td } from "@/components/ui/table";
import { formatBytes, formatCount, formatMs } from "@/components/ui/format";

/** One batch: its fixed offset ranges per partition, records, Spark-style timings and error. */
export function BatchDetail({ jobId, batchId }: { jobId: string; batchId: number }) {
  // The address may name the job: the batch is keyed under the job's id, as everything of a job is.
  const job = useJobLookupQuery(jobId);
  const jobBatch = useJobBatchQuery(job.data?.id ?? "", batchId, job.data !== undefined);
  const batch = job.isError ? job : jobBatch;
  const back = <BackLink href={`/jobs/${encodeURIComponent(jobId)}`}>{jobId}</BackLink>;
  if (batch.isPending) return <Loading label="Loading batch…" />;
  if (batch.isError)
    return (
      <div className="space-y-3">
        {back}
        <ErrorState error={batch.error} title={batch.error.code === "BATCH_NOT_FOUND" ? "No such batch" : "Could not load the batch"} />
      </div>
    );
  const b = batch.data;
  const ranges = b.ranges.filter((r) => r.untilOffset > r.fromOffset);
  return (
    <div className="space-y-4">
      <div>
        {back}
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold">Batch {b.id}</h1>
          <StatusBadge status={b.status} />
          <span className="num text-sm text-slate-500">due {new Date(b.batchTime).toLocaleString("en-GB", { hour12: false })}</span>
        </div>
        {b.error && (
          <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {b.error}
            {b.failedAt && (
              <span className="mt-1 block font-mono text-xs">
                at {b.failedAt.topic}/{b.failedAt.partition} offset {formatCount(b.failedAt.offset)}
              </span>
            )}
          </p>
        )}
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-6">
        <Stat label="Records" value={formatCount(b.records)} />
        <Stat label="Size" value={formatBytes(b.bytes)} />
        <Stat label="Sched. delay" value={formatMs(b.schedulingDelayMs)} hint="due → started" />
        <Stat label="Processing" value={formatMs(b.processingTimeMs)} hint="read + process + commit" />
        <Stat label="Total delay" value={formatMs(b.totalDelayMs)} hint="due → committed" />
        <Stat label="Attempts" value={formatCount(b.attempts)} hint={b.recordCap ? `cap ${formatCount(b.recordCap)}/partition` : "no cap"} />
      </div>
      <Panel title={`Offset ranges (${ranges.length} of ${b.ranges.length} partitions read)`}>
        {b.ranges.length === 0 ? (
          <EmptyState title="No ranges" />
        ) : (
          <Table aria-label="Offset ranges">
            <TableHead columns={["Partition", numeric("From (incl.)"), numeric("Until (excl.)"), numeric("Records")]} />
            <tbody>
              {b.ranges.map((r) => (
                <tr key={`${r.topic}:${r.partition}`} data-testid="range-row" className={r.untilOffset === r.fromOffset ? "text-slate-400" : undefined}>
                  <PartitionCell topic={r.topic} partition={r.partition} />
                  <Td numeric>{formatCount(r.fromOffset)}</Td>
                  <Td numeric>{formatCount(r.untilOffset)}</Td>
                  <Td numeric>{formatCount(r.untilOffset - r.fromOffset)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Panel>
    </div>
  );
}
