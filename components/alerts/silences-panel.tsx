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
  // Each label sits beside its field (htmlFor), not around it: a label around a select also holds the options'
  // text ("Rule any rule a11y-job-…"), so looking a field up by its label's words ("Job") found the Rule field too.
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
        <div className="text-xs font-medium text-slate-700">
          <label htmlFor={`${fieldId}-rule`}>Rule</label>
          <select id={`${fieldId}-rule`} className={inputClass} value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">any rule</option>
            {rules.data?.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <div className="text-xs font-medium text-slate-700">
          <label htmlFor={`${fieldId}-job`}>Job</label>
          <select id={`${fieldId}-job`} className={inputClass} value={job} onChange={(e) => setJob(e.target.value)}>
            <option value="">any target</option>
            {jobs.data?.map((j) => (
              <option key={j.id} value={j.name}>
                {j.name}
              </option>
            ))}
          </select>
        </div>
        <div className="text-xs font-medium text-slate-700">
          <label htmlFor={`${fieldId}-for`}>For</label>
          <select id={`${fieldId}-for`} className={inputClass} value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {durations.map(([text, s]) => (
              <option key={s} value={s}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-64 flex-1 text-xs font-medium text-slate-700">
          <label htmlFor={`${fieldId}-reason`}>Reason</label>
          <input id={`${fieldId}-reason`} className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="deploying orders service" autoComplete="off" />
        </div>
        <Button type="submit" variant="primary" disabled={!canOperate || create.isPending}>
          Create silence
        </Button>
        <FormError className="w-full" message={error} />
      </form>
    </Panel>
  );
}
