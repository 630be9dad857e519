"use client";
import { useJobResultsQuery } from "@/lib/client/api/jobs";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

export function ResultsTable({ jobId }: { jobId: string }) {
  const results = useJobResultsQuery(jobId, 15);
  if (results.isPending) return <Loading />;
  if (results.isError) return <ErrorState error={results.error} title="Could not load results" />;
  if (results.data.length === 0) return <EmptyState title="No results yet" />;
  return (
    <Table aria-label="Top keys">
      <thead>
        <tr>
          <Th>Key</Th>
          <Th numeric>Count</Th>
        </tr>
      </thead>
      <tbody>
        {results.data.map((r) => (
          <tr key={r.key}>
            <Td className="max-w-48 truncate font-mono text-xs" title={r.key}>
              {r.key}
            </Td>
            <Td numeric>{formatCount(r.count)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
