"use client";
import type { ResetOptionsDto, resultsPolicies } from "@/lib/contracts/resets";
import type { ResetMode } from "@/lib/domain/reset-plan";
import { cn } from "@/components/ui/cn";
import { formatCount } from "@/components/ui/format";
import { keepHint } from "./reset-wording";

type Results = (typeof resultsPolicies)[number];

/** Keep, clear or roll back the job's results, with why a choice is not available for this processor or mode. */
export function ResetResultsChoice({
  options,
  mode,
  results,
  onChange,
}: {
  options: ResetOptionsDto | undefined;
  mode: ResetMode;
  results: Results;
  onChange: (results: Results) => void;
}) {
  const reprocessing = options?.reprocessing ?? "unknown";
  const canClear = options?.clear.supported ?? true;
  const canRollback = options?.rollback.supported ?? true;
  const rollbackWhy = !canRollback
    ? `the ${options?.processor} processor cannot roll back its results`
    : mode !== "to-batch"
      ? "only with “Start of a batch”"
      : null;
  const retention = options?.rollback;
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">Results</legend>
      <div className="mt-1 space-y-1 text-sm text-slate-700">
        <label className="flex items-baseline gap-2">
          <input type="radio" name="results" checked={results === "keep"} onChange={() => onChange("keep")} />
          <span>
            Keep results <span className="text-slate-500">— {keepHint[reprocessing]}</span>
          </span>
        </label>
        <label className={cn("flex items-baseline gap-2", !canClear && "text-slate-400")}>
          <input type="radio" name="results" disabled={!canClear} checked={results === "clear"} onChange={() => onChange("clear")} />
          <span>
            Clear all results of this job {!canClear && options?.clear.reason && <span>({options.clear.reason})</span>}
          </span>
        </label>
        <label className={cn("flex items-baseline gap-2", rollbackWhy && "text-slate-400")}>
          <input type="radio" name="results" disabled={Boolean(rollbackWhy)} checked={results === "rollback"} onChange={() => onChange("rollback")} />
          <span>
            Roll back the results of that batch and every later one {rollbackWhy && <span>({rollbackWhy})</span>}
          </span>
        </label>
        {canRollback && mode === "to-batch" && retention && (
          <p className="pl-6 text-xs text-slate-500" data-testid="rollback-retention">
            Each batch&apos;s contribution to the results is kept {retention.retentionDays} days (TIDEMARK_ROLLBACK_RETENTION_DAYS), then pruned: only batches
            inside that window can be rolled back
            {retention.oldestBatchId === null ? " — no batch is, right now." : <>, from batch {formatCount(retention.oldestBatchId)} on.</>}
          </p>
        )}
      </div>
    </fieldset>
  );
}
