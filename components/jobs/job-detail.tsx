"use client";
import Link from "next/link";
import { Tabs } from "radix-ui";
import type { JobDto } from "@/lib/contracts/jobs";
import { useJobBatchesQuery, useJobQuery } from "@/lib/client/api/jobs";
import { BackLink } from "@/components/ui/back-link";
import { Panel, Stat } from "@/components/ui/panel";
import { ErrorState, Loading } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatBytes, formatCount, formatMs } from "@/components/ui/format";
import { JobLagPanel } from "@/components/charts/job-lag-panel";
import { BatchTable } from "./batch-table";
import { AuditTable } from "@/components/audit/audit-table";
import { ReplayPanel } from "@/components/replay/replay-panel";
import { DeadLettersPanel } from "./dead-letters-panel";
import { FailureBanner } from "./failure-banner";
import { JobSettingsForm } from "./job-settings-form";
import { JobActions } from "./job-actions";
import { PartitionTable } from "./partition-table";
import { ResultsTable } from "./results-table";

/** The job page; `idOrName` comes from the address. Everything below is keyed by the job's id. */
export function JobDetail({ id: idOrName }: { id: string }) {
  const job = useJobQuery(idOrName);

  if (job.isPending) return <Loading label="Loading job…" />;
  if (job.isError) {
    return (
      <div className="space-y-3">
        <BackLink href="/">Jobs</BackLink>
        <ErrorState error={job.error} title={job.error.code === "JOB_NOT_FOUND" ? "No such job" : "Could not load the job"} />
      </div>
    );
  }
  return <JobView job={job.data} />;
}

function JobView({ job: j }: { job: JobDto }) {
  const id = j.id;
  const batches = useJobBatchesQuery(id, 20);
  const lastBatch = batches.data?.find((b) => b.status === "succeeded");

  return (
    <div className="space-y-4">
      <div>
        <BackLink href="/">Jobs</BackLink>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold">{j.name}</h1>
          <StatusBadge status={j.status} />
          <span className="text-sm text-slate-500">
            {j.processor} on {j.topics.join(", ")}
          </span>
          <JobOwner job={j} />
          <div className="ml-auto">
            <JobActions job={j} />
          </div>
        </div>
        <FailureBanner job={j} />
        {j.statusMessage && j.status !== "failed" && (
          <p role="status" className="mt-2 text-sm text-amber-800">
            {j.statusMessage}
          </p>
        )}
      </div>

      <Tabs.Root defaultValue="overview">
        <Tabs.List aria-label="Job sections" className="flex gap-1 border-b border-slate-200">
          {[
            ["overview", "Overview"],
            ["results", "Results"],
            ["replay", "Replay"],
            ["dead-letters", `Dead letters${j.deadLetters ? ` (${formatCount(j.deadLetters)})` : ""}`],
            ["settings", "Settings"],
            ["audit", "Audit"],
          ].map(([value, label]) => (
            <Tabs.Trigger
              key={value}
              value={value}
              className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-slate-600 hover:text-slate-900 data-[state=active]:border-sky-600 data-[state=active]:font-medium data-[state=active]:text-slate-900"
            >
              {label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>

        <Tabs.Content value="overview" className="space-y-4 pt-4">
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
            <Stat label="Records processed" value={formatCount(j.recordsProcessed)} />
            <Stat label="Total lag" value={formatCount(j.totalLag)} hint="records not yet processed" />
            <Stat
              label="Batch interval"
              value={formatMs(j.batchIntervalMs)}
              hint={`≤ ${formatCount(j.batchLimits.maxRecordsPerPartition)} records/partition, ≤ ${formatBytes(j.batchLimits.maxBatchBytes)}`}
            />
            <Stat
              label="Last batch"
              value={lastBatch ? formatCount(lastBatch.records) : "—"}
              hint={lastBatch ? `records in ${formatMs(lastBatch.processingTimeMs)}` : "no batch yet"}
            />
          </div>
          <Panel title="Partitions">
            <PartitionTable jobId={id} />
          </Panel>
          <JobLagPanel jobId={id} batchIntervalMs={j.batchIntervalMs} />
          <div className="grid gap-4 lg:grid-cols-3">
            <Panel title="Latest batches" className="lg:col-span-2">
              <BatchTable batches={batches} />
            </Panel>
            <Panel title={j.processor === "count-by-key" ? "Top keys" : "Results"}>
              <ResultsTable jobId={id} processor={j.processor} label={j.processor === "count-by-key" ? "Top keys" : "Latest results"} />
            </Panel>
          </div>
        </Tabs.Content>
        <Tabs.Content value="results" className="pt-4">
          <Panel title={`Results of ${j.processor}`}>
            <ResultsTable jobId={id} processor={j.processor} limit={50} paged label="Job results" />
          </Panel>
        </Tabs.Content>
        <Tabs.Content value="replay" className="pt-4">
          <ReplayPanel job={j} />
        </Tabs.Content>
        <Tabs.Content value="dead-letters" className="pt-4">
          <DeadLettersPanel jobId={j.id} count={j.deadLetters} />
        </Tabs.Content>
        <Tabs.Content value="settings" className="pt-4">
          <JobSettingsForm key={j.updatedAt} job={j} />
        </Tabs.Content>
        <Tabs.Content value="audit" className="pt-4">
          <Panel title="Changes to this job">
            <AuditTable targetType="job" targetId={j.id} limit={50} />
          </Panel>
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}

/** Which instance runs the job (its lease holder), linked to the Instances page. */
function JobOwner({ job: { owner, desiredState, status } }: { job: JobDto }) {
  if (!owner) {
    // Only worth saying while the job should be running.
    if (desiredState !== "running" || status === "failed") return null;
    return (
      <Link href="/instances" className="text-sm text-amber-800 hover:underline" data-testid="job-owner">
        <span aria-hidden className="mr-2">·</span>
        no instance owns it yet
      </Link>
    );
  }
  return (
    <Link
      href="/instances"
      className={owner.live ? "text-sm text-slate-500 hover:text-slate-800 hover:underline" : "text-sm text-amber-800 hover:underline"}
      title={`instance ${owner.instanceId}, lease epoch ${owner.epoch}`}
      data-testid="job-owner"
    >
      <span aria-hidden className="mr-2">·</span>
      runs on {owner.host ?? owner.instanceId}
      {owner.live ? "" : " (lease expired)"}
    </Link>
  );
}
