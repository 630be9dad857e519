"use client";
import type { JobDto } from "@/lib/contracts/jobs";
import { formatCount } from "@/components/ui/format";

/** What failed a job: the error, the batch and, when the processor named it, the record. */
export function FailureBanner({ job }: { job: JobDto }) {
  if (job.status !== "failed") return null;
  const f = job.failure;
  return (
    <div role="alert" data-testid="failure-banner" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">
        The job failed{f ? ` in batch #${f.batchId}` : ""}.
        {job.failureCode && (
          <code data-testid="failure-code" className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold">
            {job.failureCode}
          </code>
        )}
      </p>
      <p className="mt-0.5 break-words">{job.statusMessage ?? f?.error ?? "no message"}</p>
      {f && f.topic !== null && f.partition !== null && f.offset !== null && (
        <p className="mt-1">
          At record <span className="num font-medium">{f.topic}/{f.partition}</span> offset{" "}
          <span className="num font-medium">{formatCount(f.offset)}</span>, after {f.attempts} attempt{f.attempts === 1 ? "" : "s"}.
        </p>
      )}
      <p className="mt-1 text-red-700">
        <b>Start</b> runs the same batch again. To step over bad records, stop the job and set <i>On error</i> to <i>skip</i> in Settings.
      </p>
    </div>
  );
}
