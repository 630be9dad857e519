"use client";
import { useJobDeadLettersQuery } from "@/lib/client/api/jobs";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { numeric, Table, TableHead, Td } from "@/components/ui/table";
import { formatCount, formatTime } from "@/components/ui/format";
import { SchemaDecodingBadge } from "@/components/replay/payload-view";
import type { SchemaDecodingDto } from "@/lib/contracts/records";

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
          <TableHead columns={["Record", numeric("Batch"), "Key", "Value", "Error", "When"]} />
          <tbody>
            {letters.data.map((d) => (
              <tr key={d.id} data-testid="dead-letter-row">
                <Td className="num whitespace-nowrap">
                  {d.topic}/{d.partition}@{d.offset}
                </Td>
                <Td numeric className="text-slate-500">
                  {d.batchId}
                </Td>
                <Td className="max-w-32 truncate" title={shownText(d.key, d.keyDecoded)}>
                  <LetterPayload raw={d.key} decoded={d.keyDecoded} />
                </Td>
                <Td className="max-w-48 truncate font-mono text-xs" title={shownText(d.value, d.valueDecoded)}>
                  <LetterPayload raw={d.value} decoded={d.valueDecoded} />
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

/** The decoded JSON of a key or value in the Schema Registry wire format, else its UTF-8 text. */
function shownText(raw: string | null, decoded: SchemaDecodingDto | undefined): string {
  return decoded && "json" in decoded ? decoded.json : (raw ?? "(null)");
}

function LetterPayload({ raw, decoded }: { raw: string | null; decoded: SchemaDecodingDto | undefined }) {
  return (
    <>
      {decoded && <SchemaDecodingBadge decoded={decoded} />}
      {decoded && "json" in decoded ? decoded.json : (raw ?? <span className="text-slate-400">(null)</span>)}
    </>
  );
}
