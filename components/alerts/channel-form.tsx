"use client";
import { useState, type FormEvent } from "react";
import { channelTypes, createAlertChannelSchema, type ChannelType, type CreateAlertChannelInput } from "@/lib/contracts/alert-channels";
import { useCreateAlertChannelMutation } from "@/lib/client/api/alerts";
import { inputClass } from "./alert-badges";
import { initialTemplate, TemplateFields, type TemplateState } from "./template-fields";
import { FormActions } from "@/components/ui/form-parts";

export const typeLabels: Record<ChannelType, string> = {
  webhook: "Webhook (JSON)",
  slack: "Slack",
  teams: "Microsoft Teams",
  wecom: "WeCom robot",
  email: "E-mail (SMTP)",
  alertmanager: "Alertmanager",
  "http-template": "HTTP template (SMS, paging)",
};

const urlHints: Record<Exclude<ChannelType, "email" | "http-template">, string> = {
  webhook: "Any URL that accepts a JSON POST (payload in the README).",
  slack: "An incoming-webhook URL: https://hooks.slack.com/services/…",
  teams: "A Workflows webhook URL (“post to a channel when a webhook request is received”).",
  wecom: "The group robot URL: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
  alertmanager: "Alertmanager's base URL, e.g. http://alertmanager:9093; alerts go to its /api/v2/alerts.",
};

/** The "Add channel" form: the fields of the chosen type, checked with the API's own schema before sending. */
export function ChannelForm({ onDone, disabled }: { onDone: () => void; disabled: boolean }) {
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
  const [resendSeconds, setResendSeconds] = useState("60");
  const [template, setTemplate] = useState<TemplateState>(initialTemplate);
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
    if (type === "alertmanager") return { name, type, url, resendSeconds: resendSeconds.trim() === "" ? Number.NaN : Number(resendSeconds) };
    if (type === "http-template") {
      const { resolvedUrl, resolvedBody, ...rest } = template;
      const resolved = rest.sendResolved ? { ...(resolvedUrl ? { resolvedUrl } : {}), ...(resolvedBody ? { resolvedBody } : {}) } : {};
      return { name, type, url, ...rest, ...resolved };
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
      {type === "http-template" ? (
        <>
          {field("url", "URL", url, setUrl, { type: "password", placeholder: "https://…", hint: "May hold placeholders ({{target.name}}), URL-encoded. Kept on the server; shown by its origin." })}
          <TemplateFields value={template} onChange={setTemplate} errors={errors} />
        </>
      ) : type === "alertmanager" ? (
        <>
          {field("url", "Alertmanager URL", url, setUrl, { placeholder: "http://alertmanager:9093", hint: urlHints.alertmanager })}
          {field("resendSeconds", "Resend every (seconds)", resendSeconds, setResendSeconds, { hint: "Firing alerts are posted again this often; each post is valid for 4 of these." })}
        </>
      ) : type !== "email" ? (
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
      <FormActions className="md:col-span-3" submitLabel="Create channel" disabled={disabled || create.isPending} onCancel={onDone} error={errors.form} />
    </form>
  );
}
