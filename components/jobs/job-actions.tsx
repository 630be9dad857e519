"use client";
import { useRouter } from "next/navigation";
import { AlertDialog } from "radix-ui";
import type { JobDto } from "@/lib/contracts/jobs";
import { useCan } from "@/lib/client/api/auth";
import { useDeleteJobMutation, useJobActionMutation } from "@/lib/client/api/jobs";
import { Button } from "@/components/ui/button";

export function JobActions({ job }: { job: JobDto }) {
  const router = useRouter();
  const action = useJobActionMutation(job.id);
  const remove = useDeleteJobMutation(job.id);
  const wantsRunning = job.desiredState === "running" && job.status !== "failed";
  const error = action.error ?? remove.error;
  const canOperate = useCan("operator");
  const roleHint = canOperate ? undefined : "Needs the operator role";

  return (
    <div className="flex items-center gap-2">
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error.message}
        </span>
      )}
      {/* aria-disabled while a request is on its way, not disabled: a disabled button loses the keyboard focus,
          and the same button becomes Stop (or Start) once it is done. */}
      {wantsRunning ? (
        <Button onClick={() => !action.isPending && action.mutate("stop")} aria-disabled={action.isPending} disabled={!canOperate} title={roleHint}>
          Stop
        </Button>
      ) : (
        <Button variant="primary" onClick={() => !action.isPending && action.mutate("start")} aria-disabled={action.isPending} disabled={!canOperate} title={roleHint}>
          {job.status === "failed" ? "Restart" : "Start"}
        </Button>
      )}
      <AlertDialog.Root>
        <AlertDialog.Trigger asChild>
          <Button variant="danger" disabled={wantsRunning || !canOperate} title={roleHint ?? (wantsRunning ? "Stop the job before deleting it" : undefined)}>
            Delete
          </Button>
        </AlertDialog.Trigger>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 bg-slate-900/30" />
          <AlertDialog.Content className="fixed top-1/3 left-1/2 w-full max-w-md -translate-x-1/2 rounded-lg border border-slate-200 bg-white p-5 shadow-lg">
            <AlertDialog.Title className="text-base font-semibold">Delete {job.name}?</AlertDialog.Title>
            <AlertDialog.Description className="mt-2 text-sm text-slate-600">
              Its offsets, batch history and results are deleted too. The Kafka topics are not touched.
            </AlertDialog.Description>
            <div className="mt-5 flex justify-end gap-2">
              <AlertDialog.Cancel asChild>
                <Button>Cancel</Button>
              </AlertDialog.Cancel>
              <AlertDialog.Action asChild>
                <Button variant="danger" onClick={() => remove.mutate(undefined, { onSuccess: () => router.push("/") })}>
                  Delete job
                </Button>
              </AlertDialog.Action>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </div>
  );
}
