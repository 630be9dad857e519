"use client";
import Link from "next/link";
import { useJobsQuery } from "@/lib/client/use-jobs";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatCount, formatMs } from "@/components/ui/format";

export function JobsOverview() {
  const jobs = useJobsQuery();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">Jobs</h1>
        <Link href="/jobs/new" className="inline-flex h-8 items-center rounded-md bg-sky-700 px-3 text-sm font-medium text-white hover:bg-sky-800">
          New job
        </Link>
      </div>
      <Panel>
        {jobs.isPending ? (
          <Loading />
        ) : jobs.isError ? (
          <ErrorState error={jobs.error} title="Could not load jobs" />
        ) : jobs.data.length === 0 ? (
          <EmptyState title="No jobs yet">
            A job reads topics in micro-batches and commits its results with its offsets.{" "}
            <Link href="/jobs/new" className="font-medium text-sky-700 underline">
              Create the first one
            </Link>
            .
          </EmptyState>
        ) : (
          <Table aria-label="Jobs">
            <thead>
              <tr>
                <Th>Job</Th>
                <Th>Status</Th>
                <Th>Topics</Th>
                <Th>Processor</Th>
                <Th numeric>Interval</Th>
                <Th numeric>Records processed</Th>
                <Th numeric>Lag</Th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id} className="hover:bg-slate-50">
                  <Td>
                    <Link href={`/jobs/${encodeURIComponent(job.name)}`} className="font-medium text-sky-800 hover:underline">
                      {job.name}
                    </Link>
                  </Td>
                  <Td>
                    <StatusBadge status={job.status} />
                  </Td>
                  <Td className="max-w-64 truncate text-slate-600" title={job.topics.join(", ")}>
                    {job.topics.join(", ")}
                  </Td>
                  <Td className="text-slate-600">{job.processor}</Td>
                  <Td numeric>{formatMs(job.batchIntervalMs)}</Td>
                  <Td numeric>{formatCount(job.recordsProcessed)}</Td>
                  <Td numeric className={job.totalLag ? "font-medium text-amber-700" : ""}>
                    {formatCount(job.totalLag)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Panel>
    </div>
  );
}
