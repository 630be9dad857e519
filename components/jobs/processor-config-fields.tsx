"use client";
import { FieldLabel } from "@/components/ui/form-parts";
import type { ConfigField, ConfigInputs } from "./config-fields";

/** The config form of a processor, one input per field of its JSON Schema (config-fields.ts). */
export function ProcessorConfigFields(props: {
  fields: ConfigField[];
  inputs: ConfigInputs;
  onChange: (name: string, value: string | boolean) => void;
  errors: Record<string, string>;
  inputClass: string;
}) {
  const { fields, inputs, onChange, errors, inputClass } = props;
  if (fields.length === 0) return <p className="text-xs text-slate-500">This processor has no settings.</p>;
  return (
    <div className="grid grid-cols-2 gap-4">
      {fields.map((field) => {
        const id = `config-${field.name}`;
        const error = errors[field.name];
        const describedBy = error ? `${id}-error` : field.description ? `${id}-hint` : undefined;
        const common = { id, "aria-invalid": Boolean(error), "aria-describedby": describedBy, "aria-required": field.required };
        const value = inputs[field.name];
        return (
          <div key={field.name} className={field.kind === "json" ? "col-span-2" : undefined}>
            {field.kind === "boolean" ? (
              <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium text-slate-800">
                <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(field.name, e.target.checked)} />
                {field.name}
              </label>
            ) : (
              <>
                <FieldLabel htmlFor={id}>
                  {field.name}
                  {field.required ? "" : " (optional)"}
                </FieldLabel>
                {field.kind === "choice" ? (
                  <select {...common} className={inputClass} value={String(value ?? "")} onChange={(e) => onChange(field.name, e.target.value)}>
                    {!field.required && <option value="">(default)</option>}
                    {field.choices!.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                ) : field.kind === "json" ? (
                  <textarea {...common} className={`${inputClass} font-mono text-xs`} rows={2} spellCheck={false} value={String(value ?? "")} onChange={(e) => onChange(field.name, e.target.value)} placeholder="JSON" />
                ) : (
                  <input {...common} className={inputClass} inputMode={field.kind === "text" ? undefined : "decimal"} value={String(value ?? "")} onChange={(e) => onChange(field.name, e.target.value)} autoComplete="off" />
                )}
              </>
            )}
            {error ? (
              <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
                {error}
              </p>
            ) : field.description ? (
              <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
                {field.description}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
