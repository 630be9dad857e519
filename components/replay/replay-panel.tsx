"use client";
import { useState } from "react";
import type { JobDto } from "@/lib/contracts/jobs";
import type { RecordDto } from "@/lib/contracts/records";
import { useCan } from "@/lib/client/use-auth";
import { useJobPartitionsQuery } from "@/lib/client/use-jobs";
import { useResetsQuery } from "@/lib/client/use-resets";
import { Button } from "@/components/ui/button";
import { formatCount } from "@/components/ui/format";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { MessageBrowser } from "./message-browser";
import { ResetDialog, type ResetPreset } from "./reset-dialog";

/** Replay: find the point to rewind to, preview and apply the reset, and see earlier resets. */
export function ReplayPanel({ job }: { job: JobDto }) {
  const partitions = useJobPartitionsQuery(job.name);
  const canOperate = useCan("operator");
  const stopped = job.desiredState === "stopped" && (job.status === "stopped" || job.status === "failed");
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<ResetPreset | null>(null);
  const why = !canOperate ? "Needs the operator role" : !stopped ? "Stop the job first: offsets move only while it is stopped" : undefined;

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
        {!stopped && <p className="px-4 pt-3 text-sm text-slate-600">Offsets can be reset while the job is stopped: stop it, preview, confirm, and start it again.</p>}
        <ResetHistory jobId={job.name} />
      </Panel>
      <Panel title="Records">
        <MessageBrowser
          topics={job.topics}
          partitionsOf={(topic) => (partitions.data ?? []).filter((p) => p.topic === topic).map((p) => p.partition)}
          onRewindTo={rewindTo}
          canRewind={!why}
        />
      </Panel>
      {partitions.data && <ResetDialog jobId={job.name} jobName={job.name} partitions={partitions.data} open={open} onOpenChange={setOpen} preset={preset} />}
    </div>
  );
}

function ResetHistory({ jobId }: { jobId: string }) {
  const resets = useResetsQuery(jobId);
  if (resets.isPending) return <Loading />;
  if (resets.isError) return <ErrorState error={resets.error} title="Could not load resets" />;
  if (resets.data.length === 0) return <EmptyState title="No resets yet">Every applied reset is listed here and in the audit log.</EmptyState>;
  return (
    <Table aria-label="Resets">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Mode</Th>
          <Th>Results</Th>
          <Th numeric>Again</Th>
          <Th numeric>Skipped</Th>
          <Th>Reason</Th>
        </tr>
      </thead>
      <tbody>
        {resets.data.map((r) => (
          <tr key={r.id} data-testid="reset-row">
            <Td className="num whitespace-nowrap text-slate-600">{new Date(r.at).toLocaleString("en-GB", { hour12: false })}</Td>
            <Td className="font-mono text-xs">{r.actor}</Td>
            <Td>
              {r.mode}
              {r.value !== null && <span className="text-slate-500"> {String(r.value)}</span>}
            </Td>
            <Td>{r.results === "rollback" ? `rolled back ${formatCount(r.summary.rolledBackBatches)} batches` : r.results}</Td>
            <Td numeric>{formatCount(r.summary.reprocessed)}</Td>
            <Td numeric>{formatCount(r.summary.skipped)}</Td>
            <Td className="max-w-64 truncate text-slate-600" title={r.reason ?? undefined}>
              {r.reason ?? "—"}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
