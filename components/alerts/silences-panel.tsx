"use client";
import { useId, useState, type FormEvent } from "react";
import type { CreateAlertSilenceInput } from "@/lib/contracts/alerts";
import { useAlertRulesQuery, useAlertSilencesQuery, useCreateAlertSilenceMutation, useExpireAlertSilenceMutation } from "@/lib/client/api/alerts";
import { useCan } from "@/lib/client/api/auth";
import { useJobsQuery } from "@/lib/client/api/jobs";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { inputClass, when } from "./alert-badges";
import { FormError } from "@/components/ui/form-parts";

const durations = [
  ["1 hour", 3600],
  ["4 hours", 4 * 3600],
  ["1 day", 86_400],
  ["1 week", 7 * 86_400],
] as const;

export function SilencesPanel() {
  const silences = useAlertSilencesQuery();
  const rules = useAlertRulesQuery();
  const jobs = useJobsQuery();
  const create = useCreateAlertSilenceMutation();
  const expire = useExpireAlertSilenceMutation();
  const canOperate = useCan("operator");
  // Each field is named by its label's word alone: a select inside its label would otherwise be named
  // "Rule any rule …" (its options' text counts), and "Job" would also find the Rule field.
  const fieldId = useId();
  const [rule, setRule] = useState("");
  const [job, setJob] = useState("");
  const [duration, setDuration] = useState<number>(3600);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!rule && !job) return setError("Choose a rule, a job, or both.");
    if (!reason.trim()) return setError("Give a reason.");
    setError(null);
    const input: CreateAlertSilenceInput = { ...(rule ? { rule } : {}), ...(job ? { target: { type: "job", job } } : {}), durationSeconds: duration, reason };
    create.mutate(input, { onSuccess: () => setReason(""), onError: (e) => setError(e.message) });
  }

  return (
    <Panel title="Silences">
      <QueryTable
        query={silences}
        errorTitle="Could not load silences"
        empty={<EmptyState title="No silences">A silence mutes a rule or a target until a time; alerts still show here.</EmptyState>}
        label="Silences"
        columns={["Rule", "Target", "Reason", "By", numeric("Until"), ""]}
      >
        {(data) =>
          data.map((s) => (
            <tr key={s.id} className={s.active ? "" : "text-slate-400"}>
              <Td>{s.rule?.name ?? "any rule"}</Td>
              <Td>{s.targetName ?? "any target"}</Td>
              <Td className="max-w-80 truncate" title={s.reason}>
                {s.reason}
              </Td>
              <Td className="font-mono text-xs">{s.createdBy}</Td>
              <Td numeric>{s.active ? when(s.endsAt) : `ended ${when(s.endsAt)}`}</Td>
              <Td className="text-right">
                {s.active && (
                  <Button disabled={!canOperate || expire.isPending} onClick={() => expire.mutate(s.id)} aria-label={`End silence ${s.reason}`}>
                    End silence
                  </Button>
                )}
              </Td>
            </tr>
          ))
        }
      </QueryTable>
      <form onSubmit={onSubmit} noValidate aria-label="New silence" className="flex flex-wrap items-end gap-3 border-t border-slate-100 p-4">
        <label className="text-xs font-medium text-slate-700">
          <span id={`${fieldId}-rule`}>Rule</span>
          <select aria-labelledby={`${fieldId}-rule`} className={inputClass} value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">any rule</option>
            {rules.data?.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          <span id={`${fieldId}-job`}>Job</span>
          <select aria-labelledby={`${fieldId}-job`} className={inputClass} value={job} onChange={(e) => setJob(e.target.value)}>
            <option value="">any target</option>
            {jobs.data?.map((j) => (
              <option key={j.id} value={j.name}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          <span id={`${fieldId}-for`}>For</span>
          <select aria-labelledby={`${fieldId}-for`} className={inputClass} value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {durations.map(([text, s]) => (
              <option key={s} value={s}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label className="min-w-64 flex-1 text-xs font-medium text-slate-700">
          <span id={`${fieldId}-reason`}>Reason</span>
          <input aria-labelledby={`${fieldId}-reason`} className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="deploying orders service" autoComplete="off" />
        </label>
        <Button type="submit" variant="primary" disabled={!canOperate || create.isPending}>
          Create silence
        </Button>
        <FormError className="w-full" message={error} />
      </form>
    </Panel>
  );
}
