"use client";
import Link from "next/link";
import { useState } from "react";
import { useAlertRulesQuery, useDeleteAlertRuleMutation, useUpdateAlertRuleMutation } from "@/lib/client/api/alerts";
import { useCan } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { useFocusReturn } from "@/components/ui/use-focus-return";
import { AlertStateBadge, SeverityBadge } from "./alert-badges";
import { RuleForm } from "./rule-form";
import { DeleteButton, FormError } from "@/components/ui/form-parts";

const duration = (s: number | null) => (s === null ? "once" : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function RulesPanel() {
  const rules = useAlertRulesQuery();
  const update = useUpdateAlertRuleMutation();
  const remove = useDeleteAlertRuleMutation();
  const canOperate = useCan("operator");
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const editedRule = rules.data?.find((r) => r.id === editing);
  const rememberOpener = useFocusReturn(editing !== null);
  const edit = (id: string | "new") => (rememberOpener(), setEditing(id));

  return (
    <Panel
      title="Rules"
      actions={
        <Button variant="primary" disabled={!canOperate || editing !== null} onClick={() => edit("new")}>
          New rule
        </Button>
      }
    >
      {editing !== null && (
        <div className="border-b border-slate-100 bg-slate-50/60">
          <RuleForm key={editing} rule={editedRule} disabled={!canOperate} onDone={() => setEditing(null)} />
        </div>
      )}
      <QueryTable
        query={rules}
        errorTitle="Could not load rules"
        empty={<EmptyState title="No alert rules">A rule watches a job or consumer groups and tells your channels when a condition holds for long enough.</EmptyState>}
        label="Alert rules"
        columns={["Rule", "Target", "Condition", numeric("For"), numeric("Repeat"), "Severity", "Channels", "Now", ""]}
      >
        {(data) =>
          data.map((r) => (
            <tr key={r.id} className={r.enabled ? "" : "text-slate-400"}>
              <Td className="font-medium">{r.name}</Td>
              <Td>
                {r.target.type === "job" ? (
                  <Link href={`/jobs/${encodeURIComponent(r.target.job.name ?? r.target.job.id)}`} className="text-sky-800 hover:underline">
                    {r.target.job.name ?? "(deleted job)"}
                  </Link>
                ) : r.target.type === "groups" ? (
                  <span>
                    groups <code className="font-mono text-xs">{r.target.pattern}</code>
                  </span>
                ) : (
                  "all jobs"
                )}
              </Td>
              <Td className="text-slate-600">{r.conditionText}</Td>
              <Td numeric>{duration(r.forSeconds)}</Td>
              <Td numeric>{duration(r.repeatSeconds)}</Td>
              <Td>
                <SeverityBadge severity={r.severity} />
              </Td>
              <Td className="text-xs text-slate-600">{r.channels.map((c) => c.name).join(", ") || "—"}</Td>
              <Td>
                {!r.enabled ? (
                  <span className="text-xs">disabled</span>
                ) : r.firing > 0 ? (
                  <AlertStateBadge state="firing" label={`${r.firing} firing`} />
                ) : r.pending > 0 ? (
                  <AlertStateBadge state="pending" label={`${r.pending} pending`} />
                ) : (
                  <span className="text-xs text-emerald-700">ok</span>
                )}
              </Td>
              <Td className="whitespace-nowrap text-right">
                <div className="flex justify-end gap-1.5">
                  <Button disabled={!canOperate || editing !== null} onClick={() => edit(r.id)} aria-label={`Edit rule ${r.name}`}>
                    Edit
                  </Button>
                  <Button disabled={!canOperate || update.isPending} onClick={() => update.mutate({ id: r.id, enabled: !r.enabled })} aria-label={`${r.enabled ? "Disable" : "Enable"} rule ${r.name}`}>
                    {r.enabled ? "Disable" : "Enable"}
                  </Button>
                  <DeleteButton what="rule" name={r.name} consequence="Its history stays." disabled={!canOperate || remove.isPending} onDelete={() => remove.mutate(r.id)} />
                </div>
              </Td>
            </tr>
          ))
        }
      </QueryTable>
      <FormError className="px-4 py-2" message={(update.error ?? remove.error)?.message} />
    </Panel>
  );
}
