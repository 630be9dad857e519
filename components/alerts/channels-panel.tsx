"use client";
import { useState, type FormEvent } from "react";
import { channelTypes, createAlertChannelSchema, type ChannelTestResultDto, type ChannelType, type CreateAlertChannelInput } from "@/lib/contracts/alert-channels";
import { useAlertChannelsQuery, useCreateAlertChannelMutation, useDeleteAlertChannelMutation, useTestAlertChannelMutation, useUpdateAlertChannelMutation } from "@/lib/client/api/alerts";
import { useCan } from "@/lib/client/api/auth";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { AlertStateBadge, inputClass, when } from "./alert-badges";

const typeLabels: Record<ChannelType, string> = { webhook: "Webhook (JSON)", slack: "Slack", teams: "Microsoft Teams", wecom: "WeCom robot", email: "E-mail (SMTP)" };
const urlHints: Record<Exclude<ChannelType, "email">, string> = {
  webhook: "Any URL that accepts a JSON POST (payload in the README).",
  slack: "An incoming-webhook URL: https://hooks.slack.com/services/…",
  teams: "A Workflows webhook URL (“post to a channel when a webhook request is received”).",
  wecom: "The group robot URL: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
};

export function ChannelsPanel() {
  const channels = useAlertChannelsQuery();
  const test = useTestAlertChannelMutation();
  const update = useUpdateAlertChannelMutation();
  const remove = useDeleteAlertChannelMutation();
  const canOperate = useCan("operator");
  const [adding, setAdding] = useState(false);
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
        <Button variant="primary" disabled={!canOperate || adding} onClick={() => setAdding(true)}>
          Add channel
        </Button>
      }
    >
      {adding && <ChannelForm disabled={!canOperate} onDone={() => setAdding(false)} />}
      {channels.isPending ? (
        <Loading />
      ) : channels.isError ? (
        <ErrorState error={channels.error} title="Could not load channels" />
      ) : channels.data.length === 0 ? (
        <EmptyState title="No channels">Add a webhook, Slack, Teams, WeCom or e-mail channel, then pick it in a rule.</EmptyState>
      ) : (
        <Table aria-label="Alert channels">
          <thead>
            <tr>
              <Th>Channel</Th>
              <Th>Type</Th>
              <Th>Destination</Th>
              <Th>Last delivery</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {channels.data.map((c) => {
              const result = results[c.id];
              return (
                <tr key={c.id} className={c.enabled ? "" : "text-slate-400"}>
                  <Td className="font-medium">{c.name}</Td>
                  <Td>{typeLabels[c.type]}</Td>
                  <Td className="max-w-72 truncate font-mono text-xs" title="Secrets stay on the server">
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
                      <Button
                        variant="danger"
                        disabled={!canOperate}
                        onClick={() => {
                          if (window.confirm(`Delete channel “${c.name}”? Rules stop sending to it.`)) remove.mutate(c.id);
                        }}
                        aria-label={`Delete channel ${c.name}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function ChannelForm({ onDone, disabled }: { onDone: () => void; disabled: boolean }) {
  const create = useCreateAlertChannelMutation();
  const [type, setType] = useState<ChannelType>("webhook");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [host, setHost] = useState("");
  const [port, setPort] = useState("587");
  const [tls, setTls] = useState<"tls" | "starttls" | "none">("starttls");
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});

  function build(): CreateAlertChannelInput {
    if (type === "email") {
      return {
        name,
        type,
        host,
        port: port.trim() === "" ? Number.NaN : Number(port),
        tls,
        ...(user ? { user } : {}),
        ...(password ? { password } : {}),
        from,
        to: to.split(/[\s,;]+/).filter(Boolean),
      };
    }
    return { name, type, url };
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = build();
    const parsed = createAlertChannelSchema.safeParse(input);
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[String(issue.path[0] ?? "form")] ??= issue.message;
      setErrors(found);
      return;
    }
    setErrors({});
    create.mutate(input, { onSuccess: onDone, onError: (e) => setErrors({ [e.code === "ALERT_CHANNEL_NAME_TAKEN" ? "name" : "form"]: e.message }) });
  }

  const label = "block text-xs font-medium text-slate-700";
  const field = (id: string, text: string, value: string, set: (v: string) => void, extra: { type?: string; placeholder?: string; hint?: string } = {}) => (
    <div>
      <label htmlFor={`channel-${id}`} className={label}>
        {text}
      </label>
      <input
        id={`channel-${id}`}
        type={extra.type ?? "text"}
        className={inputClass}
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-invalid={Boolean(errors[id])}
        autoComplete="off"
        placeholder={extra.placeholder}
      />
      {errors[id] ? <p className="mt-1 text-xs text-red-700">{errors[id]}</p> : extra.hint ? <p className="mt-1 text-xs text-slate-500">{extra.hint}</p> : null}
    </div>
  );

  return (
    <form onSubmit={onSubmit} noValidate aria-label="New channel" className="grid grid-cols-1 gap-4 border-b border-slate-100 bg-slate-50/60 p-4 md:grid-cols-3">
      {field("name", "Name", name, setName, { placeholder: "ops-slack" })}
      <div>
        <label htmlFor="channel-type" className={label}>
          Type
        </label>
        <select id="channel-type" className={inputClass} value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
          {channelTypes.map((t) => (
            <option key={t} value={t}>
              {typeLabels[t]}
            </option>
          ))}
        </select>
      </div>
      {type !== "email" ? (
        field("url", "Webhook URL", url, setUrl, { type: "password", placeholder: "https://…", hint: `${urlHints[type]} Kept on the server; shown masked.` })
      ) : (
        <>
          {field("host", "SMTP host", host, setHost, { placeholder: "smtp.example.com" })}
          {field("port", "Port", port, setPort)}
          <div>
            <label htmlFor="channel-tls" className={label}>
              TLS
            </label>
            <select id="channel-tls" className={inputClass} value={tls} onChange={(e) => setTls(e.target.value as typeof tls)}>
              <option value="starttls">STARTTLS (587)</option>
              <option value="tls">TLS (465)</option>
              <option value="none">none (local relay)</option>
            </select>
          </div>
          {field("user", "User", user, setUser)}
          {field("password", "Password", password, setPassword, { type: "password", hint: "Kept on the server; never shown again." })}
          {field("from", "From", from, setFrom, { placeholder: "tidemark@example.com" })}
          {field("to", "To", to, setTo, { placeholder: "ops@example.com, oncall@example.com" })}
        </>
      )}
      <div className="flex items-center gap-2 md:col-span-3">
        <Button type="submit" variant="primary" disabled={disabled || create.isPending}>
          Create channel
        </Button>
        <Button onClick={onDone}>Cancel</Button>
        {errors.form && (
          <p role="alert" className="text-sm text-red-700">
            {errors.form}
          </p>
        )}
      </div>
    </form>
  );
}
