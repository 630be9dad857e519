"use client";
import { useState } from "react";
import type { AlertEventDto } from "@/lib/contracts/alerts";
import { useAlertEventsQuery } from "@/lib/client/api/alerts";
import { DetailTable } from "@/components/ui/detail-table";
import { ExpandableRow } from "@/components/ui/expandable-row";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { AlertStateBadge, SeverityBadge, when } from "./alert-badges";

const DELIVERY_COLUMNS = [
  { label: "Channel", className: "py-1" },
  { label: "Status", className: "py-1" },
  { label: "Attempt", className: "py-1" },
  { label: "At", className: "py-1 text-right" },
  { label: "HTTP", className: "py-1 text-right" },
  { label: "Took", className: "py-1 text-right" },
  { label: "Error", className: "py-1 pl-4" },
];

/** Alert events, newest first; each row opens to its delivery attempts. */
export function AlertHistory() {
  const events = useAlertEventsQuery(100);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Panel title="History">
      <QueryTable
        query={events}
        errorTitle="Could not load the alert history"
        empty={<EmptyState title="No alerts yet">Firing, repeat, resolved and test messages show here with every delivery attempt.</EmptyState>}
        label="Alert history"
        columns={[numeric("At"), "Event", "Severity", "Rule", "Target", numeric("Value"), "Deliveries"]}
      >
        {(data) =>
          data.map((e) => {
            const delivered = e.deliveries.filter((d) => d.status === "delivered").length;
            const failed = e.deliveries.filter((d) => d.status === "failed").length;
            const detailId = `event-${e.id}-deliveries`;
            return (
              <ExpandableRow
                key={e.id}
                className="hover:bg-slate-50"
                open={open === e.id}
                detailId={detailId}
                columns={7}
                detailClassName="border-b border-slate-100 bg-slate-50 px-6 py-2"
                detail={() => <Deliveries event={e} />}
              >
                <Td numeric>{when(e.at)}</Td>
                <Td>
                  <AlertStateBadge state={e.kind} />
                </Td>
                <Td>
                  <SeverityBadge severity={e.severity} />
                </Td>
                <Td className="font-medium">{e.ruleName}</Td>
                <Td>{e.targetName}</Td>
                <Td numeric>{e.valueText}</Td>
                <Td>
                  {e.deliveries.length === 0 ? (
                    <span className="text-xs text-slate-500">{e.silencedBy ? "silenced" : "none"}</span>
                  ) : (
                    <button
                      type="button"
                      className="text-xs text-sky-800 hover:underline"
                      aria-expanded={open === e.id}
                      aria-controls={detailId}
                      onClick={() => setOpen(open === e.id ? null : e.id)}
                    >
                      {delivered}/{e.deliveries.length} delivered{failed ? `, ${failed} failed` : ""}
                      {e.deliveries.length - delivered - failed > 0 ? `, ${e.deliveries.length - delivered - failed} pending` : ""}
                    </button>
                  )}
                </Td>
              </ExpandableRow>
            );
          })
        }
      </QueryTable>
    </Panel>
  );
}

/** Every delivery of an event with each of its attempts (a delivery not tried yet shows as one row of dashes). */
function Deliveries({ event }: { event: AlertEventDto }) {
  return (
    <DetailTable className="w-full text-xs" label={`Deliveries of event ${event.id}`} columns={DELIVERY_COLUMNS}>
      {event.deliveries.flatMap((d) =>
        (d.tries.length > 0 ? d.tries : [null]).map((t, i) => (
          <tr key={`${d.id}-${i}`} className="border-t border-slate-200">
            <td className="py-1">{i === 0 ? `${d.channelName} (${d.channelType})` : ""}</td>
            <td className="py-1">{i === 0 ? <AlertStateBadge state={d.status} /> : ""}</td>
            <td className="num py-1">{t ? i + 1 : "—"}</td>
            <td className="num py-1 text-right">{t ? when(t.at) : "—"}</td>
            <td className="num py-1 text-right">{t?.statusCode ?? "—"}</td>
            <td className="num py-1 text-right">{t ? `${t.durationMs} ms` : "—"}</td>
            <td className="py-1 pl-4 text-red-700">{t?.error ?? ""}</td>
          </tr>
        )),
      )}
    </DetailTable>
  );
}
