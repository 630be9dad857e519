/**
 * The templated HTTP channel's settings (SMS gateways, paging and incident tools): method, URL, headers (secret
 * ones masked), content type and a body template over an alert's fields (lib/domain/http-template.ts).
 */
import { z } from "zod";
import { checkTemplate, SECRET_NAME, type TemplateContext } from "@/lib/domain/http-template";

export const templateMethods = ["POST", "PUT", "PATCH"] as const;
export const templateContentTypes = ["application/json", "application/x-www-form-urlencoded"] as const;
export type TemplateContentType = (typeof templateContentTypes)[number];

/** Set by Tidemark itself, so a header cannot change how the body is read or where it goes. */
const RESERVED_HEADERS = new Set(["content-type", "content-length", "host", "transfer-encoding", "connection"]);

export const templateHeaderSchema = z.strictObject({
  name: z
    .string({ error: "header name is required" })
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "a header name is letters, digits and !#$%&'*+.^_`|~-")
    .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), "Content-Type, Content-Length, Host, Transfer-Encoding and Connection are set by Tidemark"),
  value: z
    .string({ error: "header value is required" })
    .max(4000, "a header value must be at most 4,000 characters")
    .regex(/^[^\u0000-\u001f\u007f]*$/, "a header value must not contain control characters or line breaks"),
  /** Kept on the server and shown masked, like a webhook URL */
  secret: z.boolean({ error: "secret must be true or false" }).default(false),
});

export const templateSecretSchema = z.strictObject({
  name: z.string({ error: "secret name is required" }).regex(SECRET_NAME, "a secret name is a letter, then letters, digits or _ (at most 64)"),
  value: z.string({ error: "secret value is required" }).min(1, "a secret value must not be empty").max(4000, "a secret value must be at most 4,000 characters"),
});

const distinct = (names: string[]) => new Set(names).size === names.length;

export const templateUrl = z.string({ error: "url is required" }).min(1, "url is required").max(2000, "url must be at most 2,000 characters");
export const templateBody = z.string({ error: "body is required" }).min(1, "body must not be empty").max(20_000, "body must be at most 20,000 characters");
export const templateHeaders = z.array(templateHeaderSchema, { error: "headers must be a list of {name, value, secret}" }).max(20, "at most 20 headers").refine((l) => distinct(l.map((h) => h.name.toLowerCase())), "header names must not repeat");
export const templateSecrets = z.array(templateSecretSchema, { error: "secrets must be a list of {name, value}" }).max(20, "at most 20 secrets").refine((l) => distinct(l.map((h) => h.name)), "secret names must not repeat");

export const httpTemplateFields = {
  method: z.enum(templateMethods, { error: "method must be POST, PUT or PATCH" }).default("POST"),
  /** May hold placeholders, URL-encoded when filled in */
  url: templateUrl,
  contentType: z.enum(templateContentTypes, { error: "contentType must be application/json or application/x-www-form-urlencoded" }).default("application/json"),
  headers: templateHeaders.default([]),
  /** Values a template uses as {{secrets.NAME}} (an API key in the body): kept on the server, never shown */
  secrets: templateSecrets.default([]),
  body: templateBody,
  /** Whether resolved alerts are sent too */
  sendResolved: z.boolean({ error: "sendResolved must be true or false" }).default(true),
  /** For resolved alerts, when they go elsewhere (Opsgenie's close endpoint) */
  resolvedUrl: templateUrl.optional(),
  resolvedBody: templateBody.optional(),
};

export interface HttpTemplateSettings {
  url: string;
  contentType: TemplateContentType;
  secretNames: readonly string[];
  body: string;
  resolvedUrl?: string | null;
  resolvedBody?: string | null;
}

export const contextOf = (contentType: TemplateContentType): TemplateContext => (contentType === "application/json" ? "json" : "form");

/** An http(s) URL without credentials once its placeholders are filled in. */
function checkUrlTemplate(url: string, secretNames: readonly string[]): string[] {
  const problems = checkTemplate(url, "url", secretNames);
  if (problems.length > 0) return problems;
  try {
    const p = new URL(url.replace(/\{\{[^{}]*\}\}/g, "x"));
    if ((p.protocol === "http:" || p.protocol === "https:") && p.hostname.length > 0 && !p.username && !p.password) return [];
  } catch {
    // falls through
  }
  return ["must be an http:// or https:// URL without credentials"];
}

/** Every problem of a template channel's templates, with the field it is in; [] when it can be saved. */
export function httpTemplateProblems(s: HttpTemplateSettings): { path: string; message: string }[] {
  const context = contextOf(s.contentType);
  return [
    ...checkUrlTemplate(s.url, s.secretNames).map((message) => ({ path: "url", message })),
    ...checkTemplate(s.body, context, s.secretNames).map((message) => ({ path: "body", message })),
    ...(s.resolvedUrl ? checkUrlTemplate(s.resolvedUrl, s.secretNames).map((message) => ({ path: "resolvedUrl", message })) : []),
    ...(s.resolvedBody ? checkTemplate(s.resolvedBody, context, s.secretNames).map((message) => ({ path: "resolvedBody", message })) : []),
  ];
}

export function refineHttpTemplate(c: { url: string; contentType: TemplateContentType; secrets: { name: string }[]; body: string; resolvedUrl?: string; resolvedBody?: string }, ctx: z.RefinementCtx) {
  for (const p of httpTemplateProblems({ ...c, secretNames: c.secrets.map((s) => s.name) })) ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
}
