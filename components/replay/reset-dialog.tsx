"use client";
import { Dialog } from "radix-ui";
import { useMemo, useRef, useState } from "react";
import type { JobDto, PartitionProgressDto } from "@/lib/contracts/jobs";
import type { ResetChoice } from "@/lib/contracts/resets";
import type { ResetMode } from "@/lib/domain/reset-plan";
import { useApplyResetMutation, useJobActionMutation, usePreviewResetMutation, useResetOptionsQuery } from "@/lib/client/api/jobs";
import { buildResetRequest, partitionKeyOf as key, resetModeOptions as modes, type ResetFormState } from "@/lib/client/reset-request";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatCount } from "@/components/ui/format";
import { PartitionCell, Table, Td } from "@/components/ui/table";
import { ResetPlanTable } from "./reset-plan-table";
import { ResetResultsChoice } from "./reset-results-choice";

type Mode = ResetMode;
const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

export interface ResetPreset {
  mode: Mode;
  value?: string;
  targets?: Record<string, string>;
  scope?: string[];
}

/** Stop → preview → confirm → (optionally) start: the one replay flow. */
export function ResetDialog(props: {
  job: JobDto;
  partitions: PartitionProgressDto[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  preset?: ResetPreset | null;
}) {
  // Opened by more than one button (Reset offsets…, Rewind to here) and not through a Dialog.Trigger: focus
  // returns to whichever had it when the dialog opened.
  const opener = useRef<HTMLElement | null>(null);
  return (
    <Dialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-slate-900/30" />
        <Dialog.Content
          onOpenAutoFocus={() => (opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null)}
          onCloseAutoFocus={(event) => {
            if (!opener.current?.isConnected) return;
            event.preventDefault();
            opener.current.focus();
          }}
          className="fixed top-8 left-1/2 max-h-[calc(100vh-4rem)] w-full max-w-3xl -translate-x-1/2 overflow-y-auto rounded-lg border border-slate-200 bg-white p-5 shadow-lg">
          <Dialog.Title className="text-base font-semibold">Reset offsets of {props.job.name}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-600">Nothing changes until you confirm the previewed plan.</Dialog.Description>
          {/* Mounted only while open, so every opening starts from the preset. */}
          <ResetForm job={props.job} partitions={props.partitions} preset={props.preset ?? null} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

type Step = "stop" | "preview" | "confirm" | "start";

function Steps({ current }: { current: Step }) {
  const steps: [Step, string][] = [
    ["stop", "Stop"],
    ["preview", "Preview"],
    ["confirm", "Confirm"],
    ["start", "Start"],
  ];
  const at = steps.findIndex(([s]) => s === current);
  return (
    <ol className="mt-3 flex items-center gap-1 text-xs" aria-label="Steps">
      {steps.map(([step, label], i) => (
        <li key={step} className="flex items-center gap-1" aria-current={i === at ? "step" : undefined}>
          {i > 0 && (
            <span aria-hidden className="text-slate-400">
              →
            </span>
          )}
          <span
            className={cn(
              "rounded-full px-2 py-0.5",
              i < at && "text-emerald-700",
              i === at && "bg-sky-50 font-medium text-sky-900 ring-1 ring-sky-200",
              i > at && "text-slate-400",
            )}
          >
            {i < at ? "✓ " : `${i + 1}. `}
            {label}
          </span>
        </li>
      ))}
    </ol>
  );
}

function ResetForm({ job, partitions, preset }: { job: JobDto; partitions: PartitionProgressDto[]; preset: ResetPreset | null }) {
  const jobId = job.id;
  const [mode, setMode] = useState<Mode>(preset?.mode ?? "to-datetime");
  const [value, setValue] = useState(preset?.value ?? "");
  const [picked, setPicked] = useState<Set<string>>(() => new Set(preset?.scope ?? partitions.map(key)));
  const [filter, setFilter] = useState("");
  const [targets, setTargets] = useState<Record<string, string>>(preset?.targets ?? {});
  const [results, setResults] = useState<ResetFormState["results"]>("keep");
  const [reason, setReason] = useState("");
  const [startAfter, setStartAfter] = useState(true);
  const options = useResetOptionsQuery(jobId);
  const preview = usePreviewResetMutation(jobId);
  const apply = useApplyResetMutation(jobId);
  const action = useJobActionMutation(jobId);

  const stopped = job.desiredState === "stopped" && (job.status === "stopped" || job.status === "failed");
  const stopping = job.desiredState === "stopped" && !stopped;
  const spec = modes.find((m) => m.mode === mode)!;
  // Results are per job: rolling back or clearing them always covers every partition (the server refuses less).
  const wholeJob = results !== "keep";
  const scope = wholeJob ? new Set(partitions.map(key)) : picked;
  const allSelected = scope.size === partitions.length;
  const visible = useMemo(() => partitions.filter((p) => `${p.topic}/${p.partition}`.includes(filter.trim())), [partitions, filter]);
  const opts = options.data;

  const choice = (): ResetChoice => buildResetRequest({ mode, value, targets, scope, results, reason }, partitions);

  const plan = preview.data;
  const error = preview.error ?? apply.error ?? action.error;
  const changed = () => preview.reset();
  const chooseMode = (next: Mode) => {
    setMode(next);
    // Rollback goes with "Start of a batch" only: a stale choice would make the preview fail.
    if (next !== "to-batch" && results === "rollback") setResults("keep");
    changed();
  };
  const step: Step = apply.data ? "start" : !stopped ? "stop" : plan ? "confirm" : "preview";

  if (apply.data) {
    const started = action.isSuccess && action.variables === "start";
    return (
      <div role="status" className="mt-4 space-y-3">
        <Steps current="start" />
        <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Reset applied to {apply.data.partitions.length} partition{apply.data.partitions.length === 1 ? "" : "s"}
          {started ? "; the job is starting." : ". The job stays stopped until you start it."}
        </p>
        <div className="flex justify-end gap-2">
          {!started && (
            <Button onClick={() => action.mutate("start")} disabled={action.isPending}>
              Start job
            </Button>
          )}
          <Dialog.Close asChild>
            <Button variant="primary">Close</Button>
          </Dialog.Close>
        </div>
      </div>
    );
  }

  return (
    <div className="mt-3 space-y-4">
      <Steps current={step} />
      {!stopped && (
        <div className="flex items-center gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="stop-step">
          <p className="mr-auto">
            {stopping
              ? "Stopping the job… a batch already committing finishes first."
              : "The job is running. Offsets move only while it is stopped: stop it to preview and apply a reset."}
          </p>
          <Button className="shrink-0 whitespace-nowrap" onClick={() => action.mutate("stop")} disabled={stopping || action.isPending}>
            {stopping ? "Stopping…" : "Stop job"}
          </Button>
        </div>
      )}

      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Move to</legend>
        <div className="mt-1.5 flex flex-wrap gap-1.5" role="radiogroup">
          {modes.map((m) => (
            <label key={m.mode} className={`cursor-pointer rounded-md border px-2.5 py-1 text-sm ${mode === m.mode ? "border-sky-600 bg-sky-50 text-sky-900" : "border-slate-300 text-slate-700"}`}>
              <input type="radio" name="reset-mode" value={m.mode} checked={mode === m.mode} onChange={() => chooseMode(m.mode)} className="sr-only" />
              {m.label}
            </label>
          ))}
        </div>
      </fieldset>

      {spec.value && (
        <label className="block text-sm text-slate-800">
          {spec.value.label}
          <input className={`${inputClass} num mt-1 block w-72`} value={value} placeholder={spec.value.placeholder} onChange={(e) => (setValue(e.target.value), changed())} />
        </label>
      )}

      <div>
        <div className="flex items-center gap-3 text-sm">
          <span className="font-medium text-slate-800">Partitions</span>
          <label className="flex items-center gap-1.5 text-slate-700">
            <input type="checkbox" checked={allSelected} disabled={wholeJob} onChange={(e) => (setPicked(new Set(e.target.checked ? partitions.map(key) : [])), changed())} />
            all {partitions.length}
          </label>
          <input className={`${inputClass} ml-auto w-48`} placeholder="Filter partitions" aria-label="Filter partitions" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        {wholeJob && (
          <p className="mt-1 text-xs text-slate-500" data-testid="whole-job-scope">
            {results === "rollback"
              ? "Rolling back takes those batches' results out of every partition, so every partition rewinds: each to where the first rolled-back batch that read it started."
              : "Clearing deletes the results of every partition, so the reset covers every partition; results are rebuilt only from each partition's target onwards."}
          </p>
        )}
        <div className="mt-1.5 max-h-44 overflow-y-auto rounded-md border border-slate-200">
          <Table aria-label="Partitions to reset">
            <tbody>
              {visible.map((p) => (
                <tr key={key(p)}>
                  <Td className="w-8">
                    <input
                      type="checkbox"
                      aria-label={`${p.topic}/${p.partition}`}
                      checked={scope.has(key(p))}
                      disabled={wholeJob}
                      onChange={(e) => {
                        const next = new Set(picked);
                        if (e.target.checked) next.add(key(p));
                        else next.delete(key(p));
                        setPicked(next);
                        changed();
                      }}
                    />
                  </Td>
                  <PartitionCell topic={p.topic} partition={p.partition} />
                  <Td numeric className="text-slate-500">
                    now {formatCount(p.committedOffset)} · log {formatCount(p.logStartOffset)}–{formatCount(p.logEndOffset)}
                  </Td>
                  {mode === "per-partition" && (
                    <Td className="w-36">
                      <input
                        className={`${inputClass} num w-32`}
                        aria-label={`Target offset of ${p.topic}/${p.partition}`}
                        value={targets[key(p)] ?? ""}
                        placeholder="target"
                        onChange={(e) => (setTargets({ ...targets, [key(p)]: e.target.value }), changed())}
                      />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      </div>

      <ResetResultsChoice options={opts} mode={mode} results={results} onChange={(r) => (setResults(r), changed())} />

      <label className="block text-sm text-slate-800">
        Reason <span className="text-slate-400">(optional, goes to the audit log)</span>
        <input className={`${inputClass} mt-1 block w-full`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>

      {plan && <ResetPlanTable plan={plan} reprocessing={opts?.reprocessing ?? "unknown"} />}
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      )}

      <div className="flex items-center justify-end gap-2 border-t border-slate-100 pt-4">
        {plan && (
          <label className="mr-auto flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={startAfter} onChange={(e) => setStartAfter(e.target.checked)} /> Start the job afterwards
          </label>
        )}
        <Dialog.Close asChild>
          <Button>Cancel</Button>
        </Dialog.Close>
        <Button onClick={() => preview.mutate(choice())} disabled={!stopped || preview.isPending || scope.size === 0} title={stopped ? undefined : "Stop the job first"}>
          {preview.isPending ? "Previewing…" : plan ? "Preview again" : "Preview"}
        </Button>
        <Button
          variant="primary"
          disabled={!plan || !stopped || apply.isPending}
          onClick={() => plan && apply.mutate({ choice: choice(), preview: plan }, { onSuccess: () => startAfter && action.mutate("start") })}
        >
          {apply.isPending ? "Applying…" : "Confirm reset"}
        </Button>
      </div>
    </div>
  );
}
