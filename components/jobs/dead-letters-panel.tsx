"use client";
import { useJobDeadLettersQuery } from "@/lib/client/api/jobs";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatCount, formatTime } from "@/components/ui/format";

/** Records skipped under onError "skip": where they were, what they held, why they failed. */
export function DeadLettersPanel({ jobId, count }: { jobId: string; count: number }) {
  const letters = useJobDeadLettersQuery(jobId, 20, count > 0);
  return (
    <Panel title={`Dead letters (${formatCount(count)})`}>
      {count === 0 ? (
        <EmptyState title="No dead letters">Records the processor fails on land here when On error is skip.</EmptyState>
      ) : letters.isPending ? (
        <Loading />
      ) : letters.isError ? (
        <ErrorState error={letters.error} title="Could not load dead letters" />
      ) : (
        <Table aria-label="Dead letters">
          <thead>
            <tr>
              <Th>Record</Th>
              <Th numeric>Batch</Th>
              <Th>Key</Th>
              <Th>Value</Th>
              <Th>Error</Th>
              <Th>When</Th>
            </tr>
          </thead>
          <tbody>
            {letters.data.map((d) => (
              <tr key={d.id} data-testid="dead-letter-row">
                <Td className="num whitespace-nowrap">
                  {d.topic}/{d.partition}@{d.offset}
                </Td>
                <Td numeric className="text-slate-500">
                  {d.batchId}
                </Td>
                <Td className="max-w-32 truncate" title={d.key ?? "(null)"}>
                  {d.key ?? <span className="text-slate-400">(null)</span>}
                </Td>
                <Td className="max-w-48 truncate font-mono text-xs" title={d.value ?? "(null)"}>
                  {d.value ?? <span className="text-slate-400">(null)</span>}
                </Td>
                <Td className="max-w-64 truncate text-red-700" title={d.error}>
                  {d.error}
                </Td>
                <Td className="num whitespace-nowrap text-slate-500">{formatTime(d.createdAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
