"use client";
import { useState } from "react";
import type { ResultColumnDto } from "@/lib/contracts/processors";
import { useJobResultsQuery } from "@/lib/client/api/jobs";
import { useProcessor } from "@/lib/client/api/processors";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, TableHead, Td } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

/**
 * A job's results in its processor's columns (GET /api/processors). `paged`: a page at a time with
 * Newer/Older buttons; otherwise the first `limit` rows.
 */
export function ResultsTable({ jobId, processor, limit = 15, paged = false, label = "Results" }: { jobId: string; processor: string; limit?: number; paged?: boolean; label?: string }) {
  const definition = useProcessor(processor);
  // Cursors of the pages before this one: the last is this page's `after`.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1) ?? null;
  const results = useJobResultsQuery(jobId, limit, after);
  if (results.isPending) return <Loading />;
  if (results.isError) return <ErrorState error={results.error} title="Could not load results" />;
  if (definition && !definition.results) return <EmptyState title="This processor lists no results" />;
  const rows = results.data.items;
  if (rows.length === 0 && cursors.length === 0) return <EmptyState title="No results yet" />;
  const columns = shownColumns(definition?.results?.columns, rows);
  const next = results.data.next;
  return (
    <div>
      <Table aria-label={label}>
        <TableHead columns={columns} />
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} data-testid="result-row">
              {columns.map((c) => (
                <Td key={c.key} numeric={c.numeric} className={c.numeric ? undefined : "max-w-64 truncate font-mono text-xs"} title={c.numeric ? undefined : cellText(row[c.key])}>
                  {c.numeric && typeof row[c.key] === "number" ? formatCount(row[c.key] as number) : cellText(row[c.key])}
                </Td>
              ))}
            </tr>
          ))}
        </tbody>
      </Table>
      {paged && (cursors.length > 0 || next) && (
        <div className="flex items-center gap-2 px-4 py-2">
          <Button onClick={() => setCursors((c) => c.slice(0, -1))} disabled={cursors.length === 0}>
            Previous page
          </Button>
          <Button onClick={() => next && setCursors((c) => [...c, next])} disabled={!next}>
            Next page
          </Button>
        </div>
      )}
    </div>
  );
}

/** The processor's columns that have a value on this page (a count-by-key without windows has no window column). */
function shownColumns(columns: ResultColumnDto[] | undefined, rows: Record<string, unknown>[]): ResultColumnDto[] {
  const all = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key, label: key }));
  const present = all.filter((c) => rows.some((r) => r[c.key] !== undefined && r[c.key] !== null));
  return present.length > 0 ? present : all;
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
