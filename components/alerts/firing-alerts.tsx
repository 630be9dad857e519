"use client";
import Link from "next/link";
import { useActiveAlertsQuery } from "@/lib/client/api/alerts";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { AlertStateBadge, SeverityBadge, ago } from "./alert-badges";

/** Open alerts, firing first. `compact` (the overview): only firing ones, and nothing at all when none fire. */
export function FiringAlerts({ compact = false }: { compact?: boolean }) {
  const active = useActiveAlertsQuery();
  if (compact) {
    const firing = active.data?.filter((a) => a.state === "firing") ?? [];
    if (firing.length === 0) return null;
    return (
      <Panel
        title={<span className="text-red-800">Firing alerts ({firing.length})</span>}
        actions={
          <Link href="/alerts" className="text-sm text-sky-700 hover:underline">
            All alerts →
          </Link>
        }
        className="border-red-200"
      >
        <ul aria-label="Firing alerts" className="divide-y divide-slate-100">
          {firing.map((a) => (
            <li key={`${a.ruleId}/${a.targetKey}`} className="flex items-center gap-3 px-4 py-2 text-sm">
              <SeverityBadge severity={a.severity} />
              <span className="font-medium">{a.ruleName}</span>
              <Link href={a.link} className="text-sky-800 hover:underline">
                {a.targetName}
              </Link>
              <span className="text-slate-500">{a.conditionText}</span>
              <span className="num ml-auto font-medium">{a.valueText}</span>
              <span className="num w-20 text-right text-xs text-slate-500">for {ago(a.firingSince ?? a.since)}</span>
              {a.silenced && <AlertStateBadge state="silenced" label="silenced" />}
            </li>
          ))}
        </ul>
      </Panel>
    );
  }
  return (
    <Panel title="Open alerts">
      <QueryTable
        query={active}
        errorTitle="Could not load open alerts"
        empty={<EmptyState title="Nothing is firing">Alerts show here while a rule’s condition holds.</EmptyState>}
        label="Open alerts"
        columns={["State", "Severity", "Rule", "Target", "Condition", numeric("Value"), numeric("Since"), "Silence"]}
      >
        {(data) =>
          data.map((a) => (
            <tr key={`${a.ruleId}/${a.targetKey}`} className={a.state === "firing" ? "bg-red-50/40" : ""}>
              <Td>
                <AlertStateBadge state={a.state} />
              </Td>
              <Td>
                <SeverityBadge severity={a.severity} />
              </Td>
              <Td className="font-medium">{a.ruleName}</Td>
              <Td>
                <Link href={a.link} className="text-sky-800 hover:underline">
                  {a.targetKind === "group" ? `group ${a.targetName}` : a.targetName}
                </Link>
              </Td>
              <Td className="text-slate-600">{a.conditionText}</Td>
              <Td numeric className="font-medium">
                {a.valueText}
              </Td>
              <Td numeric title={a.since}>
                {ago(a.state === "firing" ? (a.firingSince ?? a.since) : a.since)}
              </Td>
              <Td className="text-xs text-slate-500">{a.silenced ? `silenced: ${a.silenced.reason}` : "—"}</Td>
            </tr>
          ))
        }
      </QueryTable>
    </Panel>
  );
}
