"use client";
import { templateContentTypes, templateMethods, type TemplateContentType } from "@/lib/contracts/http-template-channel";
import { templateFields } from "@/lib/domain/http-template";
import { Button } from "@/components/ui/button";
import { inputClass } from "./alert-badges";

export interface TemplateHeaderRow {
  name: string;
  value: string;
  secret: boolean;
}
export interface TemplateSecretRow {
  name: string;
  value: string;
}

export interface TemplateState {
  method: (typeof templateMethods)[number];
  contentType: TemplateContentType;
  headers: TemplateHeaderRow[];
  secrets: TemplateSecretRow[];
  body: string;
  sendResolved: boolean;
  resolvedUrl: string;
  resolvedBody: string;
}

export const exampleBodies: Record<TemplateContentType, string> = {
  "application/json": '{"text":"{{summary}}","severity":"{{rule.severity}}","link":"{{link}}"}',
  "application/x-www-form-urlencoded": "to=%2B15550100&text={{summary}}",
};

export const initialTemplate: TemplateState = {
  method: "POST",
  contentType: "application/json",
  headers: [],
  secrets: [],
  body: exampleBodies["application/json"],
  sendResolved: true,
  resolvedUrl: "",
  resolvedBody: "",
};

const label = "block text-xs font-medium text-slate-700";
const contentTypeLabels: Record<TemplateContentType, string> = { "application/json": "JSON", "application/x-www-form-urlencoded": "Form (x-www-form-urlencoded)" };

/** The templated HTTP channel's own fields: method, content type, headers, secrets and the body templates. */
export function TemplateFields({ value, onChange, errors }: { value: TemplateState; onChange: (next: TemplateState) => void; errors: Record<string, string> }) {
  const set = (patch: Partial<TemplateState>) => onChange({ ...value, ...patch });
  const error = (id: string) => (errors[id] ? <p className="mt-1 text-xs text-red-700">{errors[id]}</p> : null);

  return (
    <>
      <div>
        <label htmlFor="channel-method" className={label}>
          Method
        </label>
        <select id="channel-method" className={inputClass} value={value.method} onChange={(e) => set({ method: e.target.value as TemplateState["method"] })}>
          {templateMethods.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="channel-content-type" className={label}>
          Content type
        </label>
        <select
          id="channel-content-type"
          className={inputClass}
          value={value.contentType}
          onChange={(e) => {
            const contentType = e.target.value as TemplateContentType;
            // Swap the example body along, but never a body someone wrote.
            set({ contentType, ...(value.body === exampleBodies[value.contentType] ? { body: exampleBodies[contentType] } : {}) });
          }}
        >
          {templateContentTypes.map((t) => (
            <option key={t} value={t}>
              {contentTypeLabels[t]}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="md:col-span-3">
        <legend className={label}>Headers</legend>
        <Rows
          rows={value.headers}
          what="header"
          onChange={(headers) => set({ headers })}
          empty={{ name: "", value: "", secret: false }}
          secretToggle
        />
        {error("headers")}
      </fieldset>

      <fieldset className="md:col-span-3">
        <legend className={label}>Secrets</legend>
        <p className="text-xs text-slate-500">Values the body uses as {"{{secrets.NAME}}"} (an API or routing key): kept on the server, never shown again.</p>
        <Rows rows={value.secrets} what="secret" onChange={(secrets) => set({ secrets })} empty={{ name: "", value: "" }} />
        {error("secrets")}
      </fieldset>

      <div className="md:col-span-3">
        <label htmlFor="channel-body" className={label}>
          Body template
        </label>
        <textarea
          id="channel-body"
          rows={5}
          className={`${inputClass} font-mono text-xs`}
          value={value.body}
          onChange={(e) => set({ body: e.target.value })}
          aria-invalid={Boolean(errors.body)}
          aria-describedby="channel-body-hint"
          spellCheck={false}
        />
        {error("body")}
        <p id="channel-body-hint" className="mt-1 text-xs text-slate-500">
          Values are escaped for the content type (in JSON, put each placeholder inside a string). Fields:{" "}
          <span className="font-mono">{templateFields.map((f) => `{{${f}}}`).join(" ")}</span>
        </p>
      </div>

      <div className="md:col-span-3 flex items-center gap-2">
        <input id="channel-send-resolved" type="checkbox" checked={value.sendResolved} onChange={(e) => set({ sendResolved: e.target.checked })} />
        <label htmlFor="channel-send-resolved" className="text-sm text-slate-700">
          Send resolved alerts too
        </label>
      </div>
      {value.sendResolved && (
        <>
          <div>
            <label htmlFor="channel-resolvedUrl" className={label}>
              URL for resolved alerts (optional)
            </label>
            <input id="channel-resolvedUrl" type="password" autoComplete="off" className={inputClass} value={value.resolvedUrl} onChange={(e) => set({ resolvedUrl: e.target.value })} aria-invalid={Boolean(errors.resolvedUrl)} />
            {error("resolvedUrl")}
          </div>
          <div className="md:col-span-2">
            <label htmlFor="channel-resolvedBody" className={label}>
              Body for resolved alerts (optional)
            </label>
            <textarea id="channel-resolvedBody" rows={2} className={`${inputClass} font-mono text-xs`} value={value.resolvedBody} onChange={(e) => set({ resolvedBody: e.target.value })} aria-invalid={Boolean(errors.resolvedBody)} spellCheck={false} />
            {error("resolvedBody")}
          </div>
        </>
      )}
    </>
  );
}

/** Name/value rows with add and remove buttons; every input has its own label for screen readers. */
function Rows<R extends { name: string; value: string; secret?: boolean }>({
  rows,
  what,
  onChange,
  empty,
  secretToggle = false,
}: {
  rows: R[];
  what: string;
  onChange: (rows: R[]) => void;
  empty: R;
  secretToggle?: boolean;
}) {
  const update = (i: number, patch: Partial<R>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="mt-1 space-y-2">
      {rows.map((r, i) => (
        <div key={i} className="flex flex-wrap items-center gap-2">
          <input aria-label={`${what} ${i + 1} name`} placeholder="Name" className={`${inputClass} w-48`} value={r.name} onChange={(e) => update(i, { name: e.target.value } as Partial<R>)} autoComplete="off" />
          <input
            aria-label={`${what} ${i + 1} value`}
            placeholder="Value"
            type={secretToggle && !r.secret ? "text" : "password"}
            className={`${inputClass} min-w-48 flex-1`}
            value={r.value}
            onChange={(e) => update(i, { value: e.target.value } as Partial<R>)}
            autoComplete="off"
          />
          {secretToggle && (
            <label className="flex items-center gap-1 text-xs text-slate-700">
              <input type="checkbox" aria-label={`${what} ${i + 1} secret`} checked={Boolean(r.secret)} onChange={(e) => update(i, { secret: e.target.checked } as Partial<R>)} />
              secret
            </label>
          )}
          <Button onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove ${what} ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...rows, { ...empty }])}>Add {what}</Button>
    </div>
  );
}
