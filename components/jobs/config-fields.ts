import type { JsonSchema } from "@/lib/contracts/processors";

/** One input of a processor's config form, read from its JSON Schema. */
export interface ConfigField {
  name: string;
  description?: string;
  /** json: anything the form has no input for (objects, lists, unions), typed as JSON. */
  kind: "text" | "number" | "integer" | "boolean" | "choice" | "json";
  choices?: string[];
  required: boolean;
  defaultValue?: unknown;
}

/** What the user typed, per field: text, or a checkbox's state. */
export type ConfigInputs = Record<string, string | boolean>;

/** The fields of an object schema, in its order; none for a schema that is not an object. */
export function configFields(schema: JsonSchema | undefined): ConfigField[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    description: property.description,
    ...kindOf(property),
    required: required.has(name),
    defaultValue: property.default,
  }));
}

function kindOf(property: JsonSchema): Pick<ConfigField, "kind" | "choices"> {
  if (Array.isArray(property.enum) && property.enum.every((v) => typeof v === "string")) return { kind: "choice", choices: property.enum as string[] };
  switch (property.type) {
    case "string":
      return { kind: "text" };
    case "integer":
      return { kind: "integer" };
    case "number":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    default:
      return { kind: "json" };
  }
}

/** The inputs a form starts with: each field's default, as text. */
export function initialInputs(fields: ConfigField[]): ConfigInputs {
  return Object.fromEntries(
    fields.map((f) => [f.name, f.kind === "boolean" ? f.defaultValue === true : f.defaultValue === undefined ? "" : f.kind === "json" ? JSON.stringify(f.defaultValue) : String(f.defaultValue)]),
  );
}

/**
 * The config object the inputs make: empty optional fields are left out (the schema's default applies),
 * numbers and JSON are parsed. What cannot be parsed is an error by field; the server's schema checks the rest.
 */
export function configFromInputs(fields: ConfigField[], inputs: ConfigInputs): { config: Record<string, unknown>; errors: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const input = inputs[field.name];
    if (field.kind === "boolean") {
      if (input === true || field.required || field.defaultValue !== undefined) config[field.name] = input === true;
      continue;
    }
    const text = typeof input === "string" ? input.trim() : "";
    if (text === "") {
      if (field.required) errors[field.name] = `${field.name} is required`;
      continue;
    }
    if (field.kind === "number" || field.kind === "integer") {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === "integer" && !Number.isInteger(n))) errors[field.name] = `${field.name} must be a ${field.kind === "integer" ? "whole number" : "number"}`;
      else config[field.name] = n;
    } else if (field.kind === "json") {
      try {
        config[field.name] = JSON.parse(text);
      } catch {
        errors[field.name] = `${field.name} must be JSON`;
      }
    } else config[field.name] = text;
  }
  return { config, errors };
}
