/**
 * The templated HTTP channel's templates: `{{field}}` placeholders over a fixed list of an alert's fields,
 * filled in with each value escaped for where it lands (a JSON string, a form field, a URL). Logic-less on
 * purpose: no expressions, sections or helpers, nothing in a template is ever run, and a placeholder that is
 * not on the list is an error when the channel is saved, not a blank at 3 a.m.
 */
import { summaryLine, type AlertNotice } from "./alert-messages";

/** Where a template's output goes, which decides how each value is escaped. */
export type TemplateContext = "json" | "form" | "url";

export const templateFields = [
  "summary",
  "kind",
  "state",
  "rule.id",
  "rule.name",
  "rule.severity",
  "rule.condition",
  "target.kind",
  "target.id",
  "target.name",
  "value",
  "valueText",
  "threshold",
  "unit",
  "since",
  "at",
  "link",
  "eventId",
  "reason",
  "dedupKey",
  "eventAction",
  "priority",
] as const;
export type TemplateField = (typeof templateFields)[number];

const FIELDS: ReadonlySet<string> = new Set(templateFields);
const SECRET_PREFIX = "secrets.";
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/y;

type Part = string | { name: string; inJsonString: boolean };

/** Splits a template into text and placeholders; throws a TemplateError for a broken `{{`. */
function parse(template: string): Part[] {
  const parts: Part[] = [];
  let text = "";
  let inString = false;
  for (let i = 0; i < template.length; ) {
    if (template.startsWith("{{", i)) {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (!m) throw new TemplateError(`'{{' at character ${i + 1} does not start a placeholder like {{rule.name}}`);
      if (text) parts.push(text);
      text = "";
      parts.push({ name: m[1], inJsonString: inString });
      i += m[0].length;
      continue;
    }
    const c = template[i];
    if (inString && c === "\\") {
      text += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    text += c;
    i++;
  }
  if (text) parts.push(text);
  return parts;
}

export class TemplateError extends Error {}

/**
 * What is wrong with a template, [] when nothing: unknown placeholders, secrets that are not defined, and for
 * JSON a placeholder outside a string (a value could otherwise add keys) or a body that is not JSON once filled.
 */
export function checkTemplate(template: string, context: TemplateContext, secretNames: readonly string[]): string[] {
  let parts: Part[];
  try {
    parts = parse(template);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  for (const p of parts) {
    if (typeof p === "string") continue;
    if (p.name.startsWith(SECRET_PREFIX)) {
      if (!secretNames.includes(p.name.slice(SECRET_PREFIX.length))) problems.push(`{{${p.name}}}: no secret named '${p.name.slice(SECRET_PREFIX.length)}'`);
    } else if (!FIELDS.has(p.name)) {
      problems.push(`{{${p.name}}} is not a field; use one of ${templateFields.map((f) => `{{${f}}}`).join(", ")} or {{secrets.NAME}}`);
    }
    if (context === "json" && !p.inJsonString) problems.push(`{{${p.name}}} must be inside a JSON string ("{{${p.name}}}")`);
  }
  if (problems.length === 0 && context === "json") {
    const sample = Object.fromEntries([...templateFields, ...secretNames.map((s) => SECRET_PREFIX + s)].map((f) => [f, 'x"\n\\']));
    try {
      JSON.parse(renderTemplate(template, context, sample));
    } catch (error) {
      problems.push(`not valid JSON once filled in: ${(error as Error).message}`);
    }
  }
  return [...new Set(problems)];
}

const escapers: Record<TemplateContext, (value: string) => string> = {
  // The inside of a JSON string literal: quotes, backslashes and control characters escaped.
  json: (v) => JSON.stringify(v).slice(1, -1),
  // application/x-www-form-urlencoded as browsers send it (space as '+', UTF-8 percent-encoding).
  form: (v) => new URLSearchParams([["", v]]).toString().slice(1),
  url: (v) => encodeURIComponent(v),
};

/** Fills a checked template; a name missing from `values` becomes "" (checkTemplate refuses unknown names first). */
export function renderTemplate(template: string, context: TemplateContext, values: Readonly<Record<string, string>>): string {
  return parse(template)
    .map((p) => (typeof p === "string" ? p : escapers[context](Object.hasOwn(values, p.name) ? values[p.name] : "")))
    .join("");
}

const PRIORITY = { critical: "P1", warning: "P3", info: "P5" } as const;

/** The values a template can use for one notice, unescaped; secrets under `secrets.NAME`. */
export function templateValues(n: AlertNotice, secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
  const text = (v: string | number | null | undefined) => (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? "" : String(v));
  const fields: Record<TemplateField, string> = {
    summary: summaryLine(n),
    kind: n.kind,
    state: n.state,
    "rule.id": text(n.rule.id),
    "rule.name": n.rule.name,
    "rule.severity": n.rule.severity,
    "rule.condition": n.rule.condition,
    "target.kind": n.target.kind,
    "target.id": n.target.id,
    "target.name": n.target.name,
    value: text(n.value),
    valueText: n.valueText,
    threshold: text(n.threshold),
    unit: n.unit,
    since: text(n.since),
    at: n.at,
    link: n.link,
    eventId: String(n.eventId),
    reason: text(n.reason),
    // The same for every message about one rule on one target: PagerDuty's dedup_key, Opsgenie's alias.
    dedupKey: `tidemark-${n.rule.id ?? "test"}-${n.target.kind}-${n.target.id}`,
    eventAction: n.state === "resolved" ? "resolve" : "trigger",
    priority: PRIORITY[n.rule.severity],
  };
  const out: Record<string, string> = { ...fields };
  for (const [name, value] of Object.entries(secrets)) out[SECRET_PREFIX + name] = value;
  return out;
}
