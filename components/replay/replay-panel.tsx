"use client";
import { useState } from "react";
import type { JobDto } from "@/lib/contracts/jobs";
import type { RecordDto } from "@/lib/contracts/records";
import type { AppliedResetDto } from "@/lib/contracts/resets";
import { useCan } from "@/lib/client/api/auth";
import { useJobPartitionsQuery } from "@/lib/client/api/jobs";
import { useResetsQuery } from "@/lib/client/api/jobs";
import { Button } from "@/components/ui/button";
import { DetailTable } from "@/components/ui/detail-table";
import { ExpandableRow } from "@/components/ui/expandable-row";
import { formatCount } from "@/components/ui/format";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { numeric, Table, TableHead, Td } from "@/components/ui/table";
import { MessageBrowser } from "./message-browser";
import { ResetDialog, type ResetPreset } from "./reset-dialog";

/** Replay: find the point to rewind to, preview and apply the reset, and see earlier resets. */
export function ReplayPanel({ job }: { job: JobDto }) {
  const partitions = useJobPartitionsQuery(job.id);
  const canOperate = useCan("operator");
  const stopped = job.desiredState === "stopped" && (job.status === "stopped" || job.status === "failed");
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<ResetPreset | null>(null);
  const why = !canOperate ? "Needs the operator role" : undefined;

  const rewindTo = (record: RecordDto) => {
    const k = `${record.topic}:${record.partition}`;
    setPreset({ mode: "per-partition", targets: { [k]: String(record.offset) }, scope: [k] });
    setOpen(true);
  };

  return (
    <div className="space-y-4">
      <Panel
        title="Replay"
        actions={
          <Button variant="primary" onClick={() => (setPreset(null), setOpen(true))} disabled={Boolean(why) || !partitions.data} title={why}>
            Reset offsets…
          </Button>
        }
      >
        {!stopped && (
          <p className="border-b border-slate-100 px-4 py-2 text-sm text-slate-600">
            Offsets move only while the job is stopped: <span className="font-medium">Reset offsets…</span> stops it, previews, confirms and starts it again.
          </p>
        )}
        <ResetHistory jobId={job.id} />
      </Panel>
      <Panel title="Records">
        <MessageBrowser
          topics={job.topics}
          partitionsOf={(topic) => (partitions.data ?? []).filter((p) => p.topic === topic).map((p) => p.partition)}
          onRewindTo={rewindTo}
          canRewind={!why}
        />
      </Panel>
      {partitions.data && <ResetDialog job={job} partitions={partitions.data} open={open} onOpenChange={setOpen} preset={preset} />}
    </div>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString("en-GB", { hour12: false });

function ResetHistory({ jobId }: { jobId: string }) {
  const resets = useResetsQuery(jobId);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  if (resets.isPending) return <Loading />;
  if (resets.isError) return <ErrorState error={resets.error} title="Could not load resets" />;
  if (resets.data.length === 0) return <EmptyState title="No resets yet">Every applied reset is listed here and in the audit log.</EmptyState>;
  const toggle = (id: number) => {
    const next = new Set(expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };
  return (
    <Table aria-label="Resets">
      <TableHead
        columns={[
          { label: "", className: "w-8 px-2" }, "When", "Who", "Mode", "Results", numeric("Partitions"), numeric("Again"), numeric("Skipped"), "Reason",
        ]}
      />
      <tbody>
        {resets.data.map((r) => {
          const open = expanded.has(r.id);
          const detailId = `reset-${r.id}-partitions`;
          return (
            <ExpandableRow
              key={r.id}
              data-testid="reset-row"
              className="cursor-pointer hover:bg-slate-50"
              onClick={() => toggle(r.id)}
              open={open}
              detailId={detailId}
              columns={9}
              detailTestId="reset-detail"
              detailClassName="border-b border-slate-200 bg-slate-50/60 px-4 py-3 pl-12"
              detail={() => <ResetPartitions reset={r} />}
            >
              <Td className="px-2 text-center">
                <button
                  type="button"
                  className="h-6 w-6 rounded text-slate-500 hover:bg-slate-200 hover:text-slate-800"
                  aria-expanded={open}
                  aria-controls={detailId}
                  aria-label={`${open ? "Hide" : "Show"} partitions of reset ${r.id}`}
                  onClick={(e) => (e.stopPropagation(), toggle(r.id))}
                >
                  {open ? "▾" : "▸"}
                </button>
              </Td>
              <Td className="num whitespace-nowrap text-slate-600">{when(r.at)}</Td>
              <Td className="font-mono text-xs">{r.actor}</Td>
              <Td>
                {r.mode}
                {r.value !== null && <span className="text-slate-500"> {String(r.value)}</span>}
              </Td>
              <Td>{r.results === "rollback" ? `rolled back ${formatCount(r.summary.rolledBackBatches)} batches` : r.results === "clear" ? "cleared" : "kept"}</Td>
              <Td numeric>{formatCount(r.partitions.length)}</Td>
              <Td numeric>{formatCount(r.summary.reprocessed)}</Td>
              <Td numeric>{formatCount(r.summary.skipped)}</Td>
              <Td className="max-w-64 truncate text-slate-600" title={r.reason ?? undefined}>
                {r.reason ?? "—"}
              </Td>
            </ExpandableRow>
          );
        })}
      </tbody>
    </Table>
  );
}

const PARTITION_COLUMNS = [
  { label: "Partition", className: "py-1 pr-6" },
  { label: "Before", className: "num py-1 pr-6 text-right" },
  { label: "After", className: "num py-1 pr-6 text-right" },
  { label: "Change", className: "num py-1 pr-6 text-right" },
  { label: "Note", className: "py-1" },
];

/** Before and after per partition of one applied reset. */
export function ResetPartitions({ reset }: { reset: Pick<AppliedResetDto, "partitions" | "summary" | "results"> }) {
  return (
    <div className="space-y-1.5">
      <DetailTable className="w-auto border-collapse text-xs" label="Offsets before and after" columns={PARTITION_COLUMNS}>
        {reset.partitions.map((p) => (
          <tr key={`${p.topic}:${p.partition}`} className="border-t border-slate-200/70" data-testid="reset-partition">
            <td className="py-1 pr-6 font-mono">
              {p.topic}/{p.partition}
            </td>
            <td className="num py-1 pr-6 text-right">{formatCount(p.currentOffset)}</td>
            <td className="num py-1 pr-6 text-right font-medium">{formatCount(p.targetOffset)}</td>
            <td className={`num py-1 pr-6 text-right ${p.delta < 0 ? "text-amber-700" : p.delta > 0 ? "text-red-700" : "text-slate-400"}`}>
              {p.delta < 0 ? `${formatCount(-p.delta)} again` : p.delta > 0 ? `${formatCount(p.delta)} skipped` : "—"}
            </td>
            <td className="py-1 text-slate-500">{p.note ?? ""}</td>
          </tr>
        ))}
      </DetailTable>
      {reset.results === "rollback" && (
        <p className="text-xs text-slate-600">
          Took out the results of {formatCount(reset.summary.rolledBackBatches)} batches ({formatCount(reset.summary.rolledBackRecords)} records).
        </p>
      )}
      {reset.results === "clear" && <p className="text-xs text-slate-600">Deleted all results of the job first.</p>}
    </div>
  );
}
