"use client";
import { useState } from "react";
import type { ChannelTestResultDto } from "@/lib/contracts/alert-channels";
import { useAlertChannelsQuery, useDeleteAlertChannelMutation, useTestAlertChannelMutation, useUpdateAlertChannelMutation } from "@/lib/client/api/alerts";
import { useCan } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { Td } from "@/components/ui/table";
import { useFocusReturn } from "@/components/ui/use-focus-return";
import { AlertStateBadge, when } from "./alert-badges";
import { ChannelForm, typeLabels } from "./channel-form";
import { DeleteButton } from "@/components/ui/form-parts";


export function ChannelsPanel() {
  const channels = useAlertChannelsQuery();
  const test = useTestAlertChannelMutation();
  const update = useUpdateAlertChannelMutation();
  const remove = useDeleteAlertChannelMutation();
  const canOperate = useCan("operator");
  const [adding, setAdding] = useState(false);
  const rememberOpener = useFocusReturn(adding);
  const [results, setResults] = useState<Record<string, ChannelTestResultDto | { error: string }>>({});

  function sendTest(id: string) {
    test.mutate(id, {
      onSuccess: (r) => setResults((prev) => ({ ...prev, [id]: r })),
      onError: (e) => setResults((prev) => ({ ...prev, [id]: { error: e.message } })),
    });
  }

  return (
    <Panel
      title="Channels"
      actions={
        <Button variant="primary" disabled={!canOperate || adding} onClick={() => (rememberOpener(), setAdding(true))}>
          Add channel
        </Button>
      }
    >
      {adding && <ChannelForm disabled={!canOperate} onDone={() => setAdding(false)} />}
      <QueryTable
        query={channels}
        errorTitle="Could not load channels"
        empty={<EmptyState title="No channels">Add a webhook, Slack, Teams, WeCom, e-mail, Alertmanager or HTTP template channel, then pick it in a rule.</EmptyState>}
        label="Alert channels"
        columns={["Channel", "Type", "Destination", "Last delivery", ""]}
      >
        {(data) =>
          data.map((c) => {
            const result = results[c.id];
            return (
              <tr key={c.id} className={c.enabled ? "" : "text-slate-400"}>
                <Td className="font-medium">{c.name}</Td>
                <Td>{typeLabels[c.type]}</Td>
                <Td className="max-w-72 truncate font-mono text-xs" title="Secrets stay on the server">
                  {c.template ? `${c.template.method} ` : ""}
                  {c.url ?? (c.email ? `${c.email.to.join(", ")} via ${c.email.host}:${c.email.port}` : "—")}
                </Td>
                <Td className="text-xs">
                  {result ? (
                    "error" in result && !("ok" in result) ? (
                      <span role="status" className="text-red-700">
                        {result.error}
                      </span>
                    ) : "ok" in result && result.ok ? (
                      <span role="status" className="text-emerald-700">
                        Test delivered{result.statusCode ? ` (HTTP ${result.statusCode})` : ""} in {result.durationMs} ms
                      </span>
                    ) : (
                      <span role="status" className="text-red-700">
                        Test failed: {"error" in result ? result.error : ""}
                      </span>
                    )
                  ) : c.lastDelivery ? (
                    <span className="flex items-center gap-2">
                      <AlertStateBadge state={c.lastDelivery.status === "delivered" ? "delivered" : c.lastDelivery.status === "failed" ? "failed" : "pending"} label={c.lastDelivery.status} />
                      <span className="num text-slate-500">{when(c.lastDelivery.at)}</span>
                    </span>
                  ) : (
                    <span className="text-slate-400">never</span>
                  )}
                </Td>
                <Td className="whitespace-nowrap text-right">
                  <div className="flex justify-end gap-1.5">
                    <Button disabled={!canOperate || (test.isPending && test.variables === c.id)} onClick={() => sendTest(c.id)} aria-label={`Send test to ${c.name}`}>
                      {test.isPending && test.variables === c.id ? "Sending…" : "Send test"}
                    </Button>
                    <Button disabled={!canOperate} onClick={() => update.mutate({ id: c.id, enabled: !c.enabled })} aria-label={`${c.enabled ? "Disable" : "Enable"} channel ${c.name}`}>
                      {c.enabled ? "Disable" : "Enable"}
                    </Button>
                    <DeleteButton what="channel" name={c.name} consequence="Rules stop sending to it." disabled={!canOperate} onDelete={() => remove.mutate(c.id)} />
                  </div>
                </Td>
              </tr>
            );
          })
        }
      </QueryTable>
    </Panel>
  );
}
