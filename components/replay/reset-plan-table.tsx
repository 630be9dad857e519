"use client";
import type { ReprocessingEffect, ResetPlanDto } from "@/lib/contracts/resets";
import { partitionKeyOf as key } from "@/lib/client/reset-request";
import { formatCount } from "@/components/ui/format";
import { numeric, PartitionCell, Table, TableHead, Td } from "@/components/ui/table";
import { reprocessedSentence } from "./reset-wording";

/** The previewed plan: per partition where it stands and where it goes, and what that means in a sentence. */
export function ResetPlanTable({ plan, reprocessing }: { plan: ResetPlanDto; reprocessing: ReprocessingEffect }) {
  const { reprocessed, skipped, rolledBackBatches, rolledBackRecords } = plan.summary;
  return (
    <div className="rounded-md border border-slate-200">
      <Table aria-label="Reset preview">
        <TableHead columns={["Partition", numeric("Current"), numeric("Target"), numeric("Change"), "Note"]} />
        <tbody>
          {plan.partitions.map((p) => (
            <tr key={key(p)} data-testid="plan-row">
              <PartitionCell topic={p.topic} partition={p.partition} />
              <Td numeric>{formatCount(p.currentOffset)}</Td>
              <Td numeric className="font-medium">
                {formatCount(p.targetOffset)}
              </Td>
              <Td numeric className={p.delta < 0 ? "text-amber-700" : p.delta > 0 ? "text-red-700" : "text-slate-500"} data-testid="plan-delta">
                {p.delta < 0 ? `${formatCount(-p.delta)} again` : p.delta > 0 ? `${formatCount(p.delta)} skipped` : "—"}
              </Td>
              <Td className="text-xs text-slate-500">{p.note ?? (p.clamped ? "clamped" : "")}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <p className="border-t border-slate-100 px-4 py-2 text-sm text-slate-700" data-testid="plan-summary">
        {reprocessed > 0 &&
          (plan.results === "keep" ? (
            <>{reprocessedSentence(reprocessed, reprocessing)} </>
          ) : (
            <>
              {formatCount(reprocessed)} record{reprocessed === 1 ? "" : "s"} will be processed again.{" "}
            </>
          ))}
        {skipped > 0 && <>{formatCount(skipped)} records will be skipped and never processed. </>}
        {plan.results === "clear" && <>All results of this job will be deleted first, and rebuilt only from each partition&apos;s target onwards. </>}
        {plan.results === "rollback" && (
          <>
            The results of {formatCount(rolledBackBatches)} batches ({formatCount(rolledBackRecords)} records) are taken out in the same transaction, so after
            catch-up the results are as if they had run once.
          </>
        )}
        {reprocessed === 0 && skipped === 0 && plan.results === "keep" && <>Nothing moves.</>}
      </p>
    </div>
  );
}
